import { randomUUID } from 'node:crypto';
import { hmacSha256, safeEqual } from '../shared/crypto';

/**
 * A web chat visitor's token: `<visitorId>.<HMAC(secret, channelId:visitorId)>`. Stateless, bound to
 * one channel; whoever holds it is that visitor (it lives in the visitor's browser storage).
 */
export function issueVisitorToken(secret: string, channelId: string): { visitorId: string; token: string } {
  const visitorId = randomUUID();
  return { visitorId, token: `${visitorId}.${sign(secret, channelId, visitorId)}` };
}

export function verifyVisitorToken(secret: string, channelId: string, token: string): string | null {
  const [visitorId, sig, extra] = token.split('.');
  if (!visitorId || !sig || extra !== undefined || !/^[0-9a-f-]{36}$/.test(visitorId)) return null;
  return safeEqual(sig, sign(secret, channelId, visitorId)) ? visitorId : null;
}

function sign(secret: string, channelId: string, visitorId: string): string {
  return hmacSha256(`webchat-visitor:${secret}`, `${channelId}:${visitorId}`).toString('base64url');
}
