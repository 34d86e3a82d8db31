import { useState } from 'react';
import { errorMessage } from '../api/client';
import { useCompleteTask, useConversationCare, type CareTaskView } from '../api/care';
import { useSession } from '../app/session';
import { Icon } from '../ui/Icon';
import { Badge, Button, timeAgo } from '../ui/ui';

const FOLLOWUP_LABEL = { scheduled: 'Follow-up scheduled', sent: 'Follow-up sent', task: 'Call-back task created', skipped: 'Follow-up skipped' } as const;

/** After resolution: the follow-up (scheduled, sent, skipped and why), the survey answer, and open tasks. */
export function CarePanel({ conversationId, version }: { conversationId: string; version: string }) {
  const care = useConversationCare(conversationId, version);
  if (!care.data) return null;
  const { followups, surveys, tasks } = care.data;
  const f = followups[0];
  const s = surveys[0];
  const open = tasks.filter((t) => t.status === 'open');
  if (!f && !s && !open.length) return null;
  return (
    <div className="care-bar" aria-label="After resolution">
      {f ? (
        <span className="care-item" title={f.skipReason ?? undefined}>
          <Icon name="clock" size={13} /> {FOLLOWUP_LABEL[f.status]}
          {f.status === 'scheduled' ? ` for ${new Date(f.dueAt).toLocaleString()}` : f.doneAt ? ` ${timeAgo(f.doneAt)} ago` : ''}
          {f.status === 'skipped' && f.skipReason ? `: ${f.skipReason}` : ''}
        </span>
      ) : null}
      {s ? (
        <span className="care-item">
          <Icon name="star" size={13} /> {s.status === 'skipped' ? `Survey not sent: ${s.skipReason ?? ''}` : s.score === null ? 'Survey sent, no answer yet' : <>CSAT <Badge tone={s.score >= 4 ? 'good' : s.score <= 2 ? 'bad' : 'warn'}>{s.score}/5</Badge>{s.comment ? ` “${s.comment}”` : ''}</>}
        </span>
      ) : null}
      {open.map((t) => <TaskRow key={t.id} task={t} conversationId={conversationId} />)}
    </div>
  );
}

function TaskRow({ task, conversationId }: { task: CareTaskView; conversationId: string }) {
  const { can } = useSession();
  const done = useCompleteTask(conversationId);
  const [outcome, setOutcome] = useState('');
  const overdue = new Date(task.dueAt).getTime() < Date.now();
  return (
    <form className="care-task" aria-label={`Task: ${task.title}`} onSubmit={(e) => { e.preventDefault(); if (outcome.trim()) done.mutate({ id: task.id, outcome: outcome.trim() }); }}>
      <Icon name={task.kind === 'call_back' ? 'phone' : 'alert'} size={14} />
      <strong>{task.title}</strong>
      <span className="muted">{task.assigneeName ? `for ${task.assigneeName}, ` : ''}due {new Date(task.dueAt).toLocaleString()}</span>
      {overdue ? <Badge tone="bad">overdue</Badge> : null}
      {can('conversation:update') ? (
        <>
          <input aria-label="Outcome" placeholder="Outcome, e.g. called: fixed" value={outcome} maxLength={2000} onChange={(e) => setOutcome(e.target.value)} />
          <Button size="sm" type="submit" disabled={!outcome.trim() || done.isPending}>Mark done</Button>
        </>
      ) : null}
      {done.error ? <span className="form-error small" role="alert">{errorMessage(done.error)}</span> : null}
    </form>
  );
}
