import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_TOLERANCE_SECONDS } from '@earshot/domain';

/** A new signing secret: 32 random bytes, shown to the admin once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the timestamp is signed with the body, so an old delivery cannot be replayed later. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'expired' | 'mismatch' };

/**
 * What a receiver does with the header (docs/webhooks.md): parse it, refuse a timestamp outside the
 * replay window, recompute the HMAC over the raw body and compare in constant time.
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, rawBody: string | Buffer, nowSeconds: number, toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS): SignatureCheck {
  if (!header) return { ok: false, reason: 'malformed' };
  let t: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) candidates.push(v);
  }
  if (t === null || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: 'expired' };
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const match = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'mismatch' };
}
