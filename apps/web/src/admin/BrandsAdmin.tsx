import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { BrandSettingsView, OperatorBrandView } from '@earshot/domain';
import { api } from '../api/client';
import { useAction } from '../api/hooks';
import { Button, ErrorNote, Skeleton } from '../ui/ui';
import { Field, FormError } from './fields';

const KEY = ['operator-brands'] as const;
const EMPTY = { slug: '', name: '', timezone: 'UTC', email: '', adminName: '', password: '' };
const FIELDS = ['body.slug', 'body.name', 'body.timezone', 'body.admin'];

/** Operators: every brand of the installation, and a new brand with its first admin. */
export function BrandsAdmin() {
  const brands = useQuery({ queryKey: KEY, queryFn: () => api<{ items: OperatorBrandView[] }>('GET', '/api/v1/brands') });
  const [f, setF] = useState(EMPTY);
  const create = useAction((v: typeof EMPTY) => api<{ brand: BrandSettingsView; admin: { email: string; created: boolean } }>('POST', '/api/v1/brands', {
    slug: v.slug.trim(), name: v.name, timezone: v.timezone, admin: { email: v.email, name: v.adminName, ...(v.password ? { password: v.password } : {}) },
  }), () => [KEY, ['my-brands']]);
  const set = (p: Partial<typeof EMPTY>) => { setF({ ...f, ...p }); if (create.error) create.reset(); };
  return (
    <div className="card">
      <h2>Brands</h2>
      <p className="muted">As an operator of this installation you create brands and invite each one&apos;s first admin, who then sets up its channels, people and rules. Someone who already has an account keeps their password and gets the new brand in their brand switcher.</p>
      <form aria-label="New brand" onSubmit={(e) => { e.preventDefault(); create.mutate(f, { onSuccess: () => setF(EMPTY) }); }}>
        <div className="form-grid">
          <Field label="Brand name" field="body.name" error={create.error}><input required value={f.name} onChange={(e) => set({ name: e.target.value })} /></Field>
          <Field label="Slug" field="body.slug" error={create.error} hint="a-z, 0-9 and dashes; used in links and sign-in"><input required value={f.slug} onChange={(e) => set({ slug: e.target.value })} /></Field>
          <Field label="Time zone" field="body.timezone" error={create.error}><input value={f.timezone} onChange={(e) => set({ timezone: e.target.value })} /></Field>
          <Field label="First admin's email" field="body.admin.email" error={create.error}><input required type="email" value={f.email} onChange={(e) => set({ email: e.target.value })} /></Field>
          <Field label="First admin's name" field="body.admin.name" error={create.error}><input required value={f.adminName} onChange={(e) => set({ adminName: e.target.value })} /></Field>
          <Field label="First password (new accounts)" field="body.admin.password" error={create.error} hint="12 characters or more; leave empty for an existing account"><input type="password" autoComplete="new-password" value={f.password} onChange={(e) => set({ password: e.target.value })} /></Field>
        </div>
        <FormError error={create.error} fields={FIELDS} />
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={create.isPending}>Create brand and invite admin</Button>
          {create.data ? <span role="status" className="muted small">Created <strong>{create.data.brand.name}</strong>; {create.data.admin.email} {create.data.admin.created ? 'can sign in with the first password' : 'sees it in their brand switcher'}.</span> : null}
        </div>
      </form>
      {brands.data?.items.length ? <AddMember brands={brands.data.items} /> : null}
      {brands.error ? <ErrorNote error={brands.error} /> : brands.isPending ? <Skeleton lines={4} /> : (
        <table className="table" aria-label="All brands">
          <thead><tr><th>Name</th><th>Slug</th><th>Time zone</th><th>People</th><th>Admins</th></tr></thead>
          <tbody>{brands.data.items.map((b) => (
            <tr key={b.id} data-brand-slug={b.slug}><td>{b.name}</td><td><code>{b.slug}</code></td><td>{b.timezone}</td><td>{b.members}</td><td>{b.admins.join(', ')}</td></tr>
          ))}</tbody>
        </table>
      )}
    </div>
  );
}

const ROLES = ['admin', 'supervisor', 'agent', 'agency_agent', 'viewer'] as const;
const EMPTY_MEMBER = { brandId: '', email: '', name: '', role: 'agency_agent' as (typeof ROLES)[number], password: '' };

/** An agency's people serve several brands with one account: the operator gives them a role in another brand. */
function AddMember({ brands }: { brands: OperatorBrandView[] }) {
  const [f, setF] = useState(EMPTY_MEMBER);
  const brandId = f.brandId || brands[0]?.id || '';
  const add = useAction((v: typeof EMPTY_MEMBER & { brandId: string }) => api<{ email: string; created: boolean }>('POST', `/api/v1/brands/${v.brandId}/members`, {
    email: v.email, name: v.name, role: v.role, ...(v.password ? { password: v.password } : {}),
  }), () => [KEY]);
  const set = (p: Partial<typeof EMPTY_MEMBER>) => { setF({ ...f, ...p }); if (add.error) add.reset(); };
  return (
    <form aria-label="Add someone to a brand" className="form-section" onSubmit={(e) => { e.preventDefault(); add.mutate({ ...f, brandId }, { onSuccess: () => setF({ ...EMPTY_MEMBER, brandId }) }); }}>
      <h3>Add someone to a brand</h3>
      <div className="form-grid">
        <Field label="Brand" field="params.id" error={add.error}><select value={brandId} onChange={(e) => set({ brandId: e.target.value })}>{brands.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}</select></Field>
        <Field label="Email" field="body.email" error={add.error}><input required type="email" value={f.email} onChange={(e) => set({ email: e.target.value })} /></Field>
        <Field label="Name" field="body.name" error={add.error}><input required value={f.name} onChange={(e) => set({ name: e.target.value })} /></Field>
        <Field label="Role" field="body.role" error={add.error}><select value={f.role} onChange={(e) => set({ role: e.target.value as typeof f.role })}>{ROLES.map((r) => <option key={r} value={r}>{r.replace('_', ' ')}</option>)}</select></Field>
        <Field label="First password (new accounts)" field="body.password" error={add.error} hint="leave empty for an existing account"><input type="password" autoComplete="new-password" value={f.password} onChange={(e) => set({ password: e.target.value })} /></Field>
      </div>
      <FormError error={add.error} fields={['params.id', 'body.email', 'body.name', 'body.role', 'body.password']} />
      <div className="form-actions">
        <Button type="submit" disabled={add.isPending}>Add to brand</Button>
        {add.data ? <span role="status" className="muted small">{add.data.email} {add.data.created ? 'can sign in with the first password' : 'now has this brand in their brand switcher'}.</span> : null}
      </div>
    </form>
  );
}
