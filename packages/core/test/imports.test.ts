import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { systemActor, type Actor } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';
import { parseArchiveDate } from '../src/imports/import-dates';
import { parseCsvRecords } from '../src/imports/import-records';

const AIRLINE_DEV = fileURLToPath(new URL('../../../data/airline-sentiment/dev.csv', import.meta.url));

/** The header and the first `n` records of a CSV file, cut after the line the n-th record ends on. */
function firstRecords(path: string, n: number): { text: string; records: Record<string, string>[] } {
  const whole = readFileSync(path, 'utf8');
  const parsed = parseCsvRecords(whole);
  const last = parsed.records[n - 1];
  if (!last) throw new Error('file too short');
  const text = `${whole.split('\n').slice(0, last.line).join('\n')}\n`;
  return { text, records: parsed.records.slice(0, n).map((r) => r.values as Record<string, string>) };
}

describe('archive dates', () => {
  it('reads the layouts archives use and refuses what is not a time', () => {
    expect(parseArchiveDate('2015-02-24 11:35:52 -0800')).toBe('2015-02-24T19:35:52.000Z');
    expect(parseArchiveDate('2015-02-24T11:35:52-08:00')).toBe('2015-02-24T19:35:52.000Z');
    expect(parseArchiveDate('2015-02-24 11:35:52')).toBe('2015-02-24T11:35:52.000Z'); // no offset: UTC, not the server's zone
    expect(parseArchiveDate('Tue Oct 31 22:10:47 +0000 2017')).toBe('2017-10-31T22:10:47.000Z');
    expect(parseArchiveDate('1424800552')).toBe('2015-02-24T17:55:52.000Z');
    expect(parseArchiveDate(1424800552000)).toBe('2015-02-24T17:55:52.000Z');
    for (const bad of ['', '1', 'yesterday', '2015-13-45', null, {}]) expect(parseArchiveDate(bad)).toBeNull();
  });
});

describeEachDb('archive imports (airline, CSV and JSON through a mapping)', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let actor: Actor;
  const drain = () => t.core.worker().drain();
  const count = async (table: 'inbound_events' | 'messages' | 'conversations') => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where brand_id = ${b.brandId}`.execute(t.core.db)).rows[0]?.n);
  const messagesOf = (channelId: string) => t.core.db.selectFrom('messages').selectAll().where('channel_id', '=', channelId).orderBy('sent_at').orderBy('provider_message_id').execute();

  beforeAll(async () => {
    t = await createTestCore(kind);
    b = await seedBrand(t.core, 'importer');
    actor = systemActor(b.brandId, 'test');
  });
  afterAll(async () => { await t?.drop(); });

  it('imports the airline-sentiment dev file as inbound public X posts, keeps the crowd labels in the record, and stores nothing twice', async () => {
    const { text, records } = firstRecords(AIRLINE_DEV, 40);
    const progress: number[] = [];
    const r = await t.core.imports.importAirline(actor, text, (p) => progress.push(p.done));
    expect(r).toMatchObject({ rows: 40, accepted: 40, duplicates: 0, skipped: 0, errors: [] });
    expect(progress.at(-1)).toBe(40);
    expect(r.channels).toEqual([{ id: expect.any(String), name: 'X archive (airline sentiment import)', kind: 'x' }]);
    await drain();
    const channelId = r.channels[0]?.id ?? '';
    const stored = await messagesOf(channelId);
    expect(stored).toHaveLength(40);
    const byId = new Map(stored.map((m) => [m.provider_message_id, m]));
    for (const row of records) {
      const m = byId.get(row.id ?? '');
      expect(m, row.id).toBeDefined();
      expect(m).toMatchObject({ direction: 'inbound', visibility: 'public', text: (row.text ?? '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>') });
      expect(m?.sent_at.toISOString()).toBe(new Date(row.created_at ?? '').toISOString());
      // The record is kept once, in the raw event the message points at.
      const event = await t.core.db.selectFrom('inbound_events').select('payload').where('id', '=', m?.inbound_event_id ?? '0').executeTakeFirst();
      expect((event?.payload as { record: Record<string, string> }).record).toMatchObject({ sentiment: row.sentiment, negative_reason: row.negative_reason, airline: row.airline });
      expect(m?.raw).toBeNull();
    }
    // No author in this layout: every tweet is its own anonymous author, so its own conversation.
    expect(new Set(stored.map((m) => m.conversation_id)).size).toBe(40);

    const before = { events: await count('inbound_events'), messages: await count('messages') };
    const again = await t.core.imports.importAirline(actor, text);
    expect(again).toMatchObject({ rows: 40, accepted: 0, duplicates: 40, skipped: 0 });
    await drain();
    expect({ events: await count('inbound_events'), messages: await count('messages') }).toEqual(before);
  });

  it('reads the Kaggle Tweets.csv layout: screen name as the author, its time format, quoted newlines and entities', async () => {
    const csv = [
      'tweet_id,airline_sentiment,airline_sentiment_confidence,negativereason,negativereason_confidence,airline,airline_sentiment_gold,name,negativereason_gold,retweet_count,text,tweet_coord,tweet_created,tweet_location,user_timezone',
      '570306133677760513,neutral,1.0,,,Virgin America,,cairdin,,0,@VirginAmerica What @dhepburn said.,,2015-02-24 11:35:52 -0800,,Eastern Time (US & Canada)',
      '570301130888122368,positive,0.3486,,0.0,Virgin America,,jnardino,,0,"@VirginAmerica plus you\'ve added commercials to the experience...',
      'tacky.",,2015-02-24 11:15:59 -0800,,Pacific Time (US & Canada)',
      '570301083672813571,negative,0.6837,Bad Flight,0.3521,Virgin America,,jnardino,,0,@VirginAmerica seats &amp; legroom &lt;3 hours,,2015-02-24 11:45:36 -0800,Lets Play,Central Time (US & Canada)',
    ].join('\n');
    const r = await t.core.imports.importAirline(actor, csv);
    expect(r).toMatchObject({ rows: 3, accepted: 3, skipped: 0 });
    await drain();
    const stored = await t.core.db.selectFrom('messages as m').innerJoin('contact_identities as i', 'i.id', 'm.author_identity_id')
      .select(['m.provider_message_id', 'm.text', 'm.sent_at', 'm.conversation_id', 'i.handle', 'i.channel_kind'])
      .where('m.provider_message_id', 'in', ['570306133677760513', '570301130888122368', '570301083672813571']).orderBy('m.sent_at').execute();
    expect(stored.map((m) => [m.provider_message_id, m.handle, m.channel_kind, m.sent_at.toISOString()])).toEqual([
      ['570301130888122368', '@jnardino', 'x', '2015-02-24T19:15:59.000Z'],
      ['570306133677760513', '@cairdin', 'x', '2015-02-24T19:35:52.000Z'],
      ['570301083672813571', '@jnardino', 'x', '2015-02-24T19:45:36.000Z'],
    ]);
    expect(stored[0]?.text).toBe('@VirginAmerica plus you\'ve added commercials to the experience...\ntacky.');
    expect(stored[2]?.text).toBe('@VirginAmerica seats & legroom <3 hours');
    // The same author's second tweet joins their open conversation.
    expect(stored[2]?.conversation_id).toBe(stored[0]?.conversation_id);
  });

  it('refuses a CSV that is not an airline file, naming the missing columns, and stores nothing', async () => {
    const before = await count('inbound_events');
    await expect(t.core.imports.importAirline(actor, 'tweet,body\n1,hello\n')).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION', message: expect.stringContaining('tweet_created') });
    expect(await count('inbound_events')).toBe(before);
  });

  const helpdeskMapping = {
    name: 'Helpdesk export',
    fields: { id: 'ticket', inReplyTo: 'parent', authorId: 'user_id', authorHandle: 'user', authorName: 'user_name', text: 'body', createdAt: 'at', channelKind: 'network', direction: 'dir' },
    values: { channelKind: { tw: 'x', fb: 'facebook' }, direction: { customer: 'inbound', 'support team': 'outbound' } },
  };
  const helpdeskCsv = [
    'ticket,parent,user_id,user,user_name,body,at,network,dir',
    'h1,,u-alice,alice,Alice A,"My order 77 never arrived, help!",2024-03-01T09:00:00Z,tw,customer',
    'h2,h1,brand,acme,Acme,Sorry Alice: DM us your order number,2024-03-01T09:05:00Z,tw,support team',
    'h3,h2,u-alice,alice,Alice A,Sent it to you,2024-03-01T09:10:00Z,tw,customer',
    'h4,,u-bob,bob,Bob,Date is broken,not a date,tw,customer',
    'h5,,u-bob,bob,Bob,,2024-03-01T10:00:00Z,tw,customer',
    'h6,,u-carol,carol,Carol,"Your shop page is down",2024-03-01T11:00:00Z,fb,customer',
    'h7,,u-dan,dan,Dan,Hello,2024-03-01T12:00:00Z,myspace,customer',
    'h8,,u-eve,eve,Eve,too,many,columns,here,2024-03-01T12:00:00Z,tw,customer',
    'h9,,u-fay,fay,Fay,Who sent this?,2024-03-01T13:00:00Z,tw,robot',
  ].join('\n');

  it('imports any CSV through a mapping: one channel per network, threading by in-reply-to, bad rows skipped and counted', async () => {
    const r = await t.core.imports.importMapped(actor, 'csv', helpdeskCsv, helpdeskMapping);
    expect(r).toMatchObject({ rows: 9, accepted: 4, duplicates: 0, skipped: 5 });
    expect(r.errors).toEqual([
      { line: 5, message: expect.stringContaining('createdAt ("at") is not a readable time') },
      { line: 6, message: 'text ("body") is empty' },
      { line: 8, message: expect.stringContaining('channelKind "myspace" is not a known value') },
      { line: 9, message: expect.stringContaining('unreadable CSV record') },
      { line: 10, message: expect.stringContaining('direction "robot" is not a known value') },
    ]);
    expect(r.channels.map((c) => [c.name, c.kind]).sort()).toEqual([['Helpdesk export (facebook)', 'facebook'], ['Helpdesk export (x)', 'x']]);
    await drain();
    const x = r.channels.find((c) => c.kind === 'x')?.id ?? '';
    const thread = await messagesOf(x);
    expect(thread.map((m) => [m.provider_message_id, m.direction])).toEqual([['h1', 'inbound'], ['h2', 'outbound'], ['h3', 'inbound']]);
    expect(new Set(thread.map((m) => m.conversation_id)).size).toBe(1);
    const contact = await t.core.db.selectFrom('contact_identities').select(['external_id', 'handle', 'display_name', 'channel_kind']).where('brand_id', '=', b.brandId).where('external_id', '=', 'u-alice').executeTakeFirstOrThrow();
    expect(contact).toEqual({ external_id: 'u-alice', handle: '@alice', display_name: 'Alice A', channel_kind: 'x' });
    const fb = await messagesOf(r.channels.find((c) => c.kind === 'facebook')?.id ?? '');
    expect(fb.map((m) => m.text)).toEqual(['Your shop page is down']);

    const again = await t.core.imports.importMapped(actor, 'csv', helpdeskCsv, helpdeskMapping);
    expect(again).toMatchObject({ accepted: 0, duplicates: 4, skipped: 5 });
  });

  it('refuses a mapping that names a column the file does not have, naming it, before storing anything', async () => {
    const before = await count('inbound_events');
    const wrong = { ...helpdeskMapping, name: 'Typo import', fields: { ...helpdeskMapping.fields, text: 'body_text', authorName: 'username' } };
    const err = await t.core.imports.importMapped(actor, 'csv', helpdeskCsv, wrong).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'mapping.fields.text' });
    expect((err as Error).message).toContain('fields.text: column "body_text" is not in the file');
    expect((err as Error).message).toContain('fields.authorName: column "username" is not in the file');
    expect((err as Error).message).toContain('columns found: ticket, parent, user_id');
    expect(await count('inbound_events')).toBe(before);
  });

  it('refuses an invalid mapping with every problem named', async () => {
    const err = await t.core.imports.importMapped(actor, 'csv', helpdeskCsv, { fields: { id: 'ticket', text: 'body', autor: 'user' }, defaults: { channelKind: 'myspace' } }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'EARSHOT_VALIDATION' });
    const message = (err as Error).message;
    expect(message).toContain('name: is required');
    expect(message).toContain('fields: unknown key(s) "autor"');
    expect(message).toContain('fields.createdAt');
    expect(message).toContain('defaults.channelKind');
  });

  it('imports a JSON array with nested fields, and JSON lines with a broken line skipped', async () => {
    const mapping = { name: 'Forum dump', fields: { id: 'id', text: 'post.body', createdAt: 'post.created', authorHandle: 'user.screen_name', authorFollowers: 'user.followers', threadKey: 'topic' }, defaults: { channelKind: 'x' } };
    const posts: unknown[] = [
      { id: 9001, topic: 't-1', post: { body: 'The app crashes on login', created: 1_709_280_000 }, user: { screen_name: 'Zed', followers: 1200 } },
      { id: 9002, topic: 't-1', post: { body: 'Same here since the update', created: '2024-03-01T09:00:00Z' }, user: { screen_name: 'yan', followers: 'many' } },
      'not an object',
    ];
    const r = await t.core.imports.importMapped(actor, 'json', JSON.stringify(posts), mapping);
    expect(r).toMatchObject({ rows: 3, accepted: 1, skipped: 2, errors: [{ line: 2, message: expect.stringContaining('authorFollowers "many"') }, { line: 3, message: 'not a JSON object' }] });
    await drain();
    const [m] = await messagesOf(r.channels[0]?.id ?? '');
    expect(m).toMatchObject({ provider_message_id: '9001', text: 'The app crashes on login', author_followers: 1200, provider_thread_id: 't-1' });
    expect(m?.sent_at.toISOString()).toBe('2024-03-01T08:00:00.000Z');

    const lines = [JSON.stringify(posts[0]), '{"id": 9003, "post": {', JSON.stringify({ id: 9004, topic: 't-1', post: { body: 'Same here since the update', created: '2024-03-01T09:00:00Z' }, user: { screen_name: 'yan', followers: 3 } }), ''].join('\n');
    const r2 = await t.core.imports.importMapped(actor, 'json', lines, mapping);
    expect(r2).toMatchObject({ rows: 3, accepted: 1, duplicates: 1, skipped: 1, errors: [{ line: 2, message: 'not valid JSON' }] });
    await drain();
    expect((await messagesOf(r.channels[0]?.id ?? '')).map((m2) => m2.provider_message_id).sort()).toEqual(['9001', '9004']);
  });
});
