import { EarshotError } from '@earshot/domain';
import type { ChannelContext, InboundRequest } from '../driver';
import { digestsEqual, hmacSha256 } from '../shared/hmac';
import { headerValue } from '../shared/request-headers';
import { xConsumerSecret } from './x.config';

export const X_SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/** "sha256=" + base64 HMAC-SHA256 keyed with the app's consumer secret: CRC answers and delivery signatures. */
export function xSignature(consumerSecret: string, data: string | Buffer): string {
  return `sha256=${hmacSha256(consumerSecret, data).toString('base64')}`;
}

/** The Challenge-Response Check: GET ?crc_token=… → {"response_token":"sha256=…"}. */
export function xChallenge(req: InboundRequest, ctx: ChannelContext): { status: number; contentType: string; body: string } | null {
  const token = req.query.crc_token;
  if (req.method.toUpperCase() !== 'GET' || token === undefined || token === '') return null;
  const body = JSON.stringify({ response_token: xSignature(xConsumerSecret(ctx), token) });
  return { status: 200, contentType: 'application/json; charset=utf-8', body };
}

export function xVerify(req: InboundRequest, ctx: ChannelContext): void {
  const header = headerValue(req.headers, X_SIGNATURE_HEADER);
  if (!header || !header.startsWith('sha256=')) {
    throw new EarshotError('EARSHOT_SIGNATURE_INVALID', `X delivery without a ${X_SIGNATURE_HEADER} header`);
  }
  const given = Buffer.from(header.slice('sha256='.length), 'base64');
  const expected = hmacSha256(xConsumerSecret(ctx), req.rawBody);
  if (!digestsEqual(expected, given)) {
    throw new EarshotError('EARSHOT_SIGNATURE_INVALID', 'X delivery signature does not match');
  }
}
