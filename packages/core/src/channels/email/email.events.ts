import { z } from 'zod';
import { CanonicalMessage, EarshotError } from '@earshot/domain';
import type { ProviderEvent } from '../driver';
import { parseEmail } from './email.parse';
import type { FetchedEmail } from './imap.poller';

/**
 * What an email channel stores in inbound_events. `raw` is the message exactly as fetched (base64, so
 * 8-bit bodies survive JSON); `message` is the canonical form parsed at receive time, because MIME
 * parsing is asynchronous while a driver's normalize is not.
 */
export const EmailEventPayload = z.object({
  raw: z.string().min(1),
  encoding: z.enum(['base64', 'text']).default('text'),
  mailbox: z.string().optional(),
  uid: z.number().int().nonnegative().optional(),
  uidValidity: z.string().optional(),
  /** The server's copy was larger than what we fetched (see maxMessageBytes). */
  truncated: z.boolean().optional(),
  message: CanonicalMessage.optional(),
  /** Why the raw message could not be parsed (kept so the stored event explains its failure). */
  parseError: z.string().optional(),
});
export type EmailEventPayload = z.infer<typeof EmailEventPayload>;

/**
 * A fetched message → a provider event. Its id is the Message-ID (stable across UIDVALIDITY changes and
 * mailbox moves, so a re-fetch is a duplicate), or `imap:<uidValidity>:<uid>` when it cannot be parsed.
 */
export async function emailEvent(fetched: FetchedEmail, opts: { ownAddress?: string } = {}): Promise<ProviderEvent> {
  const base = {
    raw: fetched.source.toString('base64'),
    encoding: 'base64' as const,
    mailbox: fetched.mailbox,
    uid: fetched.uid,
    uidValidity: fetched.uidValidity,
    truncated: fetched.size > fetched.source.length,
  };
  try {
    const message = await parseEmail(fetched.source, { receivedAt: fetched.internalDate ?? undefined, ownAddress: opts.ownAddress });
    return { providerEventId: message.providerMessageId, payload: { ...base, message } };
  } catch (err) {
    const parseError = err instanceof Error ? err.message : 'unparsable message';
    return { providerEventId: `imap:${fetched.uidValidity}:${fetched.uid}`, payload: { ...base, parseError } };
  }
}

/** A stored email event → canonical messages, synchronously (the parse happened at receive time). */
export function normalizeEmailEvent(payload: unknown): CanonicalMessage[] {
  const event = parseEventPayload(payload);
  if (event.message !== undefined) return [event.message];
  throw new EarshotError('EARSHOT_VALIDATION', event.parseError ?? 'Email event has no parsed message; use normalizeEmailEventAsync', {
    field: 'payload.message',
  });
}

/** The same, parsing `raw` when the event was stored without its parsed form (e.g. by an import). */
export async function normalizeEmailEventAsync(payload: unknown, opts: { ownAddress?: string } = {}): Promise<CanonicalMessage[]> {
  const event = parseEventPayload(payload);
  if (event.message !== undefined) return [event.message];
  const raw = event.encoding === 'base64' ? Buffer.from(event.raw, 'base64') : Buffer.from(event.raw, 'utf8');
  return [await parseEmail(raw, opts)];
}

function parseEventPayload(payload: unknown): EmailEventPayload {
  const result = EmailEventPayload.safeParse(payload);
  if (!result.success) {
    const field = `payload.${result.error.issues[0]?.path.join('.') ?? ''}`;
    throw new EarshotError('EARSHOT_VALIDATION', 'Email event payload has an unexpected shape', { field });
  }
  return result.data;
}
