import { EarshotError } from '@earshot/domain';
import type { ImportMapping } from './import-mapping';

/**
 * The Twitter US Airline Sentiment archive, in either layout:
 * - Kaggle's `Tweets.csv`: `tweet_id, airline_sentiment, negativereason, airline, name, text, tweet_created, …`
 *   (`name` is the author's screen name; `tweet_created` is "2015-02-24 11:35:52 -0800");
 * - the cut-down copy in `data/airline-sentiment/dev.csv`: `id, text, sentiment, negative_reason, airline,
 *   created_at` (no author: each tweet is its own anonymous author).
 * Each row is an inbound public X post. The crowd labels (sentiment, reason) are not turned into triage
 * labels: they stay in the stored record (the inbound event's payload, `inbound_events.payload.record`, which the message points at) for evaluating triage against them.
 */
const KAGGLE = ['tweet_id', 'name', 'text', 'tweet_created'] as const;
const CUT_DOWN = ['id', 'text', 'created_at'] as const;

const common = { name: 'X archive (airline sentiment import)', defaults: { channelKind: 'x', direction: 'inbound', visibility: 'public' }, decodeHtmlEntities: true, keepRecord: true } as const;

export function airlineMapping(columns: Set<string>): ImportMapping {
  if (KAGGLE.every((c) => columns.has(c))) return { ...common, fields: { id: 'tweet_id', text: 'text', createdAt: 'tweet_created', authorHandle: 'name' } };
  if (CUT_DOWN.every((c) => columns.has(c))) return { ...common, fields: { id: 'id', text: 'text', createdAt: 'created_at' } };
  const kaggleMissing = KAGGLE.filter((c) => !columns.has(c));
  const cutMissing = CUT_DOWN.filter((c) => !columns.has(c));
  throw new EarshotError('EARSHOT_VALIDATION', `not an airline-sentiment file: missing column(s) ${kaggleMissing.join(', ')} (Kaggle Tweets.csv layout) or ${cutMissing.join(', ')} (data/airline-sentiment layout)`);
}
