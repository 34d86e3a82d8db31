import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { useMe, useSession } from './session';

interface MyBrand { id: string; slug: string; name: string; role: string; current: boolean }

/**
 * The brands this person works in, for agencies and people in several brands: a native select,
 * so it is reached with Tab and changed with the arrow keys. Switching starts a new session for
 * the chosen brand and forgets everything the desk had loaded.
 */
export function BrandSwitcher() {
  const me = useMe();
  const { switchBrand } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const brands = useQuery({ queryKey: ['my-brands', me.brand.id], queryFn: () => api<{ items: MyBrand[] }>('GET', '/api/v1/me/brands'), staleTime: 60_000, enabled: !!me.user.id });
  const items = brands.data?.items ?? [];
  if (items.length < 2) return <span className="brand-name">{me.brand.name}</span>;
  return (
    <span className="brand-switch">
      <select aria-label="Brand" value={me.brand.id} disabled={busy} title={error ? errorMessage(error) : 'Switch brand'}
        onChange={(e) => {
          setBusy(true);
          setError(null);
          switchBrand(e.target.value).catch((err: unknown) => { setError(err); setBusy(false); });
        }}>
        {items.map((b) => <option key={b.id} value={b.id}>{b.name} · {b.role.replace('_', ' ')}</option>)}
      </select>
      {error ? <span className="form-error small" role="alert">{errorMessage(error)}</span> : null}
    </span>
  );
}
