import { z } from 'zod';
import { EarshotError } from '@earshot/domain';
import type { ChannelContext } from '../driver';

export const FeedSettings = z.object({
  /** The RSS, Atom or JSON Feed URL (a review site's feed, a forum, a mentions search). */
  url: z.url({ protocol: /^https?$/ }),
  /** How many item ids are remembered for dedupe (at least every item currently in the feed is kept). */
  maxSeenIds: z.coerce.number().int().min(10).max(100_000).default(2000),
  timeoutMs: z.coerce.number().int().positive().default(15_000),
  /** Largest feed document read, in bytes. */
  maxBytes: z.coerce.number().int().positive().default(5 * 1024 * 1024),
});
export type FeedSettings = z.infer<typeof FeedSettings>;

/** Optional secret: a full Authorization header value for feeds behind a token or basic auth. */
export const FeedCredentials = z.object({ authorization: z.string().min(1).optional() });

export interface FeedConfig extends FeedSettings {
  authorization: string | null;
}

export function feedConfig(ctx: ChannelContext): FeedConfig {
  const settings = FeedSettings.safeParse(ctx.settings);
  if (!settings.success) throw invalid('settings', settings.error);
  const creds = FeedCredentials.safeParse(ctx.credentials);
  if (!creds.success) throw invalid('credentials', creds.error);
  return { ...settings.data, authorization: creds.data.authorization ?? null };
}

function invalid(where: string, error: z.ZodError): EarshotError {
  const field = `${where}.${error.issues[0]?.path.join('.') ?? ''}`;
  return new EarshotError('EARSHOT_CONFIG', `Invalid feed channel ${where}: ${field}`, { field });
}
