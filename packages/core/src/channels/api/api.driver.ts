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
const ApiDelivery = z.union([z.strictObject({ events: z.array(ApiEvent).min(1).max(500) }), ApiEvent]);

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
    const parsed = ApiDelivery.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EarshotError('EARSHOT_VALIDATION', issue ? issue.message : 'invalid event', { field: `body.${issue?.path.join('.') ?? ''}` });
    }
    const events = 'events' in parsed.data ? parsed.data.events : [parsed.data];
    return events.map((e) => ({ providerEventId: e.id, payload: e }));
  },

  normalize(payload: unknown): CanonicalMessage[] {
    return [ApiEvent.parse(payload).message];
  },
};
