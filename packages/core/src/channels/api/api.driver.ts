import { z } from 'zod';
import { CanonicalMessage, EarshotError } from '@earshot/domain';
import { hmacSha256, safeEqual } from '../../shared/crypto';
import type { ChannelContext, ChannelDriver, InboundRequest, ProviderEvent } from '../driver';

/**
 * The generic API channel: any system can push messages to Earshot.
 * Body: `{"events":[{"id":"…","message":{…canonical message…}}]}` or a single `{"id":"…","message":{…}}`.
 * Header: `X-Earshot-Signature: sha256=<hex HMAC-SHA256(channel secret, raw body)>`.
 */
export const SIGNATURE_HEADER = 'x-earshot-signature';

const ApiEvent = z.strictObject({ id: z.string().min(1).max(256), message: CanonicalMessage.strict() });
const ApiBatch = z.strictObject({ events: z.array(ApiEvent).min(1).max(500) });

export function signApiBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${hmacSha256(secret, rawBody).toString('hex')}`;
}

function header(req: InboundRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export const apiDriver: ChannelDriver = {
  kind: 'api',

  verify(req: InboundRequest, ctx: ChannelContext): void {
    const secret = ctx.credentials.secret;
    const got = header(req, SIGNATURE_HEADER);
    if (!secret) throw new EarshotError('EARSHOT_SIGNATURE_INVALID', 'channel has no signing secret');
    if (!got) throw new EarshotError('EARSHOT_SIGNATURE_INVALID', `missing ${SIGNATURE_HEADER} header`, { field: `headers.${SIGNATURE_HEADER}` });
    if (!safeEqual(got, signApiBody(secret, req.rawBody))) {
      throw new EarshotError('EARSHOT_SIGNATURE_INVALID', 'signature does not match the body', { field: `headers.${SIGNATURE_HEADER}` });
    }
  },

  split(body: unknown): ProviderEvent[] {
    // The two shapes are told apart by the `events` key and parsed with their own schema, so the
    // error names the field at fault (a union's error has no path: it said `body.`).
    const batch = !!body && typeof body === 'object' && !Array.isArray(body) && 'events' in body;
    const parsed = batch ? ApiBatch.safeParse(body) : ApiEvent.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // An unknown key is named itself (`body.message.extra`), not the object holding it.
      const path = [...(issue?.path.map(String) ?? []), ...(issue?.code === 'unrecognized_keys' && issue.keys[0] ? [issue.keys[0]] : [])];
      throw new EarshotError('EARSHOT_VALIDATION', issue ? `${path.length ? `${path.join('.')}: ` : ''}${issue.message}` : 'invalid event', { field: ['body', ...path].join('.') });
    }
    const events = 'events' in parsed.data ? parsed.data.events : [parsed.data];
    return events.map((e) => ({ providerEventId: e.id, payload: e }));
  },

  normalize(payload: unknown): CanonicalMessage[] {
    return [ApiEvent.parse(payload).message];
  },
};
