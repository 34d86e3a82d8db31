import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { BusinessHours, SlaPolicy, SlaPreviewRow } from '@earshot/domain';
import { api } from '../api/client';
import { useAction } from '../api/hooks';
import { Button, ErrorNote, Skeleton } from '../ui/ui';
import { Field, FormError } from './fields';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
const METRICS = [['first_response', 'First response'], ['next_response', 'Next response'], ['resolution', 'Resolution']] as const;
const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']] as const;
const ESCALATIONS = [['notify_supervisor', 'Notify a supervisor'], ['raise_priority', 'Raise the priority'], ['reassign', 'Reassign']] as const;
type Day = (typeof DAYS)[number][0];
type EscalationType = (typeof ESCALATIONS)[number][0];
const POLICY_KEY = ['sla-policy'] as const;
const HOURS_KEY = ['business-hours'] as const;

interface Preview { at: string; openNow: boolean; rows: SlaPreviewRow[] }

/** Minutes as the form shows them: "90" → 1.5 h; empty = no target. */
const toHours = (m: number | null) => (m === null ? '' : String(Math.round((m / 60) * 100) / 100));
const fromHours = (v: string) => (v.trim() === '' ? null : Math.round(Number(v) * 60));

/** SLA policy and business hours as forms, with a preview of when a message received now is due. */
export function SlaAdmin() {
  const policyQ = useQuery({ queryKey: POLICY_KEY, queryFn: () => api<{ policy: SlaPolicy }>('GET', '/api/v1/sla/policy') });
  const hoursQ = useQuery({ queryKey: HOURS_KEY, queryFn: () => api<{ hours: BusinessHours }>('GET', '/api/v1/business-hours') });
  const [policy, setPolicy] = useState<SlaPolicy | null>(null);
  const [hours, setHours] = useState<BusinessHours | null>(null);
  useEffect(() => { if (policyQ.data && !policy) setPolicy(policyQ.data.policy); }, [policyQ.data, policy]);
  useEffect(() => { if (hoursQ.data && !hours) setHours(hoursQ.data.hours); }, [hoursQ.data, hours]);
  const savePolicy = useAction((p: SlaPolicy) => api('PUT', '/api/v1/sla/policy', { policy: p }), () => [POLICY_KEY]);
  const saveHours = useAction((h: BusinessHours) => api('PUT', '/api/v1/business-hours', { hours: h }), () => [HOURS_KEY]);
  if (policyQ.error || hoursQ.error) return <div className="card"><ErrorNote error={policyQ.error ?? hoursQ.error} /></div>;
  if (!policy || !hours) return <div className="card"><Skeleton lines={8} /></div>;
  return (
    <>
      <SlaPreview policy={policy} hours={hours} />
      <PolicyForm policy={policy} onChange={(p) => { setPolicy(p); savePolicy.reset(); }} save={() => savePolicy.mutate(policy)} error={savePolicy.error} saved={savePolicy.isSuccess} pending={savePolicy.isPending} />
      <HoursForm hours={hours} onChange={(h) => { setHours(h); saveHours.reset(); }} save={() => saveHours.mutate(hours)} error={saveHours.error} saved={saveHours.isSuccess} pending={saveHours.isPending} />
    </>
  );
}

function SlaPreview({ policy, hours }: { policy: SlaPolicy; hours: BusinessHours }) {
  // The draft, not the saved settings: the preview follows every edit (after a short pause).
  const [draft, setDraft] = useState({ policy, hours });
  useEffect(() => { const t = setTimeout(() => setDraft({ policy, hours }), 250); return () => clearTimeout(t); }, [policy, hours]);
  const q = useQuery({ queryKey: ['sla-preview', draft], queryFn: () => api<Preview>('POST', '/api/v1/sla/preview', draft), placeholderData: (p) => p, retry: false });
  // While a time zone is being typed it may not exist yet: times are then shown in the browser's zone.
  const zone = validZone(hours.timeZone) ? hours.timeZone : undefined;
  const fmt = (iso: string) => new Date(iso).toLocaleString(undefined, { ...(zone ? { timeZone: zone } : {}), weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return (
    <section className="card" aria-label="Due time preview">
      <h2>If a message arrived now</h2>
      {q.error ? <p className="form-error" role="alert">The preview needs valid settings: fix the field marked below.</p> : !q.data ? <Skeleton lines={4} /> : (
        <>
          <p className="muted">Received {fmt(q.data.at)} ({hours.timeZone}); {q.data.openNow ? 'you are open now' : 'you are closed now — business-hours clocks wait for the next opening'}.</p>
          <table className="table" aria-label="Due times">
            <thead><tr><th>Priority</th>{METRICS.map(([m, l]) => <th key={m}>{l} due</th>)}</tr></thead>
            <tbody>{q.data.rows.map((r) => (
              <tr key={r.priority} data-priority={r.priority}><th>{r.priority}{r.hours === 'always' ? ' (24/7)' : ''}</th>
                {METRICS.map(([m]) => { const d = r.targets[m]; return <td key={m} data-metric={m}>{d ? <><time dateTime={d.due}>{fmt(d.due)}</time><br /><span className="muted small">warning {fmt(d.warning)}</span></> : <span className="muted">no target</span>}</td>; })}</tr>
            ))}</tbody>
          </table>
        </>
      )}
    </section>
  );
}

function validZone(z: string): boolean {
  try { new Intl.DateTimeFormat(undefined, { timeZone: z }); return true; } catch { return false; }
}

function PolicyForm({ policy, onChange, save, error, saved, pending }: { policy: SlaPolicy; onChange: (p: SlaPolicy) => void; save: () => void; error: unknown; saved: boolean; pending: boolean }) {
  const has = (on: 'warning' | 'breach', type: EscalationType) => policy.escalations.some((e) => e.metric === 'any' && e.on === on && e.actions.some((a) => a.type === type));
  const toggle = (on: 'warning' | 'breach', type: EscalationType, value: boolean) => {
    const others = policy.escalations.filter((e) => !(e.metric === 'any' && e.on === on));
    const mine = policy.escalations.filter((e) => e.metric === 'any' && e.on === on).flatMap((e) => e.actions).filter((a) => a.type !== type);
    const actions = value ? [...mine, { type } as { type: EscalationType }] : mine;
    onChange({ ...policy, escalations: actions.length ? [...others, { metric: 'any', on, actions }] : others });
  };
  return (
    <form className="card" aria-label="SLA policy" noValidate onSubmit={(e) => { e.preventDefault(); save(); }}>
      <h2>SLA policy</h2>
      <p className="muted">Targets in hours for every channel alike; empty means no target. Business hours pause the clock outside opening times unless a priority runs 24/7.</p>
      <table className="table sla-targets">
        <thead><tr><th>Priority</th>{METRICS.map(([m, l]) => <th key={m}>{l} (h)</th>)}<th>Clock</th></tr></thead>
        <tbody>{PRIORITIES.map((p) => (
          <tr key={p}><th>{p}</th>
            {METRICS.map(([m, l]) => (
              <td key={m}><Field label={`${l} target for ${p} (hours)`} field={`body.policy.targets.${p}.${m}`} error={error}>
                <input type="number" min={0} step="any" className="narrow" value={toHours(policy.targets[p][m])} onChange={(e) => onChange({ ...policy, targets: { ...policy.targets, [p]: { ...policy.targets[p], [m]: fromHours(e.target.value) } } })} />
              </Field></td>
            ))}
            <td><Field label={`Clock for ${p}`} field={`body.policy.targets.${p}.hours`} error={error}>
              <select value={policy.targets[p].hours} onChange={(e) => onChange({ ...policy, targets: { ...policy.targets, [p]: { ...policy.targets[p], hours: e.target.value as 'business' | 'always' } } })}><option value="business">Business hours</option><option value="always">24/7</option></select>
            </Field></td></tr>
        ))}</tbody>
      </table>
      <div className="form-grid">
        <Field label="Warn at (% of the target)" field="body.policy.warningAt" error={error}>
          <input type="number" min={1} max={99} value={Math.round(policy.warningAt * 100)} onChange={(e) => onChange({ ...policy, warningAt: Number(e.target.value) / 100 })} />
        </Field>
      </div>
      <fieldset className="form-section"><legend>Escalation</legend>
        {(['warning', 'breach'] as const).map((on) => (
          <div key={on} className="inline-form"><strong>On {on === 'warning' ? 'a warning' : 'a breach'}:</strong>
            {ESCALATIONS.map(([type, label]) => <label key={type} className="inline-field"><input type="checkbox" checked={has(on, type)} onChange={(e) => toggle(on, type, e.target.checked)} /> {label}</label>)}
          </div>
        ))}
      </fieldset>
      <FormError error={error} fields={['body.policy']} />
      <div className="form-actions"><Button type="submit" variant="primary" disabled={pending}>Save SLA policy</Button>{saved ? <span className="muted small" role="status">Saved.</span> : null}</div>
    </form>
  );
}

function HoursForm({ hours, onChange, save, error, saved, pending }: { hours: BusinessHours; onChange: (h: BusinessHours) => void; save: () => void; error: unknown; saved: boolean; pending: boolean }) {
  const [holiday, setHoliday] = useState('');
  const setDay = (d: Day, windows: { start: string; end: string }[]) => onChange({ ...hours, weekly: { ...hours.weekly, [d]: windows } });
  return (
    <form className="card" aria-label="Business hours" noValidate onSubmit={(e) => { e.preventDefault(); save(); }}>
      <h2>Business hours</h2>
      <div className="form-grid">
        <Field label="Time zone" field="body.hours.timeZone" error={error}><input value={hours.timeZone} onChange={(e) => onChange({ ...hours, timeZone: e.target.value })} /></Field>
        <label className="inline-field"><input type="checkbox" checked={hours.alwaysOpen} onChange={(e) => onChange({ ...hours, alwaysOpen: e.target.checked })} /> Open around the clock (24/7)</label>
      </div>
      {!hours.alwaysOpen ? (
        <table className="table" aria-label="Weekly hours">
          <thead><tr><th>Day</th><th>Open</th><th>From</th><th>To</th></tr></thead>
          <tbody>{DAYS.map(([d, label]) => {
            const w = hours.weekly[d];
            const first = w[0];
            return (
              <tr key={d}><th>{label}</th>
                <td><input type="checkbox" aria-label={`Open on ${label}`} checked={w.length > 0} onChange={(e) => setDay(d, e.target.checked ? [{ start: '09:00', end: '17:00' }] : [])} /></td>
                <td>{first ? <Field label={`${label} opens`} field={`body.hours.weekly.${d}.0.start`} error={error}><input type="time" value={first.start} onChange={(e) => setDay(d, [{ ...first, start: e.target.value }, ...w.slice(1)])} /></Field> : null}</td>
                <td>{first ? <Field label={`${label} closes`} field={`body.hours.weekly.${d}.0`} error={error}><input type="time" value={first.end === '24:00' ? '23:59' : first.end} onChange={(e) => setDay(d, [{ ...first, end: e.target.value }, ...w.slice(1)])} /></Field> : null}
                  {w.length > 1 ? <span className="muted small"> +{w.length - 1} more window(s)</span> : null}</td></tr>
            );
          })}</tbody>
        </table>
      ) : null}
      <fieldset className="form-section"><legend>Holidays (closed all day)</legend>
        <div className="inline-form">
          <Field label="Add a holiday" field="body.hours.holidays" error={error}><input type="date" value={holiday} onChange={(e) => setHoliday(e.target.value)} /></Field>
          <Button type="button" disabled={!holiday || hours.holidays.includes(holiday)} onClick={() => { onChange({ ...hours, holidays: [...hours.holidays, holiday].sort() }); setHoliday(''); }}>Add holiday</Button>
        </div>
        <ul className="holidays" aria-label="Holidays">{hours.holidays.map((h) => (
          <li key={h}><time dateTime={h}>{new Date(`${h}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}</time>
            <Button size="sm" variant="ghost" type="button" aria-label={`Remove ${h}`} onClick={() => onChange({ ...hours, holidays: hours.holidays.filter((x) => x !== h) })}>Remove</Button></li>
        ))}</ul>
      </fieldset>
      <FormError error={error} fields={['body.hours']} />
      <div className="form-actions"><Button type="submit" variant="primary" disabled={pending}>Save business hours</Button>{saved ? <span className="muted small" role="status">Saved.</span> : null}</div>
    </form>
  );
}
