import { useState } from 'react';
import type { DeskSettings } from '@earshot/domain';
import { api, errorMessage } from '../api/client';
import { keys, useAction, useDeskSettings, useUsers } from '../api/hooks';
import type { RoleName, UserView } from '../api/types';
import { useSession } from '../app/session';
import { Avatar, Badge, Button, ErrorNote, Skeleton } from '../ui/ui';

const ROLES: RoleName[] = ['admin', 'supervisor', 'agent', 'agency_agent', 'viewer'];
const roleLabel = (r: string) => r.replace('_', ' ');
const AVAILABILITY = ['online', 'away', 'offline'] as const;
const AUTO_AWAY = [null, 5, 10, 15, 30, 60] as const;
type Patch = Partial<Pick<UserView, 'role' | 'availability' | 'skills' | 'capacity'>>;

/** "billing, es , billing" → ["billing", "es"]. */
export const parseSkills = (text: string) => [...new Set(text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))];

/** A text field saved when it loses focus or on Enter, if it changed; Escape puts the saved value back. */
function SaveOnBlur({ label, value, onSave, type = 'text', width }: { label: string; value: string; onSave: (v: string) => void; type?: 'text' | 'number'; width: number }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => { if (draft !== null && draft !== value) onSave(draft); setDraft(null); };
  return (
    <input aria-label={label} type={type} value={draft ?? value} style={{ width }} {...(type === 'number' ? { min: 0, max: 1000, step: 1 } : {})}
      onChange={(e) => setDraft(e.target.value)} onBlur={commit}
      onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); commit(); } if (e.key === 'Escape') setDraft(null); }} />
  );
}

/** The brand's auto-away: an online agent idle that long is set away (and back online on return). */
function AutoAwaySetting({ manage }: { manage: boolean }) {
  const settings = useDeskSettings();
  const save = useAction((v: DeskSettings) => api<DeskSettings>('PUT', '/api/v1/desk-settings', v), () => [keys.deskSettings]);
  const value = settings.data?.autoAwayMinutes ?? null;
  const choices: (number | null)[] = AUTO_AWAY.includes(value as never) ? [...AUTO_AWAY] : [...AUTO_AWAY, value];
  return (
    <div className="inline-form">
      <label className="inline-field"><span>Auto-away when idle</span>
        <select aria-label="Auto-away when idle" value={value === null ? 'never' : String(value)} disabled={!manage || settings.isPending || save.isPending}
          onChange={(e) => save.mutate({ autoAwayMinutes: e.target.value === 'never' ? null : Number(e.target.value) })}>
          {choices.map((m) => <option key={m ?? 'never'} value={m === null ? 'never' : String(m)}>{m === null ? 'Never' : `After ${m} minutes`}</option>)}
        </select>
      </label>
      <span className="muted small">An online agent who has not touched the desk for this long is set away, and back online when they return.</span>
      {save.error ? <p className="form-error" role="alert">{errorMessage(save.error)}</p> : null}
    </div>
  );
}

export function UsersAdmin() {
  const { can, me } = useSession();
  const users = useUsers();
  const [form, setForm] = useState({ email: '', name: '', password: '', role: 'agent' as RoleName });
  const create = useAction((v: typeof form) => api<UserView>('POST', '/api/v1/users', { email: v.email, name: v.name, role: v.role, ...(v.password ? { password: v.password } : {}) }), () => [keys.users]);
  const update = useAction((v: { id: string; body: Patch }) => api<UserView>('PATCH', `/api/v1/users/${v.id}`, v.body), () => [keys.users]);
  const manage = can('user:manage');
  return (
    <div className="card">
      <h2>Users and roles</h2>
      <p className="muted">Agency agents work the queue, but their public replies wait for a brand agent&apos;s approval.</p>
      {users.error ? <ErrorNote error={users.error} /> : users.isPending ? <Skeleton lines={5} /> : (
        <table className="table">
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Availability</th><th>Skills</th><th>Capacity</th></tr></thead>
          <tbody>{users.data.map((u) => (
            <tr key={u.id} data-user-email={u.email}>
              <td><Avatar name={u.name} size={22} /> {u.name}</td>
              <td>{u.email}</td>
              <td>{manage && u.id !== me?.user.id ? (
                <select aria-label={`Role of ${u.name}`} value={u.role} onChange={(e) => update.mutate({ id: u.id, body: { role: e.target.value as RoleName } })}>
                  {ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
                </select>
              ) : <Badge>{roleLabel(u.role)}</Badge>}</td>
              <td>{manage ? (
                <select aria-label={`Availability of ${u.name}`} value={u.availability} onChange={(e) => update.mutate({ id: u.id, body: { availability: e.target.value } })}>
                  {AVAILABILITY.map((a) => <option key={a} value={a}>{a}</option>)}
                </select>
              ) : <Badge tone={u.availability === 'online' ? 'good' : 'neutral'}>{u.availability}</Badge>}</td>
              <td>{manage ? (
                <SaveOnBlur label={`Skills of ${u.name}`} width={180} value={u.skills.join(', ')} onSave={(v) => update.mutate({ id: u.id, body: { skills: parseSkills(v) } })} />
              ) : u.skills.join(', ') || <span className="muted">—</span>}</td>
              <td>{manage ? (
                <SaveOnBlur label={`Capacity of ${u.name}`} type="number" width={72} value={String(u.capacity.default ?? 10)}
                  onSave={(v) => update.mutate({ id: u.id, body: { capacity: { ...u.capacity, default: Math.max(0, Math.min(1000, Math.round(Number(v) || 0))) } } })} />
              ) : <span title="Open conversations at a time">{u.capacity.default ?? 10}</span>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {update.error ? <p className="form-error" role="alert">{errorMessage(update.error)}</p> : null}
      <p className="muted small">Skills (comma-separated) match routing rules that ask for one; capacity is how many open conversations routing gives an agent at a time.</p>
      <AutoAwaySetting manage={manage} />
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
