import { useEffect, useId, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { navigate } from '../app/router';
import { Icon } from '../ui/Icon';
import { Button, ErrorNote, Skeleton } from '../ui/ui';
import { downloadCsv, type Cell } from './csv';

// Hand-rolled charts (ADR 0024): horizontal bars are HTML (each bar row a link to the conversations
// behind it, read by screen readers as its label and numbers), the time series one SVG of columns.
// Colours are the theme's variables, so light and dark follow styles.css.

export interface Series { name: string; color: string; format?: (v: number) => string }
export interface BarRow { key: string; label: string; values: (number | null)[]; href?: string; note?: string }

export const fmtInt = (v: number) => v.toLocaleString('en');
export const fmtPct = (v: number) => `${Math.round(v * 10) / 10}%`;
export function fmtDuration(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86_400) return `${Math.round((s / 3600) * 10) / 10}h`;
  return `${Math.round((s / 86_400) * 10) / 10}d`;
}

const follow = (href: string) => (e: MouseEvent) => {
  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(href);
};

/** A chart with its title, its numbers as a table and a CSV of the same numbers. */
export function ChartCard({ id, title, note, head, rows, query, wide, children }: {
  id: string; title: string; note?: ReactNode; head: string[]; rows: Cell[][];
  query: { isPending: boolean; error: unknown; refetch: () => unknown }; wide?: boolean; children: ReactNode;
}) {
  const h = useId();
  return (
    <section className={`chart-card${wide ? ' wide' : ''}`} aria-labelledby={h} data-chart={id}>
      <header className="chart-head">
        <h2 id={h}>{title}</h2>
        <Button size="sm" variant="ghost" disabled={!rows.length} onClick={() => downloadCsv(`earshot-${id}.csv`, head, rows)} aria-label={`Download ${title} as CSV`} title="Download these numbers as CSV"><Icon name="download" /> CSV</Button>
      </header>
      {note ? <p className="chart-note muted small">{note}</p> : null}
      {query.error ? <ErrorNote error={query.error} onRetry={() => void query.refetch()} />
        : query.isPending ? <Skeleton lines={4} />
        : rows.length ? (
          <>
            {children}
            <details className="chart-table">
              <summary>Numbers as a table</summary>
              <div className="table-scroll">
                <table>
                  <caption className="sr-only">{title}</caption>
                  <thead><tr>{head.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
                  <tbody>{rows.map((r, i) => <tr key={i}>{r.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{c === null ? '–' : typeof c === 'number' ? fmtInt(c) : c}</td>))}</tr>)}</tbody>
                </table>
              </div>
            </details>
          </>
        ) : <p className="muted small chart-empty">No data in this range.</p>}
    </section>
  );
}

function Legend({ series }: { series: Series[] }) {
  if (series.length < 2) return null;
  return <ul className="legend" aria-hidden="true">{series.map((s) => <li key={s.name}><span className="swatch" style={{ background: s.color }} />{s.name}</li>)}</ul>;
}

/** Horizontal bars, one group per row; a row with `href` is a link to its conversations. */
export function Bars({ series, rows, max }: { series: Series[]; rows: BarRow[]; max?: number }) {
  const top = max ?? Math.max(1, ...rows.flatMap((r) => r.values.map((v) => v ?? 0)));
  return (
    <div className="bars">
      <Legend series={series} />
      {rows.map((r) => {
        const text = series.map((s, i) => { const v = r.values[i]; return `${series.length > 1 ? `${s.name} ` : ''}${v === null || v === undefined ? 'no data' : (s.format ?? fmtInt)(v)}`; }).join(', ');
        const body = (
          <>
            <span className="bar-label" title={r.label}>{r.label}</span>
            <span className="bar-tracks" aria-hidden="true">
              {series.map((s, i) => {
                const v = r.values[i] ?? null;
                return (
                  <span className="bar-track" key={s.name}>
                    <span className="bar" style={{ width: `${!v ? 0 : Math.max(0.5, Math.min(100, (v / top) * 100))}%`, background: s.color }} />
                    <span className="bar-value">{v === null ? '–' : (s.format ?? fmtInt)(v)}{i === 0 && r.note ? <span className="bar-note">{r.note}</span> : null}</span>
                  </span>
                );
              })}
            </span>
            <span className="sr-only">: {text}{r.note ?? ''}</span>
          </>
        );
        return r.href
          ? <a key={r.key} className="bar-row" href={r.href} onClick={follow(r.href)} title={`Open these conversations in the inbox`}>{body}</a>
          : <div key={r.key} className="bar-row">{body}</div>;
      })}
    </div>
  );
}

/** Stacked columns over time (SVG). Each column carries a title with its numbers. */
export function Columns({ series, points, label }: { series: Series[]; points: { bucket: string; values: number[] }[]; label: string }) {
  // The SVG is drawn at the width it is shown at, so its text keeps its size on any screen.
  const box = useRef<HTMLDivElement>(null);
  const [W, setW] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => { if (e) setW(Math.max(240, Math.round(e.contentRect.width))); });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const H = 170; const pad = { l: 36, r: 8, t: 8, b: 22 };
  const top = Math.max(1, ...points.map((p) => p.values.reduce((a, b) => a + b, 0)));
  const step = (W - pad.l - pad.r) / Math.max(1, points.length);
  const bw = Math.max(1, step * 0.72);
  const y = (v: number) => (v / top) * (H - pad.t - pad.b);
  const every = Math.ceil(points.length / Math.max(2, Math.floor(W / 60)));
  const ticks = [...new Set([0, Math.round(top / 2), top])];
  return (
    <div className="columns" ref={box}>
      <Legend series={series} />
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={H - pad.b - y(t)} y2={H - pad.b - y(t)} className="grid" />
            <text x={pad.l - 4} y={H - pad.b - y(t) + 3} textAnchor="end" className="axis">{fmtInt(t)}</text>
          </g>
        ))}
        {points.map((p, i) => {
          let base = 0;
          const x = pad.l + i * step + (step - bw) / 2;
          return (
            <g key={p.bucket}>
              <title>{`${p.bucket.slice(0, 10)}: ${series.map((s, j) => `${s.name} ${fmtInt(p.values[j] ?? 0)}`).join(', ')}`}</title>
              {series.map((s, j) => {
                const v = p.values[j] ?? 0;
                const r = <rect key={s.name} x={x} width={bw} y={H - pad.b - y(base + v)} height={y(v)} fill={s.color} />;
                base += v;
                return r;
              })}
              {i % every === 0 ? <text x={x + bw / 2} y={H - 6} textAnchor="middle" className="axis">{p.bucket.slice(5, 10)}</text> : null}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** Every day of the range, the days without conversations as zeros (the routes return only days with some). */
export function fillDays<T extends { bucket: string }>(points: T[], from: string, to: string, zero: (bucket: string) => T): T[] {
  const have = new Map(points.map((p) => [p.bucket.slice(0, 10), p]));
  const out: T[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`), n = 0; t <= end && n < 400; t += 86_400_000, n++) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(have.get(day) ?? zero(day));
  }
  return out;
}
