import type { InboxFilters, SortName, ViewName } from '../api/types';

// The inbox's view, filters, search and sort ride in the address (?view=needs_response&status=open…),
// so a reload, a bookmark or a shared link opens the same list. Only what differs from the defaults
// is written; what cannot be read (an unknown view, a bad id) falls back to the default.

const VIEWS: readonly ViewName[] = ['all', 'mine', 'unassigned', 'my_teams', 'needs_response', 'mentions_needing_response'];
const SORTS: readonly SortName[] = ['recent', 'waiting', 'priority', 'sla_due'];
const STATUS = ['open', 'pending', 'snoozed', 'resolved'];
const PRIORITY = ['low', 'normal', 'high', 'urgent'];
const UUID = /^[0-9a-f-]{36}$/;

type Own = Omit<InboxFilters, 'incidentId'>;
const TEXT: [keyof Own, string][] = [['channelKind', 'channel'], ['sentiment', 'sentiment'], ['topic', 'topic'], ['language', 'language'], ['tag', 'tag'], ['q', 'q']];
const IDS: [keyof Own, string][] = [['assigneeId', 'assignee'], ['teamId', 'team']];
/** Every parameter this file owns; the rest of the query (the incident filter) is left alone. */
export const FILTER_PARAMS = ['view', 'status', 'priority', 'sort', ...TEXT.map(([, p]) => p), ...IDS.map(([, p]) => p)];

const list = (v: string | null, allowed: string[]) => (v === null ? null : [...new Set(v.split(',').filter((x) => allowed.includes(x)))]);

export function readFilters(search: string, defaults: InboxFilters): InboxFilters {
  const p = new URLSearchParams(search);
  const f: InboxFilters = { ...defaults };
  const view = p.get('view');
  if (view && (VIEWS as readonly string[]).includes(view)) f.view = view as ViewName;
  const sort = p.get('sort');
  if (sort && (SORTS as readonly string[]).includes(sort)) f.sort = sort as SortName;
  const status = list(p.get('status'), STATUS);
  if (status) f.status = status;
  const priority = list(p.get('priority'), PRIORITY);
  if (priority) f.priority = priority;
  for (const [key, name] of TEXT) { const v = p.get(name); if (v !== null) (f[key] as string) = v.slice(0, 200); }
  for (const [key, name] of IDS) { const v = p.get(name); if (v && UUID.test(v)) (f[key] as string) = v; }
  return f;
}

/** The query string for `f` beside the other parameters of `search` (the incident filter). */
export function writeFilters(search: string, f: InboxFilters, defaults: InboxFilters): string {
  const p = new URLSearchParams(search);
  for (const name of FILTER_PARAMS) p.delete(name);
  if (f.view !== defaults.view) p.set('view', f.view);
  if (f.status.join(',') !== defaults.status.join(',')) p.set('status', f.status.join(','));
  if (f.priority.length) p.set('priority', f.priority.join(','));
  if (f.sort !== defaults.sort) p.set('sort', f.sort);
  for (const [key, name] of [...TEXT, ...IDS]) { const v = f[key] as string; if (v) p.set(name, v); }
  const q = p.toString();
  return q ? `?${q}` : '';
}
