import type { ChannelLimits } from '../driver';

/**
 * Provider allowance per channel as last reported by the provider. In-process: a fresh process
 * starts optimistic and learns the real numbers from the first response's headers.
 */
export class LimitsStore {
  private readonly byKey = new Map<string, ChannelLimits>();

  set(channelId: string, bucket: string, limits: ChannelLimits): void {
    this.byKey.set(`${channelId}\u0000${bucket}`, limits);
  }

  get(channelId: string, bucket: string): ChannelLimits | undefined {
    return this.byKey.get(`${channelId}\u0000${bucket}`);
  }

  /** The bucket with the least headroom, for the channel's budget meter. */
  tightest(channelId: string, buckets: string[]): ChannelLimits | undefined {
    let best: ChannelLimits | undefined;
    for (const bucket of buckets) {
      const l = this.get(channelId, bucket);
      if (!l) continue;
      if (!best || share(l) < share(best)) best = l;
    }
    return best;
  }
}

function share(l: ChannelLimits): number {
  if (l.limit === null || l.remaining === null || l.limit === 0) return 1;
  return l.remaining / l.limit;
}
