import type { ChannelDriver } from '../driver';
import { LimitsStore } from '../shared/limits-store';
import type { FetchImpl } from '../shared/provider-http';
import { normalizeMetaEvent } from './meta.normalize';
import type { MetaPlatform } from './meta.platform';
import { sendMeta } from './meta.send';
import { splitMetaDelivery } from './meta.split';
import { metaChallenge, metaVerify } from './meta.verification';

export interface MetaDriverOptions {
  fetch?: FetchImpl;
  now?: () => Date;
  limits?: LimitsStore;
}

/** The Meta webhook family: one implementation, parameterised by platform (Facebook Page or Instagram). */
export function createMetaDriver(platform: MetaPlatform, opts: MetaDriverOptions = {}): ChannelDriver {
  const limits = opts.limits ?? new LimitsStore();
  const deps = { fetchImpl: opts.fetch ?? ((...args: Parameters<FetchImpl>) => fetch(...args)), limits, now: opts.now ?? (() => new Date()) };
  return {
    kind: platform.kind,
    challenge: metaChallenge,
    verify: metaVerify,
    split: (body) => splitMetaDelivery(platform, body),
    normalize: (payload) => normalizeMetaEvent(platform, payload),
    send: (msg, ctx) => sendMeta(platform, msg, ctx, deps),
    limits: (ctx) =>
      limits.get(ctx.channelId, 'graph') ?? { limit: null, remaining: null, resetAt: null, maxTextLength: platform.maxCommentLength, unit: 'percent' },
  };
}
