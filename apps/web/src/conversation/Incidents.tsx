import { useDeferredValue, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { useIncident, useIncidentActions, useIncidentConversations, useOpenIncidents, type IncidentLinkView } from '../api/incidents';
import { inboxPath, navigate } from '../app/router';
import { useSession } from '../app/session';
import { ChannelIcon, Icon } from '../ui/Icon';
import { Badge, Button, Dialog, Skeleton, timeAgo } from '../ui/ui';
import { IncidentNotices } from './IncidentNotices';

/** The incidents this conversation is linked to, with a way to link, unlink and see the rest of each incident. */
export function IncidentBar({ conversationId, links }: { conversationId: string; links: IncidentLinkView[] }) {
  const { can } = useSession();
  const a = useIncidentActions(conversationId);
  const [linking, setLinking] = useState(false);
  const [showing, setShowing] = useState<IncidentLinkView | null>(null);
  const canLink = can('conversation:update');
  if (!links.length && !canLink) return null;
  return (
    <div className="incident-bar" aria-label="Incidents">
      {links.map((l) => (
        <span key={l.id} className={`incident-chip st-${l.status}`}>
          <Icon name="alert" size={13} />
          <button type="button" className="incident-open" onClick={() => setShowing(l)} title="Every conversation about this incident">{l.title}</button>
          {l.status === 'resolved' ? <Badge tone="good">resolved</Badge> : null}
          {canLink ? <button type="button" className="incident-x" aria-label={`Unlink from incident ${l.title}`} disabled={a.unlink.isPending} onClick={() => a.unlink.mutate(l.id)}>×</button> : null}
        </span>
      ))}
      {canLink ? <Button size="sm" variant="ghost" onClick={() => setLinking(true)}><Icon name="link" size={14} /> {links.length ? 'Link another incident…' : 'Link to incident…'}</Button> : null}
      {a.unlink.error ? <span className="form-error small" role="alert">{errorMessage(a.unlink.error)}</span> : null}
      <LinkIncidentDialog open={linking} conversationId={conversationId} linked={links.map((l) => l.id)} onClose={() => setLinking(false)} />
      {showing ? <IncidentDialog link={showing} conversationId={conversationId} onClose={() => setShowing(null)} /> : null}
    </div>
  );
}

function LinkIncidentDialog({ open, conversationId, linked, onClose }: { open: boolean; conversationId: string; linked: string[]; onClose: () => void }) {
  const a = useIncidentActions(conversationId);
  const [q, setQ] = useState('');
  const [title, setTitle] = useState('');
  const term = useDeferredValue(q);
  const list = useOpenIncidents(term, open);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => { if (open) input.current?.focus(); }, [open]);
  const close = () => { setQ(''); setTitle(''); a.link.reset(); onClose(); };
  const items = list.data?.items ?? [];
  return (
    <Dialog open={open} title="Link to an incident" onClose={close} footer={<Button onClick={close}>Cancel</Button>}>
      <label className="field"><span>Find an open incident</span>
        <input ref={input} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="e.g. payments, login" />
      </label>
      {list.error ? <p className="form-error" role="alert">{errorMessage(list.error)}</p>
        : !list.data ? <Skeleton lines={2} />
        : !items.length ? <p className="muted small" role="status">{term.trim() ? `No open incident matches “${term.trim()}”.` : 'No open incidents.'}</p>
        : (
          <ul className="match-list" aria-label="Open incidents">
            {items.map((i) => (
              <li key={i.id}>
                <button type="button" className="match" disabled={linked.includes(i.id) || a.link.isPending} aria-label={`Link to ${i.title}`} onClick={() => a.link.mutate({ incidentId: i.id }, { onSuccess: close })}>
                  <Icon name="alert" size={16} />
                  <span className="match-body"><span className="match-name">{i.title}</span><span className="muted small">{i.conversationCount} {i.conversationCount === 1 ? 'conversation' : 'conversations'} · declared {timeAgo(i.createdAt)} ago</span></span>
                  {linked.includes(i.id) ? <Badge>linked</Badge> : null}
                </button>
              </li>
            ))}
          </ul>
        )}
      <form className="declare" onSubmit={(e) => { e.preventDefault(); if (title.trim()) a.link.mutate({ title: title.trim() }, { onSuccess: close }); }}>
        <label className="field"><span>Or declare a new incident</span>
          <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="What is broken, e.g. “Card payments failing”" />
        </label>
        <Button type="submit" variant="primary" disabled={!title.trim() || a.link.isPending}>Declare and link</Button>
      </form>
      {a.link.error ? <p className="form-error" role="alert">{errorMessage(a.link.error)}</p> : null}
    </Dialog>
  );
}

/** One incident: every conversation linked to it (the inbox filtered by incident), and resolve/reopen. */
function IncidentDialog({ link, conversationId, onClose }: { link: IncidentLinkView; conversationId: string; onClose: () => void }) {
  const { can } = useSession();
  const incident = useIncident(link.id, true);
  const convs = useIncidentConversations(link.id, true);
  const a = useIncidentActions(conversationId);
  const status = incident.data?.status ?? link.status;
  return (
    <Dialog open title={`Incident: ${link.title}`} onClose={onClose} footer={<>
      {can('conversation:update') ? (
        <Button variant={status === 'open' ? 'primary' : 'secondary'} disabled={a.setStatus.isPending} onClick={() => a.setStatus.mutate({ id: link.id, status: status === 'open' ? 'resolved' : 'open' })}>
          {status === 'open' ? 'Resolve incident' : 'Reopen incident'}
        </Button>
      ) : null}
      <Button onClick={onClose}>Close</Button>
    </>}>
      <p className="muted small">
        <Badge tone={status === 'open' ? 'warn' : 'good'}>{status}</Badge>{' '}
        {incident.data ? `${incident.data.conversationCount} linked ${incident.data.conversationCount === 1 ? 'conversation' : 'conversations'} · declared ${timeAgo(incident.data.createdAt)} ago` : ''}
      </p>
      <p className="small">
        <a href={inboxPath(conversationId, link.id)} onClick={(e) => { e.preventDefault(); onClose(); navigate(inboxPath(conversationId, link.id)); }}>
          <Icon name="inbox" size={14} /> Show all conversations of this incident in the inbox
        </a>
      </p>
      {convs.error ? <p className="form-error" role="alert">{errorMessage(convs.error)}</p>
        : !convs.data ? <Skeleton lines={3} />
        : (
          <ul className="history incident-convs" aria-label="Conversations in this incident">
            {convs.data.items.map((c) => (
              <li key={c.id} className={c.id === conversationId ? 'current' : ''}>
                <a href={`/c/${c.id}`} onClick={(e) => { e.preventDefault(); onClose(); navigate(`/c/${c.id}`); }}>
                  <ChannelIcon kind={c.channel.kind} /><strong>{c.contact.name ?? c.contact.handle ?? 'Unknown'}</strong><span className="history-preview">{c.preview || '(no text)'}</span>
                </a>
                <span className={`status-pill st-${c.status}`}>{c.status}</span>
              </li>
            ))}
          </ul>
        )}
      {a.setStatus.error ? <p className="form-error" role="alert">{errorMessage(a.setStatus.error)}</p> : null}
      <IncidentNotices incidentId={link.id} open={status === 'open'} />
    </Dialog>
  );
}
