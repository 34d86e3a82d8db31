// X ids are snowflakes: the top bits are milliseconds since X's epoch (2010-11-04).
const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657n;

export function snowflakeTime(id: string): string | null {
  if (!/^\d{15,20}$/.test(id)) return null;
  return new Date(Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS)).toISOString();
}

/** A DM thread is the pair of participants, like X's own "smaller-larger" conversation id. */
export function dmThreadKey(a: string, b: string): string {
  const [lo, hi] = compareIds(a, b) <= 0 ? [a, b] : [b, a];
  return `x:dm:${lo}-${hi}`;
}

export function conversationThreadKey(conversationId: string): string {
  return `x:conv:${conversationId}`;
}

/** Numeric id order (ids exceed 2^53, compare as BigInt when both are numeric). */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const d = BigInt(a) - BigInt(b);
    return d === 0n ? 0 : d < 0n ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export const xTweetEventId = (id: string): string => `x:tweet:${id}`;
export const xDmEventId = (id: string): string => `x:dm:${id}`;
