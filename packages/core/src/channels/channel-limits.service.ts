import type { DB, Kysely } from '@earshot/db';
import type { Clock } from '../shared/clock';
import { sendBudget, type SendBudget } from '../deliver/send-budget';
import { loadPollState } from '../polling/poll-state.repository';
import type { PollingService } from '../polling/poll.service';
import { pollerFor } from '../polling/pollers';
import type { ChannelService } from './channel.service';
import type { ChannelLimits } from './driver';
import { getDriver } from './registry';

export interface ChannelLimitsView {
  channelId: string;
  kind: string;
  /** The provider's allowance as last reported (rate-limit or usage headers); null values until known. */
  provider: ChannelLimits | null;
  /** The brand's own daily send budget and what the channel sent in the last 24 hours. */
  budget: SendBudget;
  /** For polled channels: when it last polled, its failure streak and when the next poll is due. */
  polling: { lastPolledAt: string | null; failures: number; lastError: string | null; nextPollAt: string | null } | null;
}

/** The quota meter of one channel, for the admin and desk screens. */
export class ChannelLimitsService {
  constructor(private readonly db: Kysely<DB>, private readonly channels: ChannelService, private readonly polling: PollingService, private readonly clock: Clock) {}

  async get(brandId: string, channelId: string): Promise<ChannelLimitsView> {
    const row = await this.channels.get(brandId, channelId);
    const ctx = { channelId: row.id, brandId: row.brand_id, credentials: this.channels.credentials(row), settings: row.settings };
    const driver = getDriver(row.kind);
    let polling: ChannelLimitsView['polling'] = null;
    if (pollerFor(row.kind, row.settings)) {
      const s = await loadPollState(this.db, row.id);
      const next = await this.polling.nextPollAt(row.id);
      polling = { lastPolledAt: s.lastPolledAt, failures: s.failures, lastError: s.lastError, nextPollAt: next?.toISOString() ?? null };
    }
    return { channelId: row.id, kind: row.kind, provider: driver.limits?.(ctx) ?? null, budget: await sendBudget(this.db, row, this.clock.now()), polling };
  }
}
