import type { InboxFilters, SortName } from '../api/types';
import { useChannels, useTeams, useUsers } from '../api/hooks';
import { useIncident, useOpenIncidents } from '../api/incidents';
import { channelName, Icon } from '../ui/Icon';
import { Button } from '../ui/ui';

export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;

export const DEFAULT_FILTERS: InboxFilters = {
  view: 'all', status: ['open', 'pending'], priority: [], channelKind: '', sentiment: '', topic: '', language: '', tag: '', assigneeId: '', teamId: '', incidentId: '', q: '', sort: 'recent',
};
const CLEARED = { priority: [], channelKind: '', sentiment: '', topic: '', language: '', tag: '', assigneeId: '', teamId: '', incidentId: '' } satisfies Partial<InboxFilters>;

export function activeFilterCount(f: InboxFilters): number {
  return [f.priority.length > 0, f.channelKind, f.sentiment, f.topic, f.language, f.tag, f.assigneeId, f.teamId, f.incidentId].filter(Boolean).length;
}

export function SearchBar({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  return (
    <label className="search">
      <Icon name="search" />
      <span className="sr-only">Search conversations</span>
      <input id="inbox-search" type="search" placeholder="Search messages, customers…  ( / )" value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

export function FilterBar({ f, set, open }: { f: InboxFilters; set: (p: Partial<InboxFilters>) => void; open: boolean }) {
  const channels = useChannels();
  const users = useUsers();
  const teams = useTeams();
  const kinds = [...new Set((channels.data ?? []).map((c) => c.kind))].sort();
  // The brand's open incidents to pick from, and the one filtered by (which may be resolved by now).
  const incidents = useOpenIncidents('', open);
  const incident = useIncident(f.incidentId, !!f.incidentId);
  const incidentTitle = incident.data?.id === f.incidentId ? incident.data.title : incident.error ? 'not found' : 'Loading…';
  const openIncidents = incidents.data?.items ?? [];
  const userName = (id: string) => users.data?.find((u) => u.id === id)?.name ?? 'Someone';
  const active: { key: string; label: string; clear: Partial<InboxFilters> }[] = [
    ...(f.incidentId ? [{ key: 'incident', label: `Incident: ${incidentTitle}`, clear: { incidentId: '' } }] : []),
    ...(f.channelKind ? [{ key: 'channel', label: `Channel: ${channelName(f.channelKind)}`, clear: { channelKind: '' } }] : []),
    ...(f.priority.length ? [{ key: 'priority', label: `Priority: ${f.priority.join(', ')}`, clear: { priority: [] } }] : []),
    ...(f.sentiment ? [{ key: 'sentiment', label: `Sentiment: ${f.sentiment}`, clear: { sentiment: '' } }] : []),
    ...(f.assigneeId ? [{ key: 'assignee', label: `Assignee: ${userName(f.assigneeId)}`, clear: { assigneeId: '' } }] : []),
    ...(f.teamId ? [{ key: 'team', label: `Team: ${teams.data?.find((t) => t.id === f.teamId)?.name ?? 'a team'}`, clear: { teamId: '' } }] : []),
    ...(f.topic ? [{ key: 'topic', label: `Topic: ${f.topic}`, clear: { topic: '' } }] : []),
    ...(f.tag ? [{ key: 'tag', label: `Tag: ${f.tag}`, clear: { tag: '' } }] : []),
    ...(f.language ? [{ key: 'language', label: `Language: ${f.language}`, clear: { language: '' } }] : []),
  ];
  return (
    <div className="filterbar">
      <div className="chips" role="group" aria-label="Status">
        {STATUSES.map((s) => {
          const on = f.status.includes(s);
          return <button key={s} type="button" className={`chip ${on ? 'on' : ''}`} aria-pressed={on} onClick={() => set({ status: on ? f.status.filter((x) => x !== s) : [...f.status, s] })}>{s}</button>;
        })}
      </div>
      <label className="inline-field"><span>Sort</span>
        <select value={f.sort} onChange={(e) => set({ sort: e.target.value as SortName })}>
          <option value="recent">Latest activity</option>
          <option value="waiting">Waiting longest</option>
          <option value="priority">Priority</option>
          <option value="sla_due">SLA due</option>
        </select>
      </label>
      {open ? (
        <div className="filter-grid">
          <label className="inline-field"><span>Channel</span>
            <select value={f.channelKind} onChange={(e) => set({ channelKind: e.target.value })}>
              <option value="">Any</option>
              {kinds.map((k) => <option key={k} value={k}>{channelName(k)}</option>)}
            </select>
          </label>
          <label className="inline-field"><span>Priority</span>
            <select value={f.priority[0] ?? ''} onChange={(e) => set({ priority: e.target.value ? [e.target.value] : [] })}>
              <option value="">Any</option>
              {['urgent', 'high', 'normal', 'low'].map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </label>
          <label className="inline-field"><span>Sentiment</span>
            <select value={f.sentiment} onChange={(e) => set({ sentiment: e.target.value })}>
              <option value="">Any</option>
              {['negative', 'neutral', 'positive'].map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </label>
          <label className="inline-field"><span>Assignee</span>
            <select value={f.assigneeId} onChange={(e) => set({ assigneeId: e.target.value })}>
              <option value="">Anyone</option>
              {(users.data ?? []).filter((u) => u.role !== 'viewer').map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
          </label>
          <label className="inline-field"><span>Team</span>
            <select value={f.teamId} onChange={(e) => set({ teamId: e.target.value })}>
              <option value="">Any</option>
              {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          </label>
          <label className="inline-field"><span>Incident</span>
            <select value={f.incidentId} onChange={(e) => set({ incidentId: e.target.value })}>
              <option value="">Any</option>
              {f.incidentId && !openIncidents.some((i) => i.id === f.incidentId) ? <option value={f.incidentId}>{incidentTitle}</option> : null}
              {openIncidents.map((i) => <option key={i.id} value={i.id}>{i.title}</option>)}
            </select>
          </label>
          <label className="inline-field"><span>Topic</span><input value={f.topic} onChange={(e) => set({ topic: e.target.value })} placeholder="billing" /></label>
          <label className="inline-field"><span>Tag</span><input value={f.tag} onChange={(e) => set({ tag: e.target.value })} placeholder="outage" /></label>
          <label className="inline-field"><span>Language</span><input value={f.language} onChange={(e) => set({ language: e.target.value })} placeholder="en" size={4} /></label>
          <Button size="sm" variant="ghost" onClick={() => set(CLEARED)}>Clear filters</Button>
        </div>
      ) : null}
      {active.length ? (
        <ul className="active-filters" aria-label="Active filters">
          {active.map((a) => (
            <li key={a.key} className="filter-chip">
              <span className="filter-chip-label" title={a.label}>{a.label}</span>
              <button type="button" aria-label={`Remove filter ${a.label}`} onClick={() => set(a.clear)}>×</button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
