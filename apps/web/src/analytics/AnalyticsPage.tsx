import { useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  useBacklog, useBreakdown, useFairness, useNegativeWords, useOverview, useTimeseries, useTopics,
  type Backlog, type Breakdown, type Fairness, type Keyed, type NegativeWords, type Overview, type Summary, type Timeseries, type Topics,
} from '../api/analytics';
import { useChannels, useTeams, useUsers } from '../api/hooks';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import { ErrorNote } from '../ui/ui';
import { apiParams, backlogFiltered, backlogParams, FILTER_DIMS, inboxFilterOf, inboxHref, readDash, writeDash, type DashState, type FilterDim, type Preset } from './address';
import { Bars, ChartCard, Columns, fillDays, fmtDuration, fmtInt, fmtPct, type BarRow, type Series } from './charts';
import type { Cell } from './csv';

// The analytics dashboard (issue 15): range and one filter in the address, every chart from the
// rollup routes, every chart's numbers as a table and a CSV, a click on a bar opens its conversations.

const DIM_LABEL: Record<FilterDim, string> = { channel: 'Channel', team: 'Team', agent: 'Agent', topic: 'Topic', sentiment: 'Sentiment', visibility: 'Public / private' };
const PRESET_LABEL: Record<Preset, string> = { 7: '7 days', 30: '30 days', 90: '90 days', custom: 'Custom' };

const C = { a: 'var(--chart-1)', b: 'var(--chart-2)', neg: 'var(--chart-neg)', neu: 'var(--chart-neu)', pos: 'var(--chart-pos)' };
const dur = (v: number) => fmtDuration(v);
const secs = (v: number | null) => (v === null ? null : Math.round(v));

export function AnalyticsPage() {
  const [state, setState] = useState<DashState>(() => readDash(window.location.search));
  // The address follows the state (replaced: a new range is not a step back); back/forward reads it.
  useEffect(() => {
    const want = `/analytics${writeDash(state)}`;
    if (want !== window.location.pathname + window.location.search) navigate(want, { replace: true });
  }, [state]);
  useEffect(() => {
    const onPop = () => { if (window.location.pathname.startsWith('/analytics')) setState(readDash(window.location.search)); };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const filtered = apiParams(state);
  const range = { from: state.from, to: state.to };
  const days = Math.round((Date.parse(state.to) - Date.parse(state.from)) / 86_400_000) + 1;
  const overview = useOverview(filtered);
  const series = useTimeseries({ ...filtered, interval: days > 120 ? 'week' : 'day' });
  const fairness = useFairness(range);
  const topics = useTopics(range);
  const words = useNegativeWords({ ...range, limit: 15 });
  const agents = useBreakdown({ ...range, by: 'agent' });
  const backlog = useBacklog(backlogParams(state));

  const t = overview.data?.totals;
  const rangeError = [overview.error, series.error].find(Boolean);
  const notFiltered = state.filter ? <>Not narrowed by the {DIM_LABEL[state.filter.dim].toLowerCase()} filter: the whole brand.</> : undefined;

  return (
    <div className="analytics">
      <div className="analytics-head">
        <h1>Analytics</h1>
        <Toolbar state={state} onChange={setState} topics={topics.data?.rows.map((r) => r.topic) ?? []} />
        <p className="muted small range-line">
          {overview.data ? <>{state.from} – {state.to} · {overview.data.range.timeZone}</> : ' '}
          {state.filter && state.filter.dim !== 'visibility' ? <> · <a href={inboxHref(inboxFilterOf(state))} onClick={(e) => { e.preventDefault(); navigate(inboxHref(inboxFilterOf(state))); }}>Open these conversations in the inbox</a></> : null}
        </p>
      </div>
      {rangeError ? <ErrorNote error={rangeError} /> : null}

      <dl className="kpis" aria-busy={overview.isFetching}>
        <Kpi label="Conversations" value={t ? fmtInt(t.conversations) : '…'} />
        <Kpi label="Customer messages" value={t ? fmtInt(t.inbound) : '…'} />
        <Kpi label="Negative" value={t ? share(t.sentiment.negative, t.conversations) : '…'} />
        <Kpi label="First response p50" value={t ? (t.firstResponse.p50 === null ? '–' : dur(t.firstResponse.p50)) : '…'} />
        <Kpi label="First-response SLA met" value={t ? (t.sla.firstResponse.percentMet === null ? '–' : fmtPct(t.sla.firstResponse.percentMet)) : '…'} />
        <Kpi label="Public moved to private" value={t ? (t.movedToPrivateShare === null ? '–' : fmtPct(t.movedToPrivateShare)) : '…'} />
      </dl>

      <div className="chart-grid">
        <VolumeChart q={series} state={state} />
        <SentimentChart q={overview} s={series} state={state} />
        <ResponseChart q={overview} />
        <SlaChart q={overview} />
        <FairnessChart q={fairness} note={notFiltered} />
        <TopicsChart q={topics} note={notFiltered} />
        <WordsChart q={words} note={notFiltered} />
        <BacklogChart q={backlog} note={backlogFiltered(state) ? 'Now, not in the range.' : <>Now, not in the range. {notFiltered}</>} state={state} />
        <AgentsChart q={agents} note={notFiltered} />
      </div>
    </div>
  );
}

const share = (n: number, of: number) => (of ? fmtPct((n / of) * 100) : '–');

function Kpi({ label, value }: { label: string; value: string }) {
  return <div className="kpi"><dt>{label}</dt><dd>{value}</dd></div>;
}

function Toolbar({ state, onChange, topics }: { state: DashState; onChange: (s: DashState) => void; topics: string[] }) {
  const { can } = useSession();
  const channels = useChannels(can('channel:read'));
  const teams = useTeams(can('team:read'));
  const users = useUsers(can('user:read'));
  const dim = state.filter?.dim ?? '';
  const options: { value: string; label: string }[] = useMemo(() => {
    switch (dim) {
      case 'channel': return [...new Set((channels.data ?? []).map((c) => c.kind))].sort().map((k) => ({ value: k, label: k }));
      case 'team': return [...(teams.data ?? []).map((x) => ({ value: x.id, label: x.name })), { value: 'none', label: 'No team' }];
      case 'agent': return [...(users.data ?? []).map((x) => ({ value: x.id, label: x.name })), { value: 'none', label: 'Unassigned' }];
      case 'topic': return topics.map((x) => ({ value: x, label: x }));
      case 'sentiment': return ['negative', 'neutral', 'positive', 'none'].map((x) => ({ value: x, label: x === 'none' ? 'not classified' : x }));
      case 'visibility': return [{ value: 'public', label: 'public' }, { value: 'private', label: 'private' }];
      default: return [];
    }
  }, [dim, channels.data, teams.data, users.data, topics]);
  const value = state.filter?.value ?? '';
  const inList = options.some((o) => o.value === value);
  return (
    <div className="analytics-toolbar" role="group" aria-label="Range and filter">
      <div className="chips" role="group" aria-label="Range">
        {(['7', '30', '90', 'custom'] as Preset[]).map((p) => (
          <button key={p} type="button" aria-pressed={state.preset === p} className={`chip${state.preset === p ? ' on' : ''}`}
            onClick={() => onChange(p === 'custom' ? { ...state, preset: p } : { ...readDash(`?range=${p}`), filter: state.filter })}>{PRESET_LABEL[p]}</button>
        ))}
      </div>
      {state.preset === 'custom' ? (
        <span className="date-range">
          <label className="inline-field">From <input type="date" value={state.from} max={state.to} onChange={(e) => { if (e.target.value) onChange({ ...state, from: e.target.value }); }} /></label>
          <label className="inline-field">To <input type="date" value={state.to} min={state.from} onChange={(e) => { if (e.target.value) onChange({ ...state, to: e.target.value }); }} /></label>
        </span>
      ) : null}
      <label className="inline-field">Filter
        <select aria-label="Filter by" value={dim} onChange={(e) => onChange({ ...state, filter: e.target.value ? { dim: e.target.value as FilterDim, value: '' } : null })}>
          <option value="">Everything</option>
          {FILTER_DIMS.map((d) => <option key={d} value={d}>{DIM_LABEL[d]}</option>)}
        </select>
      </label>
      {dim ? (
        <label className="inline-field"><span className="sr-only">{DIM_LABEL[dim]}</span>
          <select aria-label={DIM_LABEL[dim]} value={value} onChange={(e) => onChange({ ...state, filter: { dim, value: e.target.value } })}>
            <option value="">Choose…</option>
            {!inList && value ? <option value={value}>{value}</option> : null}
            {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
      ) : null}
    </div>
  );
}

const NO_TIME = { n: 0, avg: null, p50: null, p90: null };
const ZERO: Summary = {
  conversations: 0, inbound: 0, replies: 0, sentiment: { negative: 0, neutral: 0, positive: 0 }, public: 0, movedToPrivate: 0, movedToPrivateShare: null,
  firstResponse: NO_TIME, nextResponse: NO_TIME, resolution: { ...NO_TIME, resolved: 0 }, sla: { firstResponse: { n: 0, met: 0, percentMet: null }, resolution: { n: 0, met: 0, percentMet: null } },
};
/** The points of a series, with the days that had nothing as zeros. */
const pointsOf = (d: Timeseries | undefined, s: DashState) => (!d ? [] : d.interval === 'day' ? fillDays(d.points, s.from, s.to, (bucket) => ({ bucket, ...ZERO })) : d.points);

type Q<T> = { data: T | undefined; isPending: boolean; error: unknown; refetch: () => unknown };

function VolumeChart({ q, state }: { q: Q<Timeseries>; state: DashState }) {
  const pts = pointsOf(q.data, state);
  const series: Series[] = [{ name: 'Conversations', color: C.a }];
  const rows: Cell[][] = pts.map((p) => [p.bucket.slice(0, 10), p.conversations, p.inbound, p.replies]);
  return (
    <ChartCard id="volume" title="Volume over time" wide head={['bucket', 'conversations', 'customer messages', 'replies']} rows={rows} query={q}>
      <Columns series={series} label={`Conversations per ${q.data?.interval ?? 'day'}`} points={pts.map((p) => ({ bucket: p.bucket, values: [p.conversations] }))} />
    </ChartCard>
  );
}

function SentimentChart({ q, s, state }: { q: Q<Overview>; s: Q<Timeseries>; state: DashState }) {
  const t = q.data?.totals;
  const kinds = ['negative', 'neutral', 'positive'] as const;
  const series: Series[] = [{ name: 'Conversations', color: C.a }];
  const color = { negative: C.neg, neutral: C.neu, positive: C.pos };
  const base = inboxFilterOf(state);
  const rows: BarRow[] = t ? kinds.map((k) => ({ key: k, label: k, values: [t.sentiment[k]], href: inboxHref({ ...base, sentiment: k }) })) : [];
  const pts = pointsOf(s.data, state);
  const csv: Cell[][] = pts.map((p) => [p.bucket.slice(0, 10), p.sentiment.negative, p.sentiment.neutral, p.sentiment.positive]);
  return (
    <ChartCard id="sentiment" title="Sentiment mix and trend" head={['bucket', 'negative', 'neutral', 'positive']} rows={t ? [['total', t.sentiment.negative, t.sentiment.neutral, t.sentiment.positive], ...csv] : []} query={q}>
      <div className="sentiment-bars">{rows.map((r) => <Bars key={r.key} series={[{ ...series[0]!, color: color[r.key as keyof typeof color] }]} rows={[r]} max={Math.max(1, ...kinds.map((k) => t?.sentiment[k] ?? 0))} />)}</div>
      <Columns series={kinds.map((k) => ({ name: k, color: color[k] }))} label="Conversations by sentiment over time" points={pts.map((p) => ({ bucket: p.bucket, values: kinds.map((k) => p.sentiment[k]) }))} />
    </ChartCard>
  );
}

function ResponseChart({ q }: { q: Q<Overview> }) {
  const t = q.data?.totals;
  const parts = t ? ([['First response', t.firstResponse], ['Next response', t.nextResponse], ['Resolution', t.resolution]] as const) : [];
  const series: Series[] = [{ name: 'p50', color: C.a, format: dur }, { name: 'p90', color: C.b, format: dur }];
  return (
    <ChartCard id="response-times" title="Response and resolution times" note="Business time as the SLA counts it; p50/p90 from bucketed counts."
      head={['measure', 'count', 'p50 (s)', 'p90 (s)', 'average (s)']} rows={parts.map(([n, d]) => [n, d.n, secs(d.p50), secs(d.p90), secs(d.avg)])} query={q}>
      <Bars series={series} rows={parts.map(([n, d]) => ({ key: n, label: n, values: [d.p50, d.p90], note: ` (${fmtInt(d.n)})` }))} />
    </ChartCard>
  );
}

function SlaChart({ q }: { q: Q<Overview> }) {
  const t = q.data?.totals;
  const parts = t ? ([['First response', t.sla.firstResponse], ['Resolution', t.sla.resolution]] as const) : [];
  return (
    <ChartCard id="sla" title="SLA compliance" head={['target', 'with a target', 'met', 'percent met']} rows={parts.map(([n, p]) => [n, p.n, p.met, p.percentMet])} query={q}>
      <Bars series={[{ name: 'Met', color: C.pos, format: fmtPct }]} max={100} rows={parts.map(([n, p]) => ({ key: n, label: n, values: [p.percentMet], note: ` (${fmtInt(p.met)} of ${fmtInt(p.n)})` }))} />
    </ChartCard>
  );
}

const frSeries: Series[] = [{ name: 'First response p50', color: C.a, format: dur }, { name: 'p90', color: C.b, format: dur }];
const keyedCsv = (group: string, rows: Keyed[]): Cell[][] => rows.map((r) => [`${group}: ${r.key}`, r.conversations, secs(r.firstResponse.p50), secs(r.firstResponse.p90), secs(r.nextResponse.p50), secs(r.resolution.p50), r.sla.firstResponse.percentMet]);

function FairnessChart({ q, note }: { q: Q<Fairness>; note: ReactNode }) {
  const d = q.data;
  const rows = d ? [...keyedCsv('channel', d.byChannelKind), ...keyedCsv('group', d.byGroup), ...keyedCsv('visibility', d.byVisibility)] : [];
  const bars = (list: Keyed[], href?: (k: string) => string | undefined) => list.map((r): BarRow => {
    const h = href?.(r.key);
    return { key: r.key, label: r.key, values: [r.firstResponse.p50, r.firstResponse.p90], note: ` (${fmtInt(r.conversations)})`, ...(h ? { href: h } : {}) };
  });
  return (
    <ChartCard id="fairness" title="Channel fairness" wide note={<>First response by channel, social vs direct, public vs private. {note}</>}
      head={['group', 'conversations', 'first response p50 (s)', 'first response p90 (s)', 'next response p50 (s)', 'resolution p50 (s)', 'first-response SLA met %']} rows={rows} query={q}>
      {d ? (
        <div className="fairness">
          <div><h3>By channel</h3><Bars series={frSeries} rows={bars(d.byChannelKind, (k) => inboxHref({ channel: k }))} /></div>
          <div><h3>Social vs direct</h3><Bars series={frSeries} rows={bars(d.byGroup)} /></div>
          <div><h3>Public vs private</h3><Bars series={frSeries} rows={bars(d.byVisibility)} /></div>
        </div>
      ) : null}
    </ChartCard>
  );
}

function TopicsChart({ q, note }: { q: Q<Topics>; note: ReactNode }) {
  const rows = (q.data?.rows ?? []).slice(0, 12);
  const change = (c: number | null) => (c === null ? ' new' : ` ${c >= 0 ? '+' : ''}${Math.round(c)}%`);
  return (
    <ChartCard id="topics" title="Top topics" note={<>Change against the previous {rows.length ? 'period of the same length' : 'period'}. {note}</>}
      head={['topic', 'conversations', 'previous period', 'change %', 'negative']} rows={rows.map((r) => [r.topic, r.conversations, r.previous, r.change === null ? null : Math.round(r.change * 10) / 10, r.negative])} query={q}>
      <Bars series={[{ name: 'Conversations', color: C.a }]} rows={rows.map((r) => ({ key: r.topic, label: r.topic, values: [r.conversations], note: change(r.change), href: inboxHref({ topic: r.topic }) }))} />
    </ChartCard>
  );
}

function WordsChart({ q, note }: { q: Q<NegativeWords>; note: ReactNode }) {
  const rows = q.data?.rows ?? [];
  return (
    <ChartCard id="negative-words" title="Words in negative messages" note={<>Conversations whose negative customer messages use the word. {note}</>}
      head={['word', 'conversations']} rows={rows.map((r) => [r.term, r.conversations])} query={q}>
      <Bars series={[{ name: 'Conversations', color: C.neg }]} rows={rows.map((r) => ({ key: r.term, label: r.term, values: [r.conversations], href: inboxHref({ sentiment: 'negative', q: r.term }) }))} />
    </ChartCard>
  );
}

function BacklogChart({ q, note, state }: { q: Q<Backlog>; note: ReactNode; state: DashState }) {
  const rows = q.data?.rows ?? [];
  const base = backlogFiltered(state) ? inboxFilterOf(state) : {};
  return (
    <ChartCard id="backlog" title="Backlog and waiting" note={note}
      head={['status', 'conversations', 'waiting for us', 'wait p50 (s)', 'wait p90 (s)', 'oldest waiting since']} rows={rows.map((r) => [r.status, r.n, r.waiting, secs(r.waitP50), secs(r.waitP90), r.oldestWaitingSince])} query={q}>
      <Bars series={[{ name: 'Conversations', color: C.a }, { name: 'Waiting for us', color: C.b }]} rows={rows.map((r) => ({ key: r.status, label: r.status, values: [r.n, r.waiting], note: r.waitP50 === null ? '' : ` (wait p50 ${fmtDuration(r.waitP50)})`, href: inboxHref({ ...base, status: r.status }) }))} />
    </ChartCard>
  );
}

function AgentsChart({ q, note }: { q: Q<Breakdown>; note: ReactNode }) {
  const { can } = useSession();
  const users = useUsers(can('user:read'));
  const name = (k: string) => (k === 'none' ? 'Unassigned' : users.data?.find((u) => u.id === k)?.name ?? 'Former user');
  const rows = [...(q.data?.rows ?? [])].sort((a, b) => b.conversations - a.conversations).slice(0, 15);
  return (
    <ChartCard id="agents" title="Agent workload" note={<>Conversations assigned and handled (resolved) in the range. {note}</>}
      head={['agent', 'conversations', 'handled', 'first response p50 (s)']} rows={rows.map((r) => [name(r.key), r.conversations, r.resolution.resolved, secs(r.firstResponse.p50)])} query={q}>
      <Bars series={[{ name: 'Workload', color: C.a }, { name: 'Handled', color: C.pos }]} rows={rows.map((r) => ({ key: r.key, label: name(r.key), values: [r.conversations, r.resolution.resolved], ...(r.key === 'none' ? { href: inboxHref({}).replace('view=all', 'view=unassigned') } : { href: inboxHref({ assignee: r.key }) }) }))} />
    </ChartCard>
  );
}
