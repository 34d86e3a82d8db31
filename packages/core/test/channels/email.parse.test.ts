import { describe, expect, it } from 'vitest';
import {
  emailDriver,
  normalizeEmailEventAsync,
  parseEmail,
  trimQuotedHistory,
} from '../../src/channels/email';
import { replyReferences, replySubject } from '../../src/channels/email/email.threading';

const ctx = { channelId: 'c', brandId: 'b', credentials: {}, settings: {} };

const raw = (headers: string[], body: string): Buffer => Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}`, 'latin1');

describe('quoted history trimming', () => {
  it('cuts a Gmail attribution wrapped over two lines and everything after it', () => {
    const text = [
      'Thanks, that worked.',
      '',
      'On Wed, 5 Jun 2024 at 09:30, Brand Support <',
      'support@brand.test> wrote:',
      '',
      '> Please restart the router.',
    ].join('\n');
    expect(trimQuotedHistory(text)).toBe('Thanks, that worked.');
  });

  it('cuts a translated attribution and an Outlook header block without a separator line', () => {
    expect(trimQuotedHistory('Merci !\n\nLe 5 juin 2024 à 09:30, Support a écrit :\n> Bonjour')).toBe('Merci !');
    expect(trimQuotedHistory('See below.\n\nFrom: Brand Support\nSent: 5 June 2024 09:30\nTo: Jane\n\nOld text')).toBe('See below.');
  });

  it('keeps what the customer wrote between inline quotes, and sentences that merely mention writing', () => {
    const inline = ['> Which plan are you on?', 'The family plan.', '> Since when?', 'Since March.'].join('\n');
    expect(trimQuotedHistory(inline)).toBe('The family plan.\nSince March.');
    const story = 'On the phone your agent said I wrote:\nnothing about a refund.';
    expect(trimQuotedHistory(story)).toBe(story);
  });

  it('returns a message that is only quotes whole rather than empty', () => {
    expect(trimQuotedHistory('> forwarded text')).toBe('> forwarded text');
  });
});

describe('parseEmail', () => {
  it('decodes a Latin-1 quoted-printable body and invents a stable Message-ID when there is none', async () => {
    const message = raw(
      ['From: =?ISO-8859-1?Q?Ren=E9?= <rene@example.fr>', 'To: support@brand.test', 'Subject: =?ISO-8859-1?Q?Probl=E8me?=', 'Date: Wed, 05 Jun 2024 09:30:00 +0200', 'Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: quoted-printable'],
      'Le d=E9bit est tr=E8s lent.',
    );
    const a = await parseEmail(message);
    const b = await parseEmail(message);
    expect(a).toMatchObject({ subject: 'Problème', text: 'Le débit est très lent.', author: { externalId: 'rene@example.fr', displayName: 'René' }, sentAt: '2024-06-05T07:30:00.000Z' });
    expect(a.providerMessageId).toMatch(/^<sha256\.[0-9a-f]{40}@earshot\.invalid>$/);
    expect(b.providerMessageId).toBe(a.providerMessageId);
    expect(a.threadKey).toBe(a.providerMessageId);
  });

  it('threads on In-Reply-To when References is missing, and marks a copy of our own mail as outbound', async () => {
    const message = raw(['From: support@brand.test', 'To: jane@customer.test', 'Message-ID: <ours@brand.test>', 'In-Reply-To: <theirs@customer.test>', 'Subject: Re: Hi'], 'Hello');
    const parsed = await parseEmail(message, { ownAddress: 'Support@Brand.test' });
    expect(parsed).toMatchObject({ threadKey: '<theirs@customer.test>', replyToProviderId: '<theirs@customer.test>', references: [], direction: 'outbound' });
  });

  it('refuses a message without a From address', async () => {
    await expect(parseEmail(raw(['To: support@brand.test', 'Subject: ?'], 'x'))).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION' });
  });

  it('normalizes a stored raw-only payload asynchronously, and the sync driver path explains why it cannot', async () => {
    const payload = { raw: raw(['From: a@b.test', 'Message-ID: <m1@b.test>'], 'hi').toString('base64'), encoding: 'base64' };
    expect((await normalizeEmailEventAsync(payload))[0]).toMatchObject({ providerMessageId: '<m1@b.test>', text: 'hi' });
    expect(() => emailDriver.normalize(payload, ctx)).toThrow(expect.objectContaining({ code: 'EARSHOT_VALIDATION' }));
    expect(() => emailDriver.normalize({ nope: true }, ctx)).toThrow(expect.objectContaining({ code: 'EARSHOT_VALIDATION', field: 'payload.raw' }));
  });
});

describe('reply threading helpers', () => {
  it('keeps the root and the most recent ids when a References chain grows long', () => {
    const chain = Array.from({ length: 30 }, (_, i) => `<m${i}@x.test>`);
    const refs = replyReferences(chain, '<parent@x.test>');
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe('<m0@x.test>');
    expect(refs.at(-1)).toBe('<parent@x.test>');
    expect(refs.at(-2)).toBe('<m29@x.test>');
  });

  it('prefixes Re: once', () => {
    expect(replySubject('Order 12', 'Your message')).toBe('Re: Order 12');
    expect(replySubject('RE: Order 12', 'Your message')).toBe('RE: Order 12');
    expect(replySubject(null, 'Your message')).toBe('Re: Your message');
  });
});
