import { z } from 'zod';
import type { ChannelLimits } from '../driver';

const Usage = z.looseObject({
  call_count: z.number().optional(),
  total_cputime: z.number().optional(),
  total_time: z.number().optional(),
  estimated_time_to_regain_access: z.number().optional(),
});
const BusinessUsage = z.record(z.string(), z.array(Usage));

/**
 * Meta reports usage as percentages of the allowance: X-App-Usage / X-Page-Usage (platform limits)
 * and X-Business-Use-Case-Usage (per business, with minutes until access returns when throttled).
 * The highest percentage is what is left of the budget.
 */
export function readMetaUsage(headers: Headers, now: Date, maxTextLength: number): ChannelLimits | null {
  const samples: Array<z.infer<typeof Usage>> = [];
  for (const name of ['x-app-usage', 'x-page-usage']) {
    const parsed = Usage.safeParse(json(headers.get(name)));
    if (parsed.success) samples.push(parsed.data);
  }
  const buc = BusinessUsage.safeParse(json(headers.get('x-business-use-case-usage')));
  if (buc.success) for (const list of Object.values(buc.data)) samples.push(...list);
  if (samples.length === 0) return null;
  const used = Math.max(...samples.map((s) => Math.max(s.call_count ?? 0, s.total_cputime ?? 0, s.total_time ?? 0)));
  const waitMinutes = Math.max(0, ...samples.map((s) => s.estimated_time_to_regain_access ?? 0));
  return {
    limit: 100,
    remaining: Math.max(0, 100 - used),
    resetAt: waitMinutes > 0 ? new Date(now.getTime() + waitMinutes * 60_000).toISOString() : null,
    maxTextLength,
    unit: 'percent',
  };
}

function json(raw: string | null): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
