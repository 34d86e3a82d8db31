import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, qs } from './client';

// The analytics routes (apps/server/src/routes/analytics.routes.ts), read from the rollups.

export interface Duration { n: number; avg: number | null; p50: number | null; p90: number | null }
export interface SlaPart { n: number; met: number; percentMet: number | null }
export interface Summary {
  conversations: number; inbound: number; replies: number;
  sentiment: { negative: number; neutral: number; positive: number };
  public: number; movedToPrivate: number; movedToPrivateShare: number | null;
  firstResponse: Duration; nextResponse: Duration; resolution: Duration & { resolved: number };
  sla: { firstResponse: SlaPart; resolution: SlaPart };
}
export interface RangeView { from: string; to: string; timeZone: string }
export type Keyed = Summary & { key: string };
export interface Overview { range: RangeView; totals: Summary }
export interface Timeseries { range: RangeView; interval: string; points: (Summary & { bucket: string })[] }
export interface Breakdown { range: RangeView; by: string; rows: Keyed[] }
export interface Fairness { range: RangeView; byChannelKind: Keyed[]; byGroup: Keyed[]; byVisibility: Keyed[] }
export interface Topics { range: RangeView; rows: { topic: string; conversations: number; previous: number; change: number | null; negative: number }[] }
export interface NegativeWords { range: RangeView; rows: { term: string; conversations: number }[] }
export interface Backlog { at: string; rows: { status: string; n: number; waiting: number; oldestWaitingSince: string | null; waitP50: number | null; waitP90: number | null }[] }

type Params = Record<string, string | number | undefined>;

function useAnalytics<T>(path: string, params: Params, refetchInterval = 0) {
  return useQuery({
    queryKey: ['analytics', path, params],
    queryFn: ({ signal }) => api<T>('GET', `/api/v1/analytics/${path}${qs(params)}`, undefined, { signal }),
    staleTime: 60_000,
    // A new range or filter keeps the old charts on screen until the new numbers arrive.
    placeholderData: keepPreviousData,
    retry: false,
    ...(refetchInterval ? { refetchInterval } : {}),
  });
}

export const useOverview = (p: Params) => useAnalytics<Overview>('overview', p);
export const useTimeseries = (p: Params) => useAnalytics<Timeseries>('timeseries', p);
export const useBreakdown = (p: Params) => useAnalytics<Breakdown>('breakdown', p);
export const useFairness = (p: Params) => useAnalytics<Fairness>('fairness', p);
export const useTopics = (p: Params) => useAnalytics<Topics>('topics', p);
export const useNegativeWords = (p: Params) => useAnalytics<NegativeWords>('negative-words', p);
export const useBacklog = (p: Params) => useAnalytics<Backlog>('backlog', p, 60_000);
