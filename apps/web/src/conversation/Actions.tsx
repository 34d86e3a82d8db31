import { useState } from 'react';
import { errorMessage } from '../api/client';
import { useConversationActions, useTeams, useUsers } from '../api/hooks';
import type { ConversationView } from '../api/types';
import { useSession } from '../app/session';
import { Button, Dialog } from '../ui/ui';

function snoozeUntil(choice: string): string {
  const d = new Date();
  if (choice === '1h') d.setHours(d.getHours() + 1);
  else if (choice === '4h') d.setHours(d.getHours() + 4);
  else if (choice === 'tomorrow') { d.setDate(d.getDate() + 1); d.setHours(9, 0, 0, 0); } else { d.setDate(d.getDate() + 7); d.setHours(9, 0, 0, 0); }
  return d.toISOString();
}

export function Actions({ c }: { c: ConversationView }) {
  const { can } = useSession();
  const a = useConversationActions(c.id);
  const users = useUsers();
  const teams = useTeams();
  const [tagDraft, setTagDraft] = useState('');
  const [transferOpen, setTransferOpen] = useState(false);
  const [teamId, setTeamId] = useState('');
  const [note, setNote] = useState('');
  const canUpdate = can('conversation:update');
  const error = [a.assign, a.status, a.priority, a.tags, a.transfer].find((m) => m.error)?.error;

  const addTag = () => {
    const t = tagDraft.trim().toLowerCase();
    if (t && !c.tags.includes(t)) a.tags.mutate([...c.tags, t]);
    setTagDraft('');
  };

  return (
    <div className="actions">
      <label className="inline-field"><span>Assignee</span>
        <select id="assign-select" value={c.assigneeId ?? ''} disabled={!can('conversation:assign') || a.assign.isPending} onChange={(e) => a.assign.mutate(e.target.value || null)}>
          <option value="">Unassigned</option>
          {(users.data ?? []).filter((u) => u.role !== 'viewer').map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </label>
      <Button size="sm" disabled={!can('conversation:assign')} title="Transfer to another team with a note" onClick={() => setTransferOpen(true)}>Transfer…</Button>
      <label className="inline-field"><span>Priority</span>
        <select value={c.priority} disabled={!canUpdate} onChange={(e) => a.priority.mutate(e.target.value as ConversationView['priority'])}>
          {['urgent', 'high', 'normal', 'low'].map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </label>
      <div className="tags" aria-label="Tags">
        {c.tags.map((t) => (
          <span key={t} className="tag">{t}{canUpdate ? <button type="button" aria-label={`Remove tag ${t}`} onClick={() => a.tags.mutate(c.tags.filter((x) => x !== t))}>×</button> : null}</span>
        ))}
        {canUpdate ? (
          <input className="tag-input" aria-label="Add a tag" placeholder="+ tag" value={tagDraft} onChange={(e) => setTagDraft(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); addTag(); } }} onBlur={addTag} size={8} />
        ) : null}
      </div>
      <span className="spacer" />
      {canUpdate && c.status !== 'resolved' ? (
        <select aria-label="Snooze" value="" onChange={(e) => { if (e.target.value) a.status.mutate({ status: 'snoozed', snoozedUntil: snoozeUntil(e.target.value) }); }}>
          <option value="">Snooze…</option>
          <option value="1h">1 hour</option>
          <option value="4h">4 hours</option>
          <option value="tomorrow">Tomorrow 9:00</option>
          <option value="week">Next week</option>
        </select>
      ) : null}
      {canUpdate ? (c.status === 'resolved'
        ? <Button size="sm" onClick={() => a.status.mutate({ status: 'open' })}>Reopen</Button>
        : <Button size="sm" variant="primary" onClick={() => a.status.mutate({ status: 'resolved' })} title="Resolve (e)">Resolve</Button>) : null}
      {error ? <p className="form-error small" role="alert">{errorMessage(error)}</p> : null}

      <Dialog open={transferOpen} title="Transfer to a team" onClose={() => setTransferOpen(false)} footer={<>
        <Button onClick={() => setTransferOpen(false)}>Cancel</Button>
        <Button variant="primary" disabled={!teamId || !note.trim() || a.transfer.isPending} onClick={() => a.transfer.mutate({ teamId, note: note.trim() }, { onSuccess: () => { setTransferOpen(false); setNote(''); } })}>Transfer</Button>
      </>}>
        <label className="field"><span>Team</span>
          <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">Choose a team</option>
            {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </label>
        <label className="field"><span>Note for the team (context, so nobody asks the customer again)</span>
          <textarea rows={4} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        {a.transfer.error ? <p className="form-error" role="alert">{errorMessage(a.transfer.error)}</p> : null}
      </Dialog>
    </div>
  );
}
