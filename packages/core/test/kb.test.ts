import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor, verifyAuditChain, type Actor, type KbArticleInput } from '@earshot/core';
import { EarshotError } from '@earshot/domain';
import { questionTerms } from '../src/kb/question-terms';
import { describeEachDb } from '../../../test/support/db';
import { createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';

// Real customer questions from the TWCS sample (data/twcs), by tweet id.
const TWCS = parse(readFileSync(new URL('../../../data/twcs/twcs.csv', import.meta.url), 'utf8'), { columns: true, skip_empty_lines: true, relax_column_count: true }) as { tweet_id: string; text: string; inbound: string }[];
const tweet = (id: string): string => {
  const t = TWCS.find((r) => r.tweet_id === id && r.inbound === 'True');
  if (!t) throw new Error(`no inbound tweet ${id} in data/twcs/twcs.csv`);
  return t.text;
};

const ARTICLES: KbArticleInput[] = [
  { title: 'Where is my order? Tracking a late delivery', tags: ['delivery', 'orders'], body: 'Parcels held at the local courier for more than two days: send us the order number and we chase the courier. Marked as delivered but not there? We refund or replace it.' },
  { title: 'Typing "I" shows "A" and a question mark after iOS 11.1', tags: ['ios', 'iphone', 'keyboard'], body: 'A capital I turns into A with a question mark symbol. Update iOS, or set a text replacement in Settings → Keyboard.' },
  { title: 'Redeemed a code but the points did not arrive', tags: ['codes', 'store'], body: 'Points and pre-order codes can take up to 24 hours to appear. Restart the console and check the account the code was redeemed on.' },
  { title: 'Errors at online check-in', tags: ['flights', 'check-in'], body: 'Check-in opens 24 hours before the flight. Errors at check-in often come from partner airlines on connecting flights.' },
  { title: 'Reset a password when the reset email does not arrive', tags: ['account', 'password'], body: 'Reset emails can take 15 minutes; look in spam. Think your account was hacked? Message us and we lock it.' },
];

describeEachDb('knowledge base: articles, search, public page, suggestions', (kind) => {
  let t: TestCore;
  let a: SeededBrand;
  let b: SeededBrand;
  let admin: Actor;
  let adminB: Actor;
  const bySlug = new Map<string, string>();

  /** A conversation of brand `brand` whose customer wrote `texts` (oldest first); `reply` adds an agent answer after the first. */
  async function conversation(brand: SeededBrand, texts: string[], reply = false): Promise<string> {
    const contact = (await t.core.db.insertInto('contacts').values({ brand_id: brand.brandId, name: 'Customer' }).returning('id').executeTakeFirstOrThrow()).id;
    const conv = (await t.core.db.insertInto('conversations').values({ brand_id: brand.brandId, contact_id: contact, channel_id: brand.apiChannelId, preview: texts[0] ?? '' })
      .returning('id').executeTakeFirstOrThrow()).id;
    const base = Date.parse('2026-03-02T09:00:00Z');
    const rows: { direction: 'inbound' | 'outbound'; text: string; at: number }[] = texts.map((text, i) => ({ direction: 'inbound', text, at: base + i * 120_000 }));
    if (reply) rows.splice(1, 0, { direction: 'outbound', text: 'Sorry to hear that! Could you DM us the details?', at: base + 60_000 });
    for (const r of rows) {
      await t.core.db.insertInto('messages').values({
        brand_id: brand.brandId, conversation_id: conv, channel_id: brand.apiChannelId, direction: r.direction, visibility: 'public', kind: 'message', text: r.text, sent_at: new Date(r.at),
      }).execute();
    }
    return conv;
  }

  beforeAll(async () => {
    t = await createTestCore(kind);
    a = await seedBrand(t.core, 'kb-alpha');
    b = await seedBrand(t.core, 'kb-beta');
    admin = { ...systemActor(a.brandId), type: 'user', id: a.adminId, userId: a.adminId };
    adminB = { ...systemActor(b.brandId), type: 'user', id: b.adminId, userId: b.adminId };
    for (const input of ARTICLES) {
      const v = await t.core.kb.create(admin, { ...input, status: 'published' });
      bySlug.set(v.slug, v.id);
    }
  });
  afterAll(async () => { await t?.drop(); });

  it('creates a draft with a slug from its title, edits, publishes, archives and deletes it, each audited', async () => {
    const created = await t.core.kb.create(admin, { title: 'Réinitialiser la boîte: Wi-Fi & router tips!', body: '# Steps\n\nUnplug the **router**.', tags: [' Router ', 'wifi', 'router'] });
    expect(created).toMatchObject({ slug: 'reinitialiser-la-boite-wi-fi-router-tips', status: 'draft', tags: ['router', 'wifi'], authorId: a.adminId, authorName: 'Admin kb-alpha', publishedAt: null, excerpt: 'Steps Unplug the router.' });
    expect(created.path).toBe('/kb/kb-alpha/reinitialiser-la-boite-wi-fi-router-tips');
    // A draft has no public page yet.
    await expect(t.core.kb.publicArticle('kb-alpha', created.slug)).rejects.toMatchObject({ code: 'EARSHOT_NOT_FOUND' });

    const edited = await t.core.kb.update(admin, created.id, { title: 'Restart your router', slug: 'restart-your-router' });
    expect(edited).toMatchObject({ title: 'Restart your router', slug: 'restart-your-router', status: 'draft' });
    const published = await t.core.kb.update(admin, created.id, { status: 'published' });
    expect(published.publishedAt).not.toBeNull();
    const page = await t.core.kb.publicArticle('kb-alpha', 'restart-your-router');
    expect(page).toMatchObject({ title: 'Restart your router', brandName: 'Brand kb-alpha' });
    expect(page.html).toContain('<strong>router</strong>');
    // The page answers to the brand's id as well as its slug.
    expect((await t.core.kb.publicArticle(a.brandId, 'restart-your-router')).title).toBe('Restart your router');

    // Saving the same content again changes nothing and records nothing.
    await t.core.kb.update(admin, created.id, { title: 'Restart your router' });
    await t.core.kb.update(admin, created.id, { status: 'draft' });
    await expect(t.core.kb.publicArticle('kb-alpha', 'restart-your-router')).rejects.toMatchObject({ code: 'EARSHOT_NOT_FOUND' });
    await t.core.kb.update(admin, created.id, { status: 'archived' });
    expect((await t.core.kb.list(admin, {})).items.map((x) => x.id)).not.toContain(created.id);
    expect((await t.core.kb.list(admin, { status: 'archived' })).items.map((x) => x.id)).toEqual([created.id]);
    await t.core.kb.remove(admin, created.id);
    await expect(t.core.kb.get(admin, created.id)).rejects.toMatchObject({ code: 'EARSHOT_NOT_FOUND', field: 'params.id' });

    const audit = await t.core.db.selectFrom('audit_events').select(['action', 'actor_id', 'before', 'after']).where('brand_id', '=', a.brandId).where('subject_id', '=', created.id).orderBy('seq').execute();
    expect(audit.map((e) => e.action)).toEqual(['kb_article.created', 'kb_article.updated', 'kb_article.published', 'kb_article.unpublished', 'kb_article.archived', 'kb_article.deleted']);
    expect(audit.every((e) => e.actor_id === a.adminId)).toBe(true);
    expect(audit[1]).toMatchObject({ before: { title: created.title, slug: created.slug }, after: { title: 'Restart your router', slug: 'restart-your-router' } });
    expect(audit[5]?.before).toMatchObject({ title: 'Restart your router', status: 'archived', body: '# Steps\n\nUnplug the **router**.' });
    expect((await verifyAuditChain(t.core.db, a.brandId)).ok).toBe(true);
  });

  it('refuses a slug taken in the brand, a malformed slug, and a new slug once published; writes nothing then', async () => {
    const auditCount = async () => Number((await t.core.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('brand_id', '=', a.brandId).executeTakeFirstOrThrow()).n);
    const before = await auditCount();
    const dup = t.core.kb.create(admin, { title: 'Another order article', slug: 'where-is-my-order-tracking-a-late-delivery', body: 'x' });
    await expect(dup).rejects.toMatchObject({ code: 'EARSHOT_CONFLICT', field: 'body.slug' });
    await expect(t.core.kb.create(admin, { title: 'Where is my order? Tracking a late delivery', body: 'same title, same derived slug' })).rejects.toMatchObject({ code: 'EARSHOT_CONFLICT' });
    for (const slug of ['Upper', 'two--hyphens', '-lead', 'trail-', 'sp ace', 'ü', 'x'.repeat(101)]) {
      await expect(t.core.kb.create(admin, { title: 'Bad slug', slug, body: 'x' }), slug).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'body.slug' });
    }
    await expect(t.core.kb.create(admin, { title: '🙂🙂', body: 'x' })).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'body.slug' });
    const draft = await t.core.kb.create(admin, { title: 'Draft about refunds', body: 'x' });
    await expect(t.core.kb.update(admin, draft.id, { slug: 'where-is-my-order-tracking-a-late-delivery' })).rejects.toMatchObject({ code: 'EARSHOT_CONFLICT' });
    const published = bySlug.get('errors-at-online-check-in') ?? '';
    await expect(t.core.kb.update(admin, published, { slug: 'check-in-errors' })).rejects.toMatchObject({ code: 'EARSHOT_INVALID_STATE', field: 'body.slug' });
    expect(await auditCount()).toBe(before + 1); // only the draft's creation
    // The same slug in another brand is that brand's own.
    const other = await t.core.kb.create(adminB, { title: 'Where is my order? Tracking a late delivery', body: 'beta version', status: 'published' });
    expect(other.slug).toBe('where-is-my-order-tracking-a-late-delivery');
    await t.core.kb.remove(admin, draft.id);
  });

  it('keeps each brand to its own articles: reads, writes, search and the public page', async () => {
    const betaDraft = await t.core.kb.create(adminB, { title: 'Beta secret draft about delivery', body: 'beta only courier notes' });
    const id = bySlug.get('where-is-my-order-tracking-a-late-delivery') ?? '';
    for (const attempt of [
      () => t.core.kb.get(adminB, id), () => t.core.kb.update(adminB, id, { title: 'stolen' }), () => t.core.kb.update(adminB, id, { status: 'archived' }), () => t.core.kb.remove(adminB, id),
      () => t.core.kb.get(admin, betaDraft.id),
    ]) {
      const err = await attempt().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(EarshotError);
      expect((err as EarshotError).code).toBe('EARSHOT_NOT_FOUND');
    }
    expect((await t.core.kb.get(admin, id)).title).toBe('Where is my order? Tracking a late delivery');
    const alphaSearch = await t.core.kb.list(admin, { q: 'courier' });
    expect(alphaSearch.items.map((x) => x.title)).toEqual(['Where is my order? Tracking a late delivery']);
    const betaAll = await t.core.kb.list(adminB, {});
    expect(betaAll.items.every((x) => x.path.startsWith('/kb/kb-beta/'))).toBe(true);
    expect(betaAll.items.map((x) => x.title)).not.toContain('Errors at online check-in');
    // Another brand's slug or id in the URL never reaches this brand's article.
    await expect(t.core.kb.publicArticle('kb-beta', 'errors-at-online-check-in')).rejects.toMatchObject({ code: 'EARSHOT_NOT_FOUND' });
    await expect(t.core.kb.publicArticle(b.brandId, 'errors-at-online-check-in')).rejects.toMatchObject({ code: 'EARSHOT_NOT_FOUND' });
    await expect(t.core.kb.publicArticle('kb-beta', betaDraft.slug)).rejects.toMatchObject({ code: 'EARSHOT_NOT_FOUND' });
    // Anything that is not a brand reference and a slug is not found, before any query (PostgreSQL refuses NUL in text).
    for (const [brand, slug] of [['\u0000', 'x'], ['kb-alpha', '\u0000'], ['kb-alpha', ''], ['', 'errors-at-online-check-in'], ['kb-alpha', 'errors at online'], ['kb-alpha/..', 'x']]) {
      await expect(t.core.kb.publicArticle(brand ?? '', slug ?? '')).rejects.toMatchObject({ code: 'EARSHOT_NOT_FOUND' });
    }
    expect((await t.core.kb.publicArticle('KB-Alpha', 'Errors-At-Online-Check-In')).title).toBe('Errors at online check-in');
    await t.core.kb.remove(adminB, betaDraft.id);
  });

  it('ranks search results title over tags over body, understands "phrases" and -words, and pages through them', async () => {
    const mk = (title: string, body: string, tags: string[] = []) => t.core.kb.create(admin, { title, body, tags, status: 'published' });
    const inTitle = await mk('Compensation for cancelled flights', 'How long the money takes to come back.');
    const inTags = await mk('Money back after a cancellation', 'When your flight is cancelled we pay you back.', ['compensation']);
    const inBody = await mk('Cancelled flights: your options', `${'Rebook on the next flight, or travel another day at no cost. '.repeat(8)}You can also ask for compensation.`);
    const hits = await t.core.kb.list(admin, { q: 'compensation' });
    expect(hits.items.map((x) => x.id)).toEqual([inTitle.id, inTags.id, inBody.id]);
    expect((await t.core.kb.list(admin, { q: 'compensation -rebook' })).items.map((x) => x.id)).toEqual([inTitle.id, inTags.id]);
    expect((await t.core.kb.list(admin, { q: '"next flight"' })).items.map((x) => x.id)).toEqual([inBody.id]);
    expect((await t.core.kb.list(admin, { q: 'zeppelin' })).items).toEqual([]);
    // One at a time, following the cursor: the same order, each once.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.core.kb.list(admin, { q: 'cancelled OR compensation', limit: 1, cursor });
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual((await t.core.kb.list(admin, { q: 'cancelled OR compensation', limit: 100 })).items.map((x) => x.id));
    expect(new Set(seen).size).toBe(3);
    // Browsing pages by last edit, newest first.
    const browse: string[] = [];
    cursor = undefined;
    do {
      const page = await t.core.kb.list(admin, { limit: 2, cursor });
      browse.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(browse.slice(0, 3)).toEqual([inBody.id, inTags.id, inTitle.id]);
    expect(new Set(browse).size).toBe(browse.length);
    // A search cursor is not a browse cursor, and garbage is refused.
    const searchCursor = (await t.core.kb.list(admin, { q: 'compensation', limit: 1 })).nextCursor ?? '';
    await expect(t.core.kb.list(admin, { cursor: searchCursor })).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'query.cursor' });
    await expect(t.core.kb.list(admin, { cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION' });
    for (const x of [inTitle, inTags, inBody]) await t.core.kb.remove(admin, x.id);
  });

  it('suggests the published article that answers a real customer question', async () => {
    const cases: [string, string][] = [
      ['634', 'where-is-my-order-tracking-a-late-delivery'], // "…my order at my local courier for the last 6 days and still hasn't been delivered"
      ['710', 'typing-i-shows-a-and-a-question-mark-after-ios-11-1'], // "Why are my I's question marks ?"
      ['320', 'redeemed-a-code-but-the-points-did-not-arrive'], // "redeemed a code for fifa points this afternoon and still haven't got it"
      ['1242', 'errors-at-online-check-in'], // "Why would we be receiving errors when we try to check-in?"
      ['1264', 'reset-a-password-when-the-reset-email-does-not-arrive'], // "Someone changed my password (hacked). Asked reset link…"
    ];
    for (const [tweetId, slug] of cases) {
      const conv = await conversation(a, [tweet(tweetId)]);
      const s = await t.core.kb.suggest(admin, conv);
      expect([tweetId, s.items[0]?.slug]).toEqual([tweetId, slug]);
      expect(s.items[0]?.path).toBe(`/kb/kb-alpha/${slug}`);
      expect(s.items[0]?.matched.length).toBeGreaterThan(0);
      expect(s.terms.length).toBeGreaterThan(0);
    }
    // Praise with no question in it matches nothing; nor does one word in common ("email", with a password article).
    const praise = await conversation(a, [tweet('153')]);
    expect((await t.core.kb.suggest(admin, praise)).items).toEqual([]);
    const oneWord = await conversation(a, [tweet('22')]); // "Would you like me to email you a copy of one since Spectrum is not updating your training?"
    const s = await t.core.kb.suggest(admin, oneWord);
    expect(s.terms).toContain('email');
    expect(s.items).toEqual([]);
  });

  it('suggests from the questions not answered yet, published articles only, of the brand only', async () => {
    // The agent answered the delivery question; the customer's new message is about a password.
    const conv = await conversation(a, [tweet('634'), 'Also my password reset email never arrives, I think my account was hacked'], true);
    const s = await t.core.kb.suggest(admin, conv);
    expect(s.items[0]?.slug).toBe('reset-a-password-when-the-reset-email-does-not-arrive');
    expect(s.items.map((x) => x.slug)).not.toContain('where-is-my-order-tracking-a-late-delivery');
    expect(s.terms).not.toContain('courier');
    // Everything answered: the newest question still counts.
    const answered = await conversation(a, [tweet('710')], true);
    expect((await t.core.kb.suggest(admin, answered)).items[0]?.slug).toBe('typing-i-shows-a-and-a-question-mark-after-ios-11-1');

    // A draft or an archived article is not suggested; nor is another brand's article.
    const draft = await t.core.kb.create(admin, { title: 'Hacked account and password reset (draft)', body: 'password reset hacked account email', tags: ['password'] });
    await t.core.kb.create(adminB, { title: 'Password reset email never arrives when hacked', body: 'password reset email hacked account arrives', status: 'published' });
    const ids = (await t.core.kb.suggest(admin, conv)).items.map((x) => x.id);
    expect(ids).not.toContain(draft.id);
    expect(ids.every((id) => [...bySlug.values()].includes(id))).toBe(true);
    const pw = bySlug.get('reset-a-password-when-the-reset-email-does-not-arrive') ?? '';
    await t.core.kb.update(admin, pw, { status: 'archived' });
    expect((await t.core.kb.suggest(admin, conv)).items.map((x) => x.id)).not.toContain(pw);
    await t.core.kb.update(admin, pw, { status: 'published' });
    // Another brand's conversation is not found.
    await expect(t.core.kb.suggest(adminB, conv)).rejects.toMatchObject({ code: 'EARSHOT_CONVERSATION_NOT_FOUND' });
  });
});

it('takes the meaningful words of a customer message', () => {
  expect(questionTerms(['@AmazonHelp why is my order at my local courier?? https://t.co/x Over 1 week late 😡 &amp; hasn’t arrived #delivery __email__ me@x.com'])).toEqual(['order', 'local', 'courier', 'late', 'arrived', 'delivery']);
  expect(questionTerms(['Hi! Can you help me please?'])).toEqual([]);
  expect(questionTerms(['a b c d e f g h i j k l m n o p q r s t u v w x y z '.repeat(3) + Array.from({ length: 40 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`).join(' ')], 5)).toHaveLength(5);
});
