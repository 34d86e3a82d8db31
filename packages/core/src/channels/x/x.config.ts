import { z } from 'zod';
import type { ChannelContext } from '../driver';
import { parseConfig } from '../shared/parse';

const XSettings = z.object({
  /** https://api.x.com in production; the local fake's URL in tests and demo mode. */
  apiBaseUrl: z.string().url().default('https://api.x.com'),
  /** The brand account's numeric user id (required for polling). */
  userId: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(15_000),
  /** Long public replies become a numbered thread; when false they are refused instead. */
  splitLongReplies: z.boolean().default(true),
  /** Page size for mention polling (X allows 5–100). */
  pollPageSize: z.number().int().min(5).max(100).default(100),
});
export type XSettings = z.infer<typeof XSettings>;

// Credential schemas are built once: a zod schema is costly to build, and the consumer secret is read on every webhook delivery.
const ConsumerSecret = z.object({ consumerSecret: z.string().min(1) });
const UserToken = z.object({ accessToken: z.string().min(1) });
const ReadToken = z.object({ bearerToken: z.string().min(1).optional(), accessToken: z.string().min(1).optional() }).refine(
  (c) => c.bearerToken !== undefined || c.accessToken !== undefined,
  { path: ['bearerToken'] },
);

export function xSettings(ctx: ChannelContext): XSettings {
  return parseConfig(XSettings, ctx.settings, 'X channel settings');
}

export function xConsumerSecret(ctx: ChannelContext): string {
  return parseConfig(ConsumerSecret, ctx.credentials, 'X credentials').consumerSecret;
}

/** OAuth 2.0 user-context token of the brand account: needed to post and to send DMs. */
export function xUserToken(ctx: ChannelContext): string {
  return parseConfig(UserToken, ctx.credentials, 'X credentials').accessToken;
}

/** Reading mentions works with the app-only bearer token or the user token. */
export function xReadToken(ctx: ChannelContext): string {
  const creds = parseConfig(ReadToken, ctx.credentials, 'X credentials');
  return creds.bearerToken ?? creds.accessToken ?? '';
}
