import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ibanValid, looksLikeCardNumber, luhnValid, scanPersonalData } from '../src/personal-data';
import { loadReplies, scoreGuard, type LabelledReply } from './personal-data-eval';

const kinds = (text: string) => scanPersonalData(text).map((f) => [f.kind, f.match]);

describe('personal-data guard: checksums', () => {
  it('Luhn accepts test card numbers and refuses one changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('12a4')).toBe(false);
  });

  it('a card number needs Luhn, an issuer range and that issuer\'s length', () => {
    expect(looksLikeCardNumber('5500000000000004')).toBe(true);
    expect(looksLikeCardNumber('378282246310005')).toBe(true);
    // Luhn-valid, but no issuer starts with 9 or 1: an order or account number.
    expect(luhnValid('9000000000000001')).toBe(true);
    expect(looksLikeCardNumber('9000000000000001')).toBe(false);
    expect(looksLikeCardNumber('4111111111111')).toBe(false); // 13 digits, fails Luhn
    expect(looksLikeCardNumber('41111111111111111111')).toBe(false); // 20 digits
  });

  it('IBAN mod-97: valid examples of four countries, and each with one character changed', () => {
    for (const iban of ['DE89 3704 0044 0532 0130 00', 'GB82 WEST 1234 5698 7654 32', 'NL91ABNA0417164300', 'FR14 2004 1010 0505 0001 3M02 606']) {
      expect([iban, ibanValid(iban)]).toEqual([iban, true]);
      const broken = iban.replace(/\d(?=\D*$)/, (d) => String((Number(d) + 1) % 10));
      expect([broken, ibanValid(broken)]).toEqual([broken, false]);
    }
    expect(ibanValid('DE89')).toBe(false);
  });
});

describe('personal-data guard: what the care team hit (issue 13)', () => {
  it('the team\'s own canned text asking for a number is not flagged: a keyword alone is never a finding', () => {
    for (const text of [
      'Send us a DM with your order number',
      'Please DM us your booking reference and your account number.',
      'What is your order #? Please DM it, not here.',
      'Your order number and ticket number, please, by DM.',
      'Share your IBAN or card number only in a private message.',
    ]) expect([text, kinds(text)]).toEqual([text, []]);
  });

  it('"My account is 12345678" is an account number; an order id and an IBAN are not card numbers', () => {
    expect(kinds('My account is 12345678')).toEqual([['account', '12345678']]);
    expect(kinds('Your order 1234567812345678 has shipped.')).toEqual([['account', '1234567812345678']]);
    expect(kinds('Refund goes to DE89 3704 0044 0532 0130 00 today.')).toEqual([['iban', 'DE89 3704 0044 0532 0130 00']]);
    expect(kinds('Card 4111 1111 1111 1111 was charged twice.')).toEqual([['card', '4111 1111 1111 1111']]);
  });

  it('phone numbers, but not dates, times, prices, flight numbers or a free helpline', () => {
    expect(kinds('Please call us back on +1 415 555 0199.')).toEqual([['phone', '+1 415 555 0199']]);
    expect(kinds('Tried +33 1 42 68 53 00 twice.')).toEqual([['phone', '+33 1 42 68 53 00']]);
    for (const text of ['Departure moved to 2026-03-02 at 10:15.', 'Flight 2490 now leaves 0930.', 'Refund of $1,299.00 issued.', 'Call free on 1-800-555-0100.'])
      expect([text, kinds(text)]).toEqual([text, []]);
  });

  it('email addresses, except a team\'s own mailboxes', () => {
    expect(kinds('We emailed ann.lee@example.com and support@acme.example.')).toEqual([['email', 'ann.lee@example.com']]);
  });
});

describe('personal-data guard: precision and recall on labelled replies', () => {
  const holdout = JSON.parse(readFileSync(new URL('./fixtures/personal-data/replies-holdout.json', import.meta.url), 'utf8')) as LabelledReply[];
  const sets: [string, LabelledReply[], number][] = [['replies.json', loadReplies(), 0.95], ['replies-holdout.json', holdout, 0.85]];

  it.each(sets)('%s: reply and finding precision and recall above their floors, no value called by the wrong kind', (name, replies, floor) => {
    expect(replies.filter((r) => r.findings.length > 0).length).toBeGreaterThan(15);
    expect(replies.filter((r) => r.findings.length === 0).length).toBeGreaterThan(15);
    const s = scoreGuard(replies, scanPersonalData);
    console.info(`${name}: replies P ${s.replies.precision.toFixed(3)} R ${s.replies.recall.toFixed(3)}; findings P ${s.findings.precision.toFixed(3)} R ${s.findings.recall.toFixed(3)}; ${s.mistakes.join('; ')}`);
    expect({ ...s.replies, name }).toMatchObject({ precision: expect.toSatisfy((x: number) => x >= floor), recall: expect.toSatisfy((x: number) => x >= floor), name });
    expect({ ...s.findings, name }).toMatchObject({ precision: expect.toSatisfy((x: number) => x >= floor), recall: expect.toSatisfy((x: number) => x >= floor), name });
    expect(s.wrongKind).toBe(0);
  });

  it('the scoring itself counts a missed value, a false alarm and a wrong kind', () => {
    const replies: LabelledReply[] = [
      { id: 'a', text: 'card 4111 1111 1111 1111', findings: [{ kind: 'iban', value: '4111 1111 1111 1111' }] },
      { id: 'b', text: 'nothing here', findings: [{ kind: 'phone', value: 'here' }] },
      { id: 'c', text: 'order 1234', findings: [] },
    ];
    const s = scoreGuard(replies, scanPersonalData);
    expect(s.findings).toMatchObject({ tp: 0, fp: 2, fn: 2 });
    expect(s.replies).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 0 });
    expect(s.wrongKind).toBe(1);
  });
});
