import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

interface Item { id: string; from: 'visitor' | 'agent'; agentName: string | null; text: string }
interface SseEvent { event: string; id: string | null; items: Item[] }

/** Reads a text/event-stream response as the widget does (fetch + reader), one complete event at a time. */
async function openStream(url: string, headers: Record<string, string>): Promise<{ status: number; next(ms?: number): Promise<SseEvent>; close(): void }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    return { status: res.status, next: () => Promise.reject(new Error('no stream')), close: () => undefined };
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseEvent[] = [];
  const next = async (ms = 5_000): Promise<SseEvent> => {
    const until = Date.now() + ms;
    for (;;) {
      const ready = queue.shift();
      if (ready) return ready;
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
        if (fields.event) queue.push({ event: fields.event, id: fields.id ?? null, items: (JSON.parse(fields.data ?? '{}') as { items: Item[] }).items });
        continue;
      }
      const left = until - Date.now();
      if (left <= 0) throw new Error('no event in time');
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), left))]);
      if (chunk === null) throw new Error('no event in time');
      if (chunk.done) throw new Error('stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return { status: res.status, next, close: () => abort.abort() };
}

// The widget's push channel: GET /api/v1/site/:id/chat/stream over a real socket.
describeEachDb('web chat push stream (server-sent events)', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let agent: Session;
  let base = '';
  let channelId = '';
  let convId = '';
  let token = '';
  const streams: { close(): void }[] = [];

  const drain = () => t.core.worker().drain();
  const post = (path: string, payload: unknown, visitor?: string) =>
    fetch(`${base}/api/v1/site/${channelId}/chat/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(visitor ? { 'x-earshot-visitor': visitor } : {}) }, body: JSON.stringify(payload) });
  const stream = async (visitor: string | null, extra: Record<string, string> = {}, query = '') => {
    const s = await openStream(`${base}/api/v1/site/${channelId}/chat/stream${query}`, { ...(visitor ? { 'x-earshot-visitor': visitor } : {}), ...extra });
    streams.push(s);
    return s;
  };
  const reply = async (text: string) => (await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text, visibility: 'private' })).json<{ id: string }>().id;

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'streamy');
    const admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    channelId = (await as(t.app, admin)('POST', '/api/v1/channels', { kind: 'webchat', name: 'Site chat' })).json<{ channel: { id: string } }>().channel.id;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    token = (await (await post('sessions', {})).json() as { token: string }).token;
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await t?.drop();
  });

  it('refuses a missing or forged visitor token (401) and an unknown channel (404) before streaming', async () => {
    expect((await stream(null)).status).toBe(401);
    expect((await stream(`${token.split('.')[0] ?? ''}.forged`)).status).toBe(401);
    const other = await openStream(`${base}/api/v1/site/00000000-0000-4000-8000-000000000000/chat/stream`, { 'x-earshot-visitor': token });
    expect(other.status).toBe(404);
  });

  let cursorAfterHello = '';
  it('pushes the visitor\'s own message once ingested and the agent\'s reply once sent — never notes — with a cursor as the event id', async () => {
    const s = await stream(token);
    const hello = await s.next();
    expect(hello).toMatchObject({ event: 'messages', items: [] }); // nothing yet, but a cursor
    expect(hello.id).toMatch(/^\d{4}-\d{2}-\d{2}T.*\|$/);

    await post('messages', { clientMessageId: 'stream-0001', text: 'Is the Lisbon flight delayed?' }, token);
    await drain();
    const mine = await s.next();
    expect(mine.items).toEqual([expect.objectContaining({ from: 'visitor', text: 'Is the Lisbon flight delayed?' })]);
    cursorAfterHello = mine.id ?? '';
    convId = (await t.core.db.selectFrom('conversations').select('id').where('channel_id', '=', channelId).executeTakeFirstOrThrow()).id;

    await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/notes`, { text: 'internal: check ops' });
    const replyId = await reply('Yes, about 40 minutes.');
    const queued = await s.next(); // the reply is queued, not sent: the cursor now remembers it as pending
    expect(queued.items).toEqual([]);
    expect(queued.id).toContain(replyId);
  });

  it('pushes the reply the moment delivery marks it sent (no polling), exactly once', async () => {
    const s = await stream(token);
    const history = await s.next();
    expect(history.items.map((i) => i.text)).toEqual(['Is the Lisbon flight delayed?']);
    const t0 = Date.now();
    await drain(); // delivery marks the queued reply sent
    const pushed = await s.next(3_000);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(pushed.items).toEqual([{ id: expect.any(String), from: 'agent', agentName: 'Agent streamy', text: 'Yes, about 40 minutes.', sentAt: expect.any(String) }]);
    const reply2 = await reply('Gate C7.');
    await drain();
    const events = [await s.next(), await s.next()];
    const texts = events.flatMap((e) => e.items.map((i) => i.text));
    expect(texts).toEqual(['Gate C7.']);
    expect(events.at(-1)?.id).not.toContain(reply2);
  });

  it('resumes from Last-Event-ID (or ?cursor=) with what it missed, including a reply delivered long after it was written', async () => {
    // An older cursor gets what came after it (give or take the overlap; the widget dedupes by id); one that is not ours, the history.
    const older = await stream(token, { 'last-event-id': cursorAfterHello });
    expect((await older.next()).items.map((i) => i.text)).toEqual(expect.arrayContaining(['Yes, about 40 minutes.', 'Gate C7.']));
    const garbage = await stream(token, { 'last-event-id': 'not-a-cursor' });
    expect((await garbage.next()).items.map((i) => i.text)).toEqual(['Is the Lisbon flight delayed?', 'Yes, about 40 minutes.', 'Gate C7.']);

    const s = await stream(token);
    expect((await s.next()).items).toHaveLength(3);
    // A reply is written, and the stream's cursor records it as pending…
    const late = await reply('We rebooked you on the 18:05.');
    const withPending = await s.next();
    expect(withPending.items).toEqual([]);
    expect(withPending.id).toContain(late);
    s.close();
    // …the visitor is gone for an hour, and the reply (written two hours ago) is delivered only now, e.g.
    // after the channel was paused: neither its time nor its place in the conversation lets a cursor find it.
    await sql`update messages set created_at = created_at - interval '1 hour', sent_at = sent_at - interval '1 hour' where conversation_id = ${convId}`.execute(t.core.db);
    await sql`update messages set created_at = created_at - interval '1 hour', sent_at = sent_at - interval '1 hour' where id = ${late}`.execute(t.core.db);
    await drain();

    const resumed = await stream(token, { 'last-event-id': withPending.id ?? '' });
    expect((await resumed.next()).items.map((i) => i.text)).toEqual(['We rebooked you on the 18:05.']);
    const byQuery = await stream(token, {}, `?cursor=${encodeURIComponent(withPending.id ?? '')}`);
    expect((await byQuery.next()).items.map((i) => i.text)).toEqual(['We rebooked you on the 18:05.']);
  });

  it('never shows one visitor another visitor\'s conversation', async () => {
    const other = (await (await post('sessions', {})).json() as { token: string }).token;
    const s = await stream(other);
    expect((await s.next()).items).toEqual([]);
    await reply('Only for the first visitor.');
    await drain();
    await post('messages', { clientMessageId: 'other-0001', text: 'Hi from visitor two' }, other);
    await drain();
    // The first event this visitor gets is their own message: the other conversation's reply never reached them.
    expect((await s.next()).items.map((x) => x.text)).toEqual(['Hi from visitor two']);
  });
});
