import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { keys, useAction, useContact } from '../api/hooks';
import type { ContactView } from '../api/types';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import { ChannelIcon } from '../ui/Icon';
import { Avatar, Badge, Button, Dialog, ErrorNote, Skeleton, timeAgo } from '../ui/ui';

/** The customer beside the conversation: identities on every channel, history, notes. */
export function ContactPanel({ contactId, currentConversationId }: { contactId: string; currentConversationId: string }) {
  const q = useContact(contactId);
  const { can } = useSession();
  const [notes, setNotes] = useState<string | null>(null);
  const [mergeOpen, setMergeOpen] = useState(false);
  const [sourceId, setSourceId] = useState('');
  const touched = () => [keys.contact(contactId), ['conversation'], ['conversations']];
  const patch = useAction((body: Partial<Pick<ContactView, 'vip' | 'notes'>>) => api<ContactView>('PATCH', `/api/v1/contacts/${contactId}`, body), touched);
  const merge = useAction((id: string) => api<ContactView>('POST', `/api/v1/contacts/${contactId}/merge`, { sourceId: id }), touched);

  if (q.error) return <aside className="contact"><ErrorNote error={q.error} onRetry={() => void q.refetch()} /></aside>;
  if (!q.data) return <aside className="contact" aria-busy="true"><Skeleton lines={6} /></aside>;
  const c = q.data;
  const reach = Math.max(0, ...c.identities.map((i) => i.followers ?? 0));
  const editable = can('contact:update');
  const draft = notes ?? c.notes;

  return (
    <aside className="contact" aria-label="Customer profile">
      <div className="contact-head">
        <Avatar name={c.name ?? c.identities[0]?.handle ?? '?'} size={40} />
        <div>
          <h2>{c.name ?? c.identities[0]?.handle ?? 'Unknown'}</h2>
          <div className="muted small">{c.email ?? ''}{reach ? ` · ${reach.toLocaleString()} followers` : ''}</div>
        </div>
        {c.vip ? <Badge tone="warn">VIP</Badge> : null}
      </div>
      {editable ? <label className="check"><input type="checkbox" checked={c.vip} onChange={(e) => patch.mutate({ vip: e.target.checked })} /> VIP customer</label> : null}

      <h3>Identities</h3>
      <ul className="identities">
        {c.identities.map((i) => (
          <li key={i.id}><ChannelIcon kind={i.channelKind} /><span>{i.handle ?? i.displayName ?? i.externalId}</span>{i.followers !== null ? <span className="muted small">{i.followers.toLocaleString()}</span> : null}</li>
        ))}
      </ul>
      {can('contact:merge') ? <Button size="sm" variant="ghost" onClick={() => setMergeOpen(true)}>Merge a duplicate…</Button> : null}

      <h3>Conversations</h3>
      <ul className="history">
        {c.conversations.map((h) => (
          <li key={h.id} className={h.id === currentConversationId ? 'current' : ''}>
            <a href={`/c/${h.id}`} onClick={(e) => { e.preventDefault(); navigate(`/c/${h.id}`); }}>
              <ChannelIcon kind={h.channelKind} /><span className="history-preview">{h.preview || '(no text)'}</span>
            </a>
            <span className={`status-pill st-${h.status}`}>{h.status}</span><span className="muted small">{timeAgo(h.lastActivityAt)}</span>
          </li>
        ))}
      </ul>

      <h3>Notes</h3>
      <label className="sr-only" htmlFor="contact-notes">Notes about this customer</label>
      <textarea id="contact-notes" rows={4} value={draft} readOnly={!editable} onChange={(e) => setNotes(e.target.value)} placeholder="What the next agent should know" />
      {editable && notes !== null && notes !== c.notes ? <Button size="sm" onClick={() => patch.mutate({ notes }, { onSuccess: () => setNotes(null) })}>Save notes</Button> : null}
      {patch.error ? <p className="form-error small" role="alert">{errorMessage(patch.error)}</p> : null}
      {Object.keys(c.attributes).length ? (
        <>
          <h3>CRM</h3>
          <dl className="attrs">{Object.entries(c.attributes).slice(0, 20).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)}</dd></div>)}</dl>
        </>
      ) : null}

      <Dialog open={mergeOpen} title="Merge a duplicate customer into this one" onClose={() => setMergeOpen(false)} footer={<>
        <Button onClick={() => setMergeOpen(false)}>Cancel</Button>
        <Button variant="danger" disabled={!/^[0-9a-f-]{36}$/i.test(sourceId.trim()) || merge.isPending} onClick={() => merge.mutate(sourceId.trim(), { onSuccess: () => { setMergeOpen(false); setSourceId(''); } })}>Merge</Button>
      </>}>
        <p className="muted">The other customer&apos;s identities and conversations move here. Paste the duplicate&apos;s customer id (shown in its profile link).</p>
        <label className="field"><span>Duplicate customer id</span><input value={sourceId} onChange={(e) => setSourceId(e.target.value)} placeholder="00000000-0000-0000-0000-000000000000" /></label>
        <p className="muted small">This customer: <code>{c.id}</code></p>
        {merge.error ? <p className="form-error" role="alert">{errorMessage(merge.error)}</p> : null}
      </Dialog>
    </aside>
  );
}
