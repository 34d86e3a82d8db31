import { decodeEntities } from '../shared/text';

// English function words plus what customers write to every brand about anything ("help",
// "please", "still", "today"): matching on them would suggest every article for every message.
const STOP = new Set(`
a about above after again against all also am an and any are aren as at be because been before being below between both but by
can cannot could couldn did didn do does doesn doing don down during each few for from further get gets getting got had hadn has hasn
have haven having he her here hers herself him himself his how i if in into is isn it its itself just let me more most mustn my myself
no nor not now of off on once only or other ought our ours ourselves out over own same shan she should shouldn so some such than that
the their theirs them themselves then there these they this those through to too under until up very was wasn we were weren what when
where which while who whom why will with won would wouldn you your yours yourself yourselves
im ive id ill youre youve dont cant wont isnt doesnt didnt hasnt havent wasnt arent couldnt shouldnt wouldnt thats whats theres
hi hello hey hiya thanks thank thx ty please pls plz help helps helped helping anyone someone somebody anything something
still yet already again ever even really actually literally just like lol omg wtf ok okay yes yeah yep nope guys guy
today yesterday tomorrow tonight now day days week weeks time times hour hours minute minutes ago since last next
know need needs want wants wanted trying try tried going gonna gotta get got make made say said tell told ask asked see seen look looking
one two three first way thing things lot much many every new old good great bad well back
work works worked working use used using never else find found give gave wait waited waiting send sent sending keep kept stop
people person must around side following longer put come came sure able unable anymore without another other done take took
happen happened happening same thing issue issues problem problems question questions fix fixed via asap
`.split(/\s+/).filter(Boolean));

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/gi;
const HANDLE_RE = /(^|[^\w])@\w+/g;
const EMAIL_RE = /\S+@\S+\.\S+|__\w+__/g;

/**
 * The meaningful words of a customer's messages, in the order they were written, for a
 * knowledge-base search: links, @handles, addresses, numbers, short words and stop words are
 * dropped; a hashtag counts as its word. Letters and digits only, so each term is safe to join
 * into a text-search query.
 */
export function questionTerms(texts: readonly string[], max = 24): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of texts) {
    const text = decodeEntities(raw).replace(URL_RE, ' ').replace(EMAIL_RE, ' ').replace(HANDLE_RE, '$1 ').replace(/[’‘`]/g, "'")
      .normalize('NFKC').toLowerCase();
    for (const m of text.matchAll(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu)) {
      // "order's" is the order; "didn't" is a stop word once the apostrophe is gone.
      const word = m[0].replace(/'s$/, '').replace(/'/g, '');
      if (word.length < 3 || word.length > 40 || /^\p{N}+$/u.test(word) || STOP.has(word) || seen.has(word)) continue;
      seen.add(word);
      out.push(word);
      if (out.length >= max) return out;
    }
  }
  return out;
}
