// The dashboard's range and filter ride in the address (/analytics?range=90&channel=x), like the
// inbox's (inbox/address.ts): a reload, a bookmark or a shared link opens the same numbers. The
// analytics routes read one rollup dimension at a time, so the dashboard keeps at most one filter.

export type Preset = '7' | '30' | '90' | 'custom';
export const PRESETS: readonly Preset[] = ['7', '30', '90', 'custom'];
export type FilterDim = 'channel' | 'team' | 'agent' | 'topic' | 'sentiment' | 'visibility';
export const FILTER_DIMS: readonly FilterDim[] = ['channel', 'team', 'agent', 'topic', 'sentiment', 'visibility'];

export interface DashState { preset: Preset; from: string; to: string; filter: { dim: FilterDim; value: string } | null }

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f-]{36}$/;
const SENTIMENTS = ['negative', 'neutral', 'positive', 'none'];

/** A brand-local day as the routes take it (YYYY-MM-DD), from the browser's calendar. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function validValue(dim: FilterDim, v: string): boolean {
  if (!v || v.length > 100) return false;
  if (dim === 'team' || dim === 'agent') return v === 'none' || UUID.test(v);
  if (dim === 'sentiment') return SENTIMENTS.includes(v);
  if (dim === 'visibility') return v === 'public' || v === 'private';
  return true;
}

export function readDash(search: string, today = new Date()): DashState {
  const p = new URLSearchParams(search);
  const r = p.get('range') as Preset | null;
  let preset: Preset = r && PRESETS.includes(r) ? r : '30';
  let from = p.get('from') ?? '';
  let to = p.get('to') ?? '';
  if (preset === 'custom' && !(DAY.test(from) && DAY.test(to))) preset = '30';
  if (preset !== 'custom') {
    to = isoDay(today);
    from = isoDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - (Number(preset) - 1)));
  }
  let filter: DashState['filter'] = null;
  for (const dim of FILTER_DIMS) {
    const v = p.get(dim);
    if (v !== null && validValue(dim, v)) { filter = { dim, value: v }; break; }
  }
  return { preset, from, to, filter };
}

export function writeDash(s: DashState): string {
  const p = new URLSearchParams();
  if (s.preset !== '30') p.set('range', s.preset);
  if (s.preset === 'custom') { p.set('from', s.from); p.set('to', s.to); }
  if (s.filter) p.set(s.filter.dim, s.filter.value);
  const q = p.toString();
  return q ? `?${q}` : '';
}

const API_PARAM: Record<FilterDim, string> = { channel: 'channelKind', team: 'teamId', agent: 'assigneeId', topic: 'topic', sentiment: 'sentiment', visibility: 'visibility' };

/** The query parameters of the filtered routes (overview, timeseries). */
export function apiParams(s: DashState): Record<string, string> {
  return { from: s.from, to: s.to, ...(s.filter ? { [API_PARAM[s.filter.dim]]: s.filter.value } : {}) };
}

/** The backlog route filters by team, agent or visibility only (it reads live conversations, not rollups). */
export function backlogParams(s: DashState): Record<string, string> {
  const f = s.filter;
  return f && (f.dim === 'team' || f.dim === 'agent' || f.dim === 'visibility') ? { [API_PARAM[f.dim]]: f.value } : {};
}

export const backlogFiltered = (s: DashState) => !s.filter || Object.keys(backlogParams(s)).length > 0;

/**
 * The inbox address that lists the conversations behind a chart point: every status, every view,
 * and the clicked dimension in the inbox's own parameters (inbox/address.ts). The inbox has no
 * date filter: it lists those conversations at any time, newest first.
 */
export function inboxHref(f: Partial<Record<'channel' | 'team' | 'assignee' | 'topic' | 'sentiment' | 'status' | 'q', string>>): string {
  const p = new URLSearchParams({ view: 'all', status: 'open,pending,snoozed,resolved' });
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  return `/?${p.toString()}`;
}

/** The inbox parameters for the dashboard's own filter (visibility has none in the inbox). */
export function inboxFilterOf(s: DashState): Parameters<typeof inboxHref>[0] {
  const f = s.filter;
  if (!f) return {};
  if (f.dim === 'agent') return { assignee: f.value === 'none' ? '' : f.value };
  if (f.dim === 'team') return { team: f.value === 'none' ? '' : f.value };
  if (f.dim === 'visibility') return {};
  return { [f.dim]: f.value };
}
