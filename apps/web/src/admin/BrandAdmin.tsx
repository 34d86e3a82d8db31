import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { AgencyApproval, BrandSettingsPatch, BrandSettingsView } from '@earshot/domain';
import { api } from '../api/client';
import { useAction } from '../api/hooks';
import { ErrorNote, Skeleton, Button } from '../ui/ui';
import { Field, FormError } from './fields';

const KEY = ['brand-settings'] as const;
const FIELDS = ['body.name', 'body.slug', 'body.timezone', 'body.look', 'body.agency'];
const ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

interface Draft { name: string; slug: string; timezone: string; logoUrl: string; primaryColor: string; accentColor: string; publicReplies: AgencyApproval['publicReplies']; privateReplies: AgencyApproval['privateReplies'] }
const draftOf = (b: BrandSettingsView): Draft => ({ name: b.name, slug: b.slug, timezone: b.timezone, logoUrl: b.look.logoUrl ?? '', primaryColor: b.look.primaryColor, accentColor: b.look.accentColor, ...b.agency });

/** The brand's own settings: what it is called, its address, its time zone, how its public pages look, agency approval. */
export function BrandAdmin() {
  const brand = useQuery({ queryKey: KEY, queryFn: () => api<BrandSettingsView>('GET', '/api/v1/brand') });
  const [d, setD] = useState<Draft | null>(null);
  useEffect(() => { if (brand.data && !d) setD(draftOf(brand.data)); }, [brand.data, d]);
  const save = useAction((v: BrandSettingsPatch) => api<BrandSettingsView>('PATCH', '/api/v1/brand', v), () => [KEY, ['me']]);
  if (brand.error) return <div className="card"><ErrorNote error={brand.error} onRetry={() => void brand.refetch()} /></div>;
  if (!d || !brand.data) return <div className="card"><Skeleton lines={6} /></div>;
  const set = (p: Partial<Draft>) => { setD({ ...d, ...p }); save.reset(); };
  const submit = () => save.mutate({
    name: d.name, slug: d.slug, timezone: d.timezone,
    look: { logoUrl: d.logoUrl.trim() || null, primaryColor: d.primaryColor, accentColor: d.accentColor },
    agency: { publicReplies: d.publicReplies, privateReplies: d.privateReplies },
  }, { onSuccess: (b) => setD(draftOf(b)) });
  return (
    <form className="card" aria-label="Brand settings" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <h2>Brand</h2>
      <p className="muted">How this brand is named and addressed, the time zone of its business hours, and how its public pages look.</p>
      <div className="form-grid">
        <Field label="Name" field="body.name" error={save.error}><input value={d.name} onChange={(e) => set({ name: e.target.value })} /></Field>
        <Field label="Slug" field="body.slug" error={save.error} hint={<>Public links: <code>/kb/{d.slug || '…'}/…</code></>}><input value={d.slug} onChange={(e) => set({ slug: e.target.value })} /></Field>
        <Field label="Time zone" field="body.timezone" error={save.error}>
          <input list="brand-zones" value={d.timezone} onChange={(e) => set({ timezone: e.target.value })} />
        </Field>
        <datalist id="brand-zones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
      </div>
      <fieldset className="form-section">
        <legend>Public pages</legend>
        <div className="form-grid">
          <Field label="Logo (https address)" field="body.look.logoUrl" error={save.error}><input type="url" value={d.logoUrl} placeholder="https://…/logo.png" onChange={(e) => set({ logoUrl: e.target.value })} /></Field>
          <Field label="Main colour" field="body.look.primaryColor" error={save.error}><input type="color" value={d.primaryColor} onChange={(e) => set({ primaryColor: e.target.value })} /></Field>
          <Field label="Accent colour" field="body.look.accentColor" error={save.error}><input type="color" value={d.accentColor} onChange={(e) => set({ accentColor: e.target.value })} /></Field>
        </div>
        <div className="look-preview" style={{ background: d.primaryColor, borderBottom: `4px solid ${d.accentColor}` }} aria-label="Preview of the public header">
          {d.logoUrl.startsWith('https://') ? <img src={d.logoUrl} alt="" /> : null}<span>{d.name} · Help centre</span>
        </div>
      </fieldset>
      <fieldset className="form-section">
        <legend>Agency approval</legend>
        <p className="muted small">Replies written by agency agents can wait for a brand agent&apos;s approval before they are sent.</p>
        <div className="form-grid">
          <Field label="Public replies by agency agents" field="body.agency.publicReplies" error={save.error}>
            <select value={d.publicReplies} onChange={(e) => set({ publicReplies: e.target.value as Draft['publicReplies'] })}><option value="approval">Wait for approval</option><option value="direct">Send directly</option></select>
          </Field>
          <Field label="Private replies by agency agents" field="body.agency.privateReplies" error={save.error}>
            <select value={d.privateReplies} onChange={(e) => set({ privateReplies: e.target.value as Draft['privateReplies'] })}><option value="approval">Wait for approval</option><option value="direct">Send directly</option></select>
          </Field>
        </div>
      </fieldset>
      <FormError error={save.error} fields={FIELDS} />
      <div className="form-actions">
        <Button type="submit" variant="primary" disabled={save.isPending}>Save brand settings</Button>
        {save.isSuccess ? <span className="muted small" role="status">Saved.</span> : null}
      </div>
    </form>
  );
}
