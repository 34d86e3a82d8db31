import { z } from 'zod';
import type { Executor } from '../shared/unit-of-work';
import { sentSince } from './delivery.repository';

const DAY_MS = 24 * 3_600_000;

/** `settings.dailySendBudget`: the brand's own cap on messages a channel sends per rolling 24 hours. */
const BudgetSettings = z.looseObject({ dailySendBudget: z.number().int().positive().optional() });

export interface SendBudget {
  /** null when the brand set no budget for this channel. */
  limit: number | null;
  usedLast24h: number;
  remaining: number | null;
  /** When the oldest counted send leaves the 24-hour window (the next slot frees up). */
  resetAt: string | null;
}

export async function sendBudget(ex: Executor, channel: { id: string; brand_id: string; settings: Record<string, unknown> }, now: Date): Promise<SendBudget> {
  const parsed = BudgetSettings.safeParse(channel.settings);
  const limit = parsed.success ? (parsed.data.dailySendBudget ?? null) : null;
  const { count, oldest } = await sentSince(ex, channel.brand_id, channel.id, new Date(now.getTime() - DAY_MS));
  return {
    limit,
    usedLast24h: count,
    remaining: limit === null ? null : Math.max(0, limit - count),
    resetAt: oldest ? new Date(oldest.getTime() + DAY_MS).toISOString() : null,
  };
}
