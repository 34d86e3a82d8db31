import { describe, expect, it } from 'vitest';
import { measureReply, META_TEXT_LIMITS, replyLimit, replyParts, splitForX, X_MAX_POST_LENGTH, X_URL_LENGTH, xWeightedLength } from '../src/channel-text';

describe('channel text rules, shared by the drivers and the desk composer', () => {
  it('counts a bare domain as a t.co link on X, as X does (the desk once counted it as 11)', () => {
    expect(measureReply('x', 'example.com')).toBe(X_URL_LENGTH);
    expect(measureReply('x', 'see https://example.com/a/very/long/path?with=query')).toBe(4 + X_URL_LENGTH);
    expect(measureReply('x', '東京')).toBe(4); // wide characters weigh 2
    expect(measureReply('x', '👩‍👩‍👧')).toBe(2); // one emoji grapheme weighs 2
    expect(measureReply('facebook', 'example.com')).toBe(11);
  });

  it('splits a long public X reply into a numbered thread whose every post fits', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Sentence ${i} about the refund at example.com/r/${i}.`).join(' ');
    const parts = replyParts('x', 'public', text);
    expect(parts).toEqual(splitForX(text));
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((p, i) => {
      expect(xWeightedLength(p)).toBeLessThanOrEqual(X_MAX_POST_LENGTH);
      expect(p.endsWith(` (${i + 1}/${parts.length})`)).toBe(true);
    });
  });

  it('sends a long Meta private message as several that each fit, and leaves what fits alone', () => {
    const text = 'word '.repeat(700).trim(); // 3,499 characters
    const parts = replyParts('instagram', 'private', text);
    expect(parts.length).toBe(4);
    parts.forEach((p) => expect([...p].length).toBeLessThanOrEqual(META_TEXT_LIMITS.instagram.dm));
    expect(parts.join(' ')).toBe(text);
    expect(replyParts('email', 'private', ` ${text} `)).toEqual([text]);
    expect(replyParts('x', 'public', '   ')).toEqual([]);
  });

  it('names each channel\'s limit', () => {
    expect([replyLimit('x', 'public'), replyLimit('x', 'private'), replyLimit('facebook', 'private'), replyLimit('instagram', 'public'), replyLimit('email', 'public')])
      .toEqual([280, 10_000, 2000, 2200, null]);
  });
});
