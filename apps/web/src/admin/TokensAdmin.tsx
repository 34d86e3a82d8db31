import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { keys, useAction, useTokens } from '../api/hooks';
import type { Permission } from '../api/types';
import { useSession } from '../app/session';
import { Badge, Button, Empty, ErrorNote, Skeleton, timeAgo } from '../ui/ui';

const SCOPES: Permission[] = ['conversation:read', 'conversation:reply', 'conversation:note', 'conversation:update', 'conversation:assign', 'contact:read', 'contact:update', 'audit:read', 'analytics:read', 'kb:read'];

export function TokensAdmin() {
  const { can } = useSession();
  const tokens = useTokens(can('token:manage'));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Permission[]>(['conversation:read']);
  const [shown, setShown] = useState<string | null>(null);
  const create = useAction((v: { name: string; scopes: Permission[] }) => api<{ token: string }>('POST', '/api/v1/tokens', v), () => [keys.tokens]);
  const revoke = useAction((id: string) => api('DELETE', `/api/v1/tokens/${id}`), () => [keys.tokens]);
  if (!can('token:manage')) return <Empty title="Only admins manage API tokens" />;
  return (
    <div className="card">
      <h2>API tokens</h2>
      <p className="muted">For integrations: a token acts only within its scopes and this brand. The secret is shown once.</p>
      {tokens.error ? <ErrorNote error={tokens.error} /> : tokens.isPending ? <Skeleton lines={3} /> : !tokens.data.length ? <Empty title="No tokens" /> : (
        <table className="table">
          <thead><tr><th>Name</th><th>Prefix</th><th>Scopes</th><th>Last used</th><th /></tr></thead>
          <tbody>{tokens.data.map((t) => (
            <tr key={t.id} className={t.revokedAt ? 'revoked' : ''}>
              <td>{t.name}</td><td><code>{t.prefix}…</code></td><td className="small">{t.scopes.join(', ')}</td>
              <td>{t.lastUsedAt ? `${timeAgo(t.lastUsedAt)} ago` : 'never'}</td>
              <td>{t.revokedAt ? <Badge>revoked</Badge> : <Button size="sm" variant="danger" onClick={() => revoke.mutate(t.id)}>Revoke</Button>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); create.mutate({ name: name.trim(), scopes }, { onSuccess: (r) => { setShown(r.token); setName(''); } }); }}>
        <h3>New token</h3>
        <label className="inline-field"><span>Name</span><input required value={name} onChange={(e) => setName(e.target.value)} placeholder="CRM sync" /></label>
        <fieldset className="scopes"><legend>Scopes</legend>
          {SCOPES.map((s) => <label key={s} className="check small"><input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> {s}</label>)}
        </fieldset>
        <Button variant="primary" type="submit" disabled={!name.trim() || !scopes.length || create.isPending}>Create token</Button>
        {create.error ? <p className="form-error" role="alert">{errorMessage(create.error)}</p> : null}
        {shown ? <p className="secret" role="status">Copy it now, it is not shown again: <code>{shown}</code></p> : null}
      </form>
    </div>
  );
}
