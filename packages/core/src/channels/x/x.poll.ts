import type { CanonicalMessage } from '@earshot/domain';
import type { ChannelContext, ProviderEvent } from '../driver';
import { parseConfig, parsePayload } from '../shared/parse';
import type { FetchImpl } from '../shared/provider-http';
import type { LimitsStore } from '../shared/limits-store';
import { z } from 'zod';
import { xReadToken, xSettings } from './x.config';
import { callX } from './x.http';
import { xTweetEventId } from './x.ids';
import { normalizePolledMention } from './x.normalize-v2';
import { X_MAX_POST_LENGTH } from '@earshot/domain';
import { XMentionsPage, type XPolledMention } from './x.v2-schemas';
import { xLimits } from './x.limits';

/**
 * Where polling stands. `sinceId` is the newest mention fully taken in; while a cycle is paging
 * backwards through newer mentions, `paginationToken` and `cycleNewestId` remember the way.
 */
export interface MentionsPollState {
  sinceId: string | null;
  paginationToken: string | null;
  cycleNewestId: string | null;
}

export const initialMentionsPollState: MentionsPollState = { sinceId: null, paginationToken: null, cycleNewestId: null };

export interface MentionsPollResult {
  messages: CanonicalMessage[];
  /** The same mentions as storable events, with the ids webhooks use (x:tweet:<id>), so both paths dedupe. */
  events: ProviderEvent[];
  nextState: MentionsPollState;
  /** True while the current cycle has more pages: call again now. */
  hasMore: boolean;
}

/**
 * Reads one page of GET /2/users/:id/mentions. The state only moves forward after a page was read,
 * so a rate limit or outage mid-cycle is resumed, never skipped.
 */
export async function pollMentions(
  ctx: ChannelContext,
  state: MentionsPollState,
  fetchImpl: FetchImpl = fetch,
  deps: { limits?: LimitsStore; now?: () => Date } = {},
): Promise<MentionsPollResult> {
  const settings = xSettings(ctx);
  const userId = parseConfig(z.object({ userId: z.string().min(1) }), settings, 'X channel settings').userId;
  const res = await callX(
    {
      channelId: ctx.channelId,
      baseUrl: settings.apiBaseUrl,
      token: xReadToken(ctx),
      timeoutMs: settings.timeoutMs,
      method: 'GET',
      path: `/2/users/${encodeURIComponent(userId)}/mentions`,
      query: {
        max_results: String(settings.pollPageSize),
        since_id: state.sinceId ?? undefined,
        pagination_token: state.paginationToken ?? undefined,
        expansions: 'author_id',
        'tweet.fields': 'created_at,conversation_id,in_reply_to_user_id,referenced_tweets,author_id',
        'user.fields': 'public_metrics,username,name',
      },
      bucket: 'mentions',
      maxTextLength: X_MAX_POST_LENGTH,
    },
    { fetchImpl, limits: deps.limits ?? xLimits, now: deps.now ?? (() => new Date()) },
  );
  const page = parsePayload(XMentionsPage, res, 'X mentions page');
  const users = page.includes?.users ?? [];
  const events: ProviderEvent[] = [];
  const messages: CanonicalMessage[] = [];
  for (const tweet of page.data ?? []) {
    const author = users.find((u) => u.id === tweet.author_id);
    const payload: XPolledMention = { for_user_id: userId, data: [tweet], includes: { users: author ? [author] : [] } };
    events.push({ providerEventId: xTweetEventId(tweet.id), payload });
    messages.push(normalizePolledMention(payload));
  }
  // The first page of a cycle carries the newest id; it becomes since_id once the cycle is complete.
  const cycleNewestId = state.paginationToken ? state.cycleNewestId : (page.meta.newest_id ?? null);
  const nextToken = page.meta.next_token;
  if (nextToken) {
    return { messages, events, nextState: { sinceId: state.sinceId, paginationToken: nextToken, cycleNewestId }, hasMore: true };
  }
  return {
    messages,
    events,
    nextState: { sinceId: cycleNewestId ?? state.sinceId, paginationToken: null, cycleNewestId: null },
    hasMore: false,
  };
}
