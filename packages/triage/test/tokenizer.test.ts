import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/index';
import { decodeEntities, repairArtefacts } from '../src/text/normalize';

const texts = (s: string): string[] => tokenize(s).map((t) => t.text);

describe('tokenize', () => {
  it('maps mentions, URLs, numbers and keeps hashtags', () => {
    expect(texts('@united flight 1234 at 5:30pm http://t.co/XyZ #fail')).toEqual(['<user>', 'flight', '<num>', 'at', '<num>', '<url>', '#fail']);
  });

  it('decodes HTML entities before tokenizing', () => {
    expect(decodeEntities('A &amp; B &lt;3 &#39;ok&#39; &bogus;')).toBe("A & B <3 'ok' &bogus;");
    expect(texts('bags &amp; seats')).toEqual(['bags', 'seats']);
  });

  it('marks words in a negation scope until the clause ends', () => {
    const tokens = tokenize("not happy at all. can't complain");
    expect(tokens.filter((t) => t.negated).map((t) => t.text)).toEqual(['happy', 'at', 'all', 'complain']);
  });

  it('collapses elongated words and flags them and ALL CAPS', () => {
    const [so, good] = tokenize('SOOOO goooood');
    expect(so).toMatchObject({ text: 'soo', elongated: true, allCaps: true });
    expect(good).toMatchObject({ text: 'good', elongated: true, allCaps: false });
  });

  it('keeps emoji (with skin tones and ZWJ sequences) and emoticons as tokens', () => {
    const tokens = tokenize('great 👍🏽 😡😡 :) :( <3');
    expect(tokens.map((t) => t.kind)).toEqual(['word', 'emoji', 'emoji', 'emoji', 'emoticon', 'emoticon', 'emoticon']);
    expect(tokens.slice(4).map((t) => t.text)).toEqual(['<smile>', '<sad>', '<smile>']);
  });

  it("undoes the data set's find-and-replace artefacts", () => {
    expect(repairArtefacts('Cancelled Flightled and Late Flightr, Late Flight again; Flight Booking Problems')).toBe(
      'cancelled and later, late again; booking problems',
    );
    expect(texts('my flight got Cancelled Flighted')).toEqual(['my', 'flight', 'got', 'canceled']);
  });

  it('keeps apostrophes inside words and never loops on odd input', () => {
    expect(texts("I'm sure it’s fine, 2nd time")).toEqual(["i'm", 'sure', "it's", 'fine', ',', '2nd', 'time']);
    expect(texts('$5off')).toEqual(['$5off']);
    expect(tokenize('$$$ ### @@ :: ')).toEqual(expect.any(Array));
  });
});
