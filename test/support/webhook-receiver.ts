import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@earshot/core';

export interface Received { eventId: string; deliveryId: string; type: string; signature: 'ok' | string; body: Record<string, unknown> }

/**
 * A webhook receiver on 127.0.0.1, written as docs/webhooks.md tells integrators to: it verifies the
 * signature over the raw body (constant time, 5-minute window) and accepts each event id once
 * (a repeat is answered 200 and not counted again). `mode` makes it fail: answer 500, or hang.
 */
export class WebhookReceiver {
  secret = '';
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  /** Fail this many requests, then answer normally. */
  failNext = 0;
  /** Every request that reached it, in order (accepted or not). */
  readonly requests: Received[] = [];
  /** Event ids accepted (signature valid, first time seen). */
  readonly accepted: string[] = [];
  readonly #server: Server;
  port = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const check = verifyWebhookSignature(this.secret, req.headers['earshot-signature'] as string | undefined, raw, Date.now() / 1000);
        let body: Record<string, unknown> = {};
        try { body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>; } catch { /* recorded as is */ }
        const eventId = String(body.id ?? '');
        this.requests.push({ eventId, deliveryId: String(req.headers['earshot-delivery'] ?? ''), type: String(body.type ?? ''), signature: check.ok ? 'ok' : check.reason, body });
        if (this.mode === 'hang') return; // never answers
        if (this.mode === 'fail' || this.failNext > 0) {
          this.failNext = Math.max(0, this.failNext - 1);
          res.writeHead(500).end('receiver is down for maintenance');
          return;
        }
        if (!check.ok) { res.writeHead(401).end(check.reason); return; }
        if (!this.accepted.includes(eventId)) this.accepted.push(eventId);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
  }

  static async start(port = 0): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await r.listen(port);
    return r;
  }

  async listen(port = this.port): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.#server.address() as AddressInfo).port;
  }

  get url(): string { return `http://127.0.0.1:${this.port}/hooks/earshot`; }

  /** Stops listening (the receiver is "down": connections are refused) until listen() again. */
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
