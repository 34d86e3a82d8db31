import { isEarshotError } from '@earshot/domain';
import type { ChannelContext, ChannelDriver, ProviderEvent } from '../driver';
import { startFakeHttp } from './fake-http';

export interface DriverWebhookReceiver {
  url: string;
  /** Events split out of each accepted delivery, in arrival order. */
  accepted: ProviderEvent[][];
  /** Error codes of refused deliveries. */
  refused: string[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for Earshot's webhook route: challenge on GET, verify + split on POST, with
 * the raw body bytes exactly as received. Lets driver tests and the demo run without the server app.
 */
export async function startDriverWebhookReceiver(driver: ChannelDriver, ctx: ChannelContext): Promise<DriverWebhookReceiver> {
  const accepted: ProviderEvent[][] = [];
  const refused: string[] = [];
  const http = await startFakeHttp((req) => {
    const inbound = {
      method: req.method,
      headers: req.headers,
      query: Object.fromEntries(req.query.entries()),
      rawBody: req.rawBody,
    };
    try {
      if (req.method === 'GET') {
        const answer = driver.challenge?.(inbound, ctx) ?? null;
        if (!answer) return { status: 400, body: 'not a challenge' };
        return { status: answer.status, headers: { 'content-type': answer.contentType }, body: answer.body };
      }
      driver.verify(inbound, ctx);
      const events = driver.split(JSON.parse(req.rawBody.toString('utf8')) as unknown, ctx);
      accepted.push(events);
      return { status: 200, body: { eventIds: events.map((e) => e.providerEventId) } };
    } catch (e) {
      const code = isEarshotError(e) ? e.code : 'EARSHOT_INTERNAL';
      refused.push(code);
      return { status: isEarshotError(e) ? e.status : 500, body: { code } };
    }
  });
  return { url: `${http.url}/webhooks`, accepted, refused, close: () => http.close() };
}
