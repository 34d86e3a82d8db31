import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api, errorMessage } from '../api/client';
import { keys, useAction, useContact } from '../api/hooks';
import type { ContactView } from '../api/types';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import { ChannelIcon, Icon } from '../ui/Icon';
import { Avatar, Badge, Button, Dialog, ErrorNote, Skeleton, timeAgo } from '../ui/ui';
import { MergeDialog } from './MergeDialog';

type Identity = ContactView['identities'][number];
const identityLabel = (i: Identity) => i.handle ?? i.displayName ?? i.externalId;

/**
 * The customer beside the conversation: identities on every channel, history, notes. Where there
 * is no room for a third column it is a drawer (`drawerOpen`), closed with its button or Escape.
 */
export function ContactPanel({ contactId, currentConversationId, drawerOpen = false, onCloseDrawer }: { contactId: string; currentConversationId: string; drawerOpen?: boolean; onCloseDrawer?: () => void }) {
  const q = useContact(contactId);
  const closeBtn = useRef<HTMLButtonElement>(null);
  useEffect(() => { if (drawerOpen) closeBtn.current?.focus(); }, [drawerOpen, q.data]);
  const onKeyDown = (e: KeyboardEvent) => { if (drawerOpen && e.key === 'Escape' && !document.querySelector('dialog[open]')) { e.preventDefault(); onCloseDrawer?.(); } };
  const close = onCloseDrawer ? <button ref={closeBtn} type="button" className="btn btn-ghost btn-sm contact-close" aria-label="Close customer profile" onClick={onCloseDrawer}><Icon name="close" /></button> : null;
  const { can } = useSession();
  const [notes, setNotes] = useState<string | null>(null);
  const [mergeOpen, setMergeOpen] = useState(false);
  const [moveOut, setMoveOut] = useState<Identity | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const touched = () => [keys.contact(contactId), ['contact'], ['contacts'], ['conversation'], ['conversations']];
  const patch = useAction((body: Partial<Pick<ContactView, 'vip' | 'notes'>>) => api<ContactView>('PATCH', `/api/v1/contacts/${contactId}`, body), touched);
  const unmerge = useAction((identityId: string) => api<{ contact: ContactView; split: ContactView }>('POST', `/api/v1/contacts/${contactId}/unmerge`, { identityId }), touched);

  if (q.error) return <aside id="customer-profile" className="contact" aria-label="Customer profile" onKeyDown={onKeyDown}>{close}<ErrorNote error={q.error} onRetry={() => void q.refetch()} /></aside>;
  if (!q.data) return <aside id="customer-profile" className="contact" aria-label="Customer profile" aria-busy="true" onKeyDown={onKeyDown}>{close}<Skeleton lines={6} /></aside>;
  const c = q.data;
  const reach = Math.max(0, ...c.identities.map((i) => i.followers ?? 0));
  const editable = can('contact:update');
  const draft = notes ?? c.notes;

  return (
    <aside id="customer-profile" className="contact" aria-label="Customer profile" onKeyDown={onKeyDown}>
      <div className="contact-head">
        <Avatar name={c.name ?? c.identities[0]?.handle ?? '?'} size={40} />
        <div>
          <h2>{c.name ?? c.identities[0]?.handle ?? 'Unknown'}</h2>
          <div className="muted small">{[c.email, reach ? `${reach.toLocaleString()} followers` : null].filter(Boolean).join(' · ')}</div>
        </div>
        {c.vip ? <Badge tone="warn">VIP</Badge> : null}
        {close}
      </div>
      {editable ? <label className="check"><input type="checkbox" checked={c.vip} onChange={(e) => patch.mutate({ vip: e.target.checked })} /> VIP customer</label> : null}

      <h3>Identities</h3>
      <ul className="identities">
        {c.identities.map((i) => (
          <li key={i.id}>
            <ChannelIcon kind={i.channelKind} /><span className="identity-name">{identityLabel(i)}</span>
            {i.followers !== null ? <span className="muted small">{i.followers.toLocaleString()}</span> : null}
            {can('contact:merge') && c.identities.length > 1 ? <Button size="sm" variant="ghost" className="move-out" aria-label={`Move ${identityLabel(i)} out to a new customer`} title="Unmerge: move this identity out to a new customer" onClick={() => setMoveOut(i)}>Move out</Button> : null}
          </li>
        ))}
      </ul>
      {can('contact:merge') ? <Button size="sm" variant="ghost" onClick={() => { setNotice(null); setMergeOpen(true); }}>Merge with…</Button> : null}
      {notice ? <p className="ok small" role="status">{notice}</p> : null}

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
      {Object.keys(c.attributes).length || c.crm ? (
        <>
          <h3>CRM</h3>
          {c.crm?.status === 'error' ? <p className="muted small" role="status">CRM look-up failed ({c.crm.error}); {c.crm.fetchedAt ? `fields as of ${timeAgo(c.crm.fetchedAt)}` : 'no fields fetched yet'}.</p> : null}
          <dl className="attrs">{Object.entries({ ...c.attributes, ...c.crm?.attributes }).slice(0, 50).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)}</dd></div>)}</dl>
        </>
      ) : null}

      <MergeDialog open={mergeOpen} target={c} onClose={() => setMergeOpen(false)} onMerged={(m) => setNotice(`Merged ${m.name ?? m.identities[0]?.handle ?? 'the duplicate'} into this customer.`)} />
      <Dialog open={!!moveOut} title="Move an identity out" onClose={() => { setMoveOut(null); unmerge.reset(); }} footer={<>
        <Button onClick={() => { setMoveOut(null); unmerge.reset(); }}>Cancel</Button>
        <Button variant="danger" disabled={!moveOut || unmerge.isPending} onClick={() => {
          if (!moveOut) return;
          const name = identityLabel(moveOut);
          unmerge.mutate(moveOut.id, { onSuccess: (r) => { setMoveOut(null); setNotice(`Moved ${name} out to a new customer with ${r.split.conversations.length} ${r.split.conversations.length === 1 ? 'conversation' : 'conversations'}.`); } });
        }}>Move out</Button>
      </>}>
        {moveOut ? <p><strong>{identityLabel(moveOut)}</strong> becomes a customer of its own, with the conversations only it wrote in. Conversations shared with other identities stay here.</p> : null}
        {unmerge.error ? <p className="form-error" role="alert">{errorMessage(unmerge.error)}</p> : null}
      </Dialog>
    </aside>
  );
}
