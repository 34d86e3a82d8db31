import { dmThreadKey } from '../x/x.ids';

export interface XFakeUser {
  id: string;
  username: string;
  name: string;
  followers: number;
}

export interface XFakeTweet {
  id: string;
  text: string;
  authorId: string;
  conversationId: string;
  inReplyToTweetId: string | null;
  inReplyToUserId: string | null;
  quotedTweetId: string | null;
  createdAt: Date;
  mentionsBrand: boolean;
}

/** What the fake saw the brand send, for tests to assert on. */
export type XSentRecord =
  | { kind: 'post'; id: string; text: string; inReplyToTweetId: string | null }
  | { kind: 'dm'; id: string; text: string; participantId: string; conversationId: string };

export type XRateBucket = 'tweets' | 'dm' | 'mentions';

interface Window {
  limit: number;
  remaining: number;
  resetAtSec: number;
}

const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657n;
const WINDOW_SECONDS = 15 * 60;

/** Users, posts, DMs, sends and rate windows of the fake X. */
export class XFakeState {
  readonly users = new Map<string, XFakeUser>();
  readonly tweets = new Map<string, XFakeTweet>();
  readonly sent: XSentRecord[] = [];
  private sequence = 0n;
  private readonly windows = new Map<XRateBucket, Window>();
  private readonly limits: Record<XRateBucket, number> = { tweets: 100, dm: 200, mentions: 180 };

  constructor(private readonly now: () => number) {}

  /** Snowflake ids: time-ordered like X's, so since_id comparisons behave as on X. */
  nextId(): string {
    this.sequence += 1n;
    return String(((BigInt(this.now()) - SNOWFLAKE_EPOCH_MS) << 22n) + (this.sequence % 4096n));
  }

  addUser(user: Omit<XFakeUser, 'id'> & { id?: string }): XFakeUser {
    const full = { ...user, id: user.id ?? String(1_000_000 + this.users.size + 1) };
    this.users.set(full.id, full);
    return full;
  }

  addTweet(t: Omit<XFakeTweet, 'id' | 'createdAt' | 'conversationId' | 'inReplyToUserId'>): XFakeTweet {
    const id = this.nextId();
    const parent = t.inReplyToTweetId ? this.tweets.get(t.inReplyToTweetId) : undefined;
    const tweet: XFakeTweet = {
      ...t,
      id,
      createdAt: new Date(this.now()),
      conversationId: parent?.conversationId ?? id,
      inReplyToUserId: parent?.authorId ?? null,
    };
    this.tweets.set(id, tweet);
    return tweet;
  }

  recordDm(participantId: string, text: string): XSentRecord {
    const brand = [...this.users.values()][0];
    const record: XSentRecord = { kind: 'dm', id: this.nextId(), text, participantId, conversationId: dmThreadKey(brand?.id ?? '0', participantId).slice('x:dm:'.length) };
    this.sent.push(record);
    return record;
  }

  setRateLimit(bucket: XRateBucket, limit: number): void {
    this.limits[bucket] = limit;
    this.windows.delete(bucket);
  }

  /** Count one request against its 15-minute window; false when the window is used up. */
  consume(bucket: XRateBucket): { allowed: boolean; headers: Record<string, string> } {
    const nowSec = Math.floor(this.now() / 1000);
    let w = this.windows.get(bucket);
    if (!w || w.resetAtSec <= nowSec) {
      w = { limit: this.limits[bucket], remaining: this.limits[bucket], resetAtSec: nowSec + WINDOW_SECONDS };
      this.windows.set(bucket, w);
    }
    const allowed = w.remaining > 0;
    if (allowed) w.remaining -= 1;
    return { allowed, headers: rateHeaders(w.limit, w.remaining, w.resetAtSec) };
  }

  /** Headers for a forced 429: the window is empty until reset. */
  exhausted(bucket: XRateBucket, resetInSeconds: number): Record<string, string> {
    const resetAtSec = Math.floor(this.now() / 1000) + resetInSeconds;
    this.windows.set(bucket, { limit: this.limits[bucket], remaining: 0, resetAtSec });
    return rateHeaders(this.limits[bucket], 0, resetAtSec);
  }
}

function rateHeaders(limit: number, remaining: number, resetAtSec: number): Record<string, string> {
  return { 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(resetAtSec) };
}
