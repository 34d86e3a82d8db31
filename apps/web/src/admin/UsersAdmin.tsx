import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { keys, useAction, useUsers } from '../api/hooks';
import type { RoleName, UserView } from '../api/types';
import { useSession } from '../app/session';
import { Avatar, Badge, Button, ErrorNote, Skeleton } from '../ui/ui';

const ROLES: RoleName[] = ['admin', 'supervisor', 'agent', 'agency_agent', 'viewer'];
const roleLabel = (r: string) => r.replace('_', ' ');

export function UsersAdmin() {
  const { can, me } = useSession();
  const users = useUsers();
  const [form, setForm] = useState({ email: '', name: '', password: '', role: 'agent' as RoleName });
  const create = useAction((v: typeof form) => api<UserView>('POST', '/api/v1/users', { email: v.email, name: v.name, role: v.role, ...(v.password ? { password: v.password } : {}) }), () => [keys.users]);
  const update = useAction((v: { id: string; body: Partial<Pick<UserView, 'role' | 'availability' | 'skills'>> }) => api<UserView>('PATCH', `/api/v1/users/${v.id}`, v.body), () => [keys.users]);
  const manage = can('user:manage');
  return (
    <div className="card">
      <h2>Users and roles</h2>
      <p className="muted">Agency agents work the queue, but their public replies wait for a brand agent&apos;s approval.</p>
      {users.error ? <ErrorNote error={users.error} /> : users.isPending ? <Skeleton lines={5} /> : (
        <table className="table">
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Availability</th><th>Skills</th></tr></thead>
          <tbody>{users.data.map((u) => (
            <tr key={u.id} data-user-email={u.email}>
              <td><Avatar name={u.name} size={22} /> {u.name}</td>
              <td>{u.email}</td>
              <td>{manage && u.id !== me?.user.id ? (
                <select aria-label={`Role of ${u.name}`} value={u.role} onChange={(e) => update.mutate({ id: u.id, body: { role: e.target.value as RoleName } })}>
                  {ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
                </select>
              ) : <Badge>{roleLabel(u.role)}</Badge>}</td>
              <td><Badge tone={u.availability === 'online' ? 'good' : 'neutral'}>{u.availability}</Badge></td>
              <td>{u.skills.join(', ') || <span className="muted">—</span>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {update.error ? <p className="form-error" role="alert">{errorMessage(update.error)}</p> : null}
      {manage ? (
        <form className="inline-form" onSubmit={(e) => { e.preventDefault(); create.mutate(form, { onSuccess: () => setForm({ email: '', name: '', password: '', role: 'agent' }) }); }}>
          <h3>Add a user</h3>
          <label className="inline-field"><span>Name</span><input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
          <label className="inline-field"><span>Email</span><input type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} /></label>
          <label className="inline-field"><span>Password (12+)</span><input type="password" minLength={12} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} autoComplete="new-password" /></label>
          <label className="inline-field"><span>Role</span><select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as RoleName })}>{ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}</select></label>
          <Button variant="primary" type="submit" disabled={create.isPending}>Add user</Button>
          {create.error ? <p className="form-error" role="alert">{errorMessage(create.error)}</p> : null}
        </form>
      ) : null}
    </div>
  );
}
