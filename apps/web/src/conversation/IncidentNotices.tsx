import { useState } from 'react';
import { errorMessage } from '../api/client';
import { useBatchNotices, useIncidentNotices, useNoticeActions, type NoticeBatchView } from '../api/care';
import { useSession } from '../app/session';
import { Badge, Button, Skeleton, timeAgo } from '../ui/ui';

/** Post an update to every customer linked to the incident, and watch each update go out. */
export function IncidentNotices({ incidentId, open }: { incidentId: string; open: boolean }) {
  const { can } = useSession();
  const batches = useIncidentNotices(incidentId, true);
  const a = useNoticeActions(incidentId);
  const [text, setText] = useState('');
  const [resolve, setResolve] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());
  return (
    <section aria-label="Customer updates">
      <h3>Update every linked customer</h3>
      {can('conversation:reply') && open ? (
        <form className="notice-form" onSubmit={(e) => {
          e.preventDefault();
          if (!text.trim()) return;
          a.post.mutate({ text: text.trim(), resolve, idempotencyKey: key }, { onSuccess: () => { setText(''); setResolve(false); setKey(crypto.randomUUID()); } });
        }}>
          <label className="field"><span>Update</span>
            <textarea rows={3} maxLength={5000} value={text} onChange={(e) => setText(e.target.value)} placeholder="Hi {{first_name}}, engineers are on site; we expect service back by 18:00." />
          </label>
          <p className="muted small">Each customer gets it once, in their own channel (a DM where they wrote privately, a reply where they wrote in public). <code>{'{{first_name}}'}</code> is filled in.</p>
          {can('conversation:update') ? <label className="check"><input type="checkbox" checked={resolve} onChange={(e) => setResolve(e.target.checked)} /> This is the resolution: resolve the incident and its conversations</label> : null}
          <div className="care-actions">
            <Button type="submit" variant="primary" disabled={!text.trim() || a.post.isPending}>{resolve ? 'Send and resolve' : 'Send update'}</Button>
            {a.post.error ? <span className="form-error small" role="alert">{errorMessage(a.post.error)}</span> : null}
          </div>
        </form>
      ) : null}
      {batches.error ? <p className="form-error" role="alert">{errorMessage(batches.error)}</p>
        : !batches.data ? <Skeleton lines={2} />
        : !batches.data.items.length ? <p className="muted small">No update sent yet.</p>
        : batches.data.items.map((b) => <Batch key={b.id} b={b} onRetry={() => a.retry.mutate(b.id)} retrying={a.retry.isPending} />)}
    </section>
  );
}

function Batch({ b, onRetry, retrying }: { b: NoticeBatchView; onRetry: () => void; retrying: boolean }) {
  const { can } = useSession();
  const p = b.progress;
  const [showFailed, setShowFailed] = useState(false);
  const failed = useBatchNotices(showFailed ? b.id : null);
  const pct = (n: number) => `${p.total ? (n / p.total) * 100 : 0}%`;
  return (
    <div className="notice-batch" aria-label={`Update: ${b.text}`}>
      <div><strong>{b.kind === 'incident_resolution' ? 'Resolution notice' : 'Update'}</strong> <span className="muted small">by {b.createdByName ?? 'someone'}, {timeAgo(b.createdAt)} ago</span></div>
      <div className="small">{b.text}</div>
      <div className="notice-bar" role="progressbar" aria-label="Sent" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.sent}>
        <span className="sent" style={{ width: pct(p.sent) }} /><span className="failed" style={{ width: pct(p.failed) }} />
      </div>
      <div className="notice-progress" role="status" aria-live="polite">
        <span>{p.sent} of {p.total} sent</span>
        {p.queued ? <Badge tone="info">{p.queued} queued</Badge> : null}
        {p.awaitingApproval ? <Badge tone="warn">{p.awaitingApproval} awaiting approval</Badge> : null}
        {p.failed ? <Badge tone="bad">{p.failed} failed</Badge> : null}
        {p.skipped ? <Badge>{p.skipped} skipped</Badge> : null}
        {p.failed || p.skipped ? <Button size="sm" variant="ghost" onClick={() => setShowFailed((s) => !s)}>{showFailed ? 'Hide' : 'Show'} why</Button> : null}
        {p.failed && can('conversation:reply') ? <Button size="sm" onClick={onRetry} disabled={retrying}>Retry failed</Button> : null}
      </div>
      {showFailed ? (
        <ul className="care-list small" aria-label="Failed and skipped">
          {(failed.data?.items ?? []).filter((n) => n.status === 'failed' || n.status === 'skipped').map((n) => (
            <li key={n.conversationId}><Badge tone={n.status === 'failed' ? 'bad' : 'neutral'}>{n.status}</Badge> {n.contactName ?? 'Customer'} ({n.channelKind}): {n.reason ?? ''}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
