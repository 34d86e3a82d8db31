import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { keys, useAction, useTeams, useUsers } from '../api/hooks';
import type { TeamView } from '../api/types';
import { useSession } from '../app/session';
import { Button, Empty, ErrorNote, Skeleton } from '../ui/ui';

const list = (s: string) => [...new Set(s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))];

export function TeamsAdmin() {
  const { can } = useSession();
  const teams = useTeams();
  const users = useUsers();
  const [name, setName] = useState('');
  const [skills, setSkills] = useState('');
  const create = useAction((v: { name: string; skills: string[] }) => api<TeamView>('POST', '/api/v1/teams', v), () => [keys.teams]);
  const update = useAction((v: { id: string; body: Partial<Pick<TeamView, 'name' | 'skills' | 'memberIds'>> }) => api<TeamView>('PATCH', `/api/v1/teams/${v.id}`, v.body), () => [keys.teams, keys.users]);
  const manage = can('team:manage');
  return (
    <div className="card">
      <h2>Teams and skills</h2>
      <p className="muted">Routing sends conversations to teams by skill; members share the team&apos;s queue.</p>
      {teams.error ? <ErrorNote error={teams.error} /> : teams.isPending ? <Skeleton lines={4} /> : !teams.data.length ? <Empty title="No teams yet">Create the first one below.</Empty> : (
        <table className="table">
          <thead><tr><th>Team</th><th>Skills</th><th>Members</th></tr></thead>
          <tbody>{teams.data.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{manage ? <input aria-label={`Skills of ${t.name}`} defaultValue={t.skills.join(', ')} onBlur={(e) => { const s = list(e.target.value); if (s.join() !== t.skills.join()) update.mutate({ id: t.id, body: { skills: s } }); }} /> : t.skills.join(', ')}</td>
              <td>
                <div className="member-list">
                  {(users.data ?? []).filter((u) => u.role !== 'viewer').map((u) => (
                    <label key={u.id} className="check small"><input type="checkbox" disabled={!manage} checked={t.memberIds.includes(u.id)}
                      onChange={(e) => update.mutate({ id: t.id, body: { memberIds: e.target.checked ? [...t.memberIds, u.id] : t.memberIds.filter((x) => x !== u.id) } })} /> {u.name}</label>
                  ))}
                </div>
              </td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {update.error ? <p className="form-error" role="alert">{errorMessage(update.error)}</p> : null}
      {manage ? (
        <form className="inline-form" onSubmit={(e) => { e.preventDefault(); create.mutate({ name: name.trim(), skills: list(skills) }, { onSuccess: () => { setName(''); setSkills(''); } }); }}>
          <h3>New team</h3>
          <label className="inline-field"><span>Name</span><input required value={name} onChange={(e) => setName(e.target.value)} placeholder="Billing" /></label>
          <label className="inline-field"><span>Skills</span><input value={skills} onChange={(e) => setSkills(e.target.value)} placeholder="billing, refunds" /></label>
          <Button variant="primary" type="submit" disabled={!name.trim() || create.isPending}>Create team</Button>
          {create.error ? <p className="form-error" role="alert">{errorMessage(create.error)}</p> : null}
        </form>
      ) : null}
    </div>
  );
}
