import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Core, DeskEvent } from '@earshot/core';

type VisitorStream = Awaited<ReturnType<Core['webchat']['openStream']>>;

const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events for one web chat visitor. Every message event of the brand for the visitor's
 * conversation (an ingested visitor message, an agent's reply queued or marked sent) triggers one batch
 * query; batches never overlap and a burst of events coalesces into one more. An event carries `{ items }`
 * and, as its id, the cursor to resume from; a message already sent on this connection is not sent again.
 */
export function streamVisitor(reply: FastifyReply, core: Core, stream: VisitorStream, cursorIn: string | null, req: IncomingMessage): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive',
    'x-content-type-options': 'nosniff', 'x-accel-buffering': 'no', 'access-control-allow-origin': '*',
  });
  res.write('retry: 2000\n: connected\n\n');

  let cursor = cursorIn;
  let conversationId: string | null = null;
  const sent = new Set<string>();
  let closed = false;
  let running = false;
  let again = false;
  let first = true;
  let lastPending = '';

  const push = async (): Promise<void> => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const batch = await core.webchat.streamBatch(stream, cursor);
        conversationId = batch.conversationId;
        cursor = batch.cursor;
        const fresh = batch.items.filter((m) => !sent.has(m.id));
        for (const m of fresh) sent.add(m.id);
        // The first event always goes out (it hands the client a cursor), and so does one whose cursor now
        // remembers a different set of waiting replies, so a reconnect finds them however late they are sent.
        const pending = batch.cursor.slice(batch.cursor.indexOf('|') + 1);
        if (!closed && (fresh.length > 0 || first || pending !== lastPending)) res.write(`id: ${batch.cursor}\nevent: messages\ndata: ${JSON.stringify({ items: fresh })}\n\n`);
        first = false;
        lastPending = pending;
      } while (again && !closed);
    } catch {
      // The database is away: end the stream; the widget reconnects with its cursor.
      close();
      res.end();
    } finally {
      running = false;
    }
  };

  const onEvent = (e: DeskEvent): void => {
    if (e.brandId !== stream.brandId || (e.type !== 'message.created' && e.type !== 'message.updated')) return;
    // Before the visitor's first message is ingested their conversation is unknown: any message event may be it.
    if (conversationId !== null && e.conversationId !== conversationId) return;
    void push();
  };
  const unsubscribe = core.bus.subscribe(onEvent);
  const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(beat);
    unsubscribe();
  }
  req.on('close', close);
  res.on('error', close);
  void push();
}
