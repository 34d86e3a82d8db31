import { EarshotError } from '@earshot/domain';
import type { ChannelContext, InboundRequest } from '../driver';
import { digestsEqual, hmacSha256 } from '../shared/hmac';
import { headerValue } from '../shared/request-headers';
import { metaAppSecret, metaVerifyToken } from './meta.config';

export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

/** "sha256=" + hex HMAC-SHA256 of the raw body keyed with the app secret. */
export function metaSignature(appSecret: string, body: string | Buffer): string {
  return `sha256=${hmacSha256(appSecret, body).toString('hex')}`;
}

/** Subscription check: GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… → echo the challenge. */
export function metaChallenge(req: InboundRequest, ctx: ChannelContext): { status: number; contentType: string; body: string } | null {
  const mode = req.query['hub.mode'];
  const challenge = req.query['hub.challenge'];
  if (req.method.toUpperCase() !== 'GET' || mode === undefined || challenge === undefined) return null;
  const expected = Buffer.from(metaVerifyToken(ctx));
  const given = Buffer.from(req.query['hub.verify_token'] ?? '');
  if (mode !== 'subscribe' || !digestsEqual(expected, given)) {
    return { status: 403, contentType: 'text/plain; charset=utf-8', body: 'verify token mismatch' };
  }
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: challenge };
}

export function metaVerify(req: InboundRequest, ctx: ChannelContext): void {
  const header = headerValue(req.headers, META_SIGNATURE_HEADER);
  if (!header || !header.startsWith('sha256=') || !/^[0-9a-f]{64}$/i.test(header.slice(7))) {
    throw new EarshotError('EARSHOT_SIGNATURE_INVALID', 'Meta delivery without a valid X-Hub-Signature-256 header');
  }
  const given = Buffer.from(header.slice(7), 'hex');
  if (!digestsEqual(hmacSha256(metaAppSecret(ctx), req.rawBody), given)) {
    throw new EarshotError('EARSHOT_SIGNATURE_INVALID', 'Meta delivery signature does not match');
  }
}
