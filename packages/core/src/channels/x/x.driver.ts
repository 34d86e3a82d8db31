import type { ChannelDriver, ChannelLimits } from '../driver';
import type { LimitsStore } from '../shared/limits-store';
import type { FetchImpl } from '../shared/provider-http';
import { xLimits } from './x.limits';
import { normalizeXEvent } from './x.normalize';
import { sendX } from './x.send';
import { splitXDelivery } from './x.split';
import { X_MAX_POST_LENGTH } from '@earshot/domain';
import { xChallenge, xVerify } from './x.verification';

export interface XDriverOptions {
  fetch?: FetchImpl;
  now?: () => Date;
  limits?: LimitsStore;
}

/** X/Twitter: Account Activity webhooks in, v2 posts and DMs out. Polling lives in x.poll.ts. */
export function createXDriver(opts: XDriverOptions = {}): ChannelDriver {
  const limits = opts.limits ?? xLimits;
  const deps = { fetchImpl: opts.fetch ?? ((...args: Parameters<FetchImpl>) => fetch(...args)), limits, now: opts.now ?? (() => new Date()) };
  return {
    kind: 'x',
    challenge: xChallenge,
    verify: xVerify,
    split: (body) => splitXDelivery(body),
    normalize: (payload) => normalizeXEvent(payload),
    send: (msg, ctx) => sendX(msg, ctx, deps),
    limits: (ctx): ChannelLimits =>
      limits.tightest(ctx.channelId, ['tweets', 'dm', 'mentions']) ?? { limit: null, remaining: null, resetAt: null, maxTextLength: X_MAX_POST_LENGTH, unit: 'requests' },
  };
}
