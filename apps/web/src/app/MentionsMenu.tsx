import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { useMarkMentionsRead, useMentions, type MentionView } from '../api/mentions';
import { ChannelIcon, Icon } from '../ui/Icon';
import { Button, Empty, ErrorNote, Skeleton, timeAgo } from '../ui/ui';
import { navigate } from './router';

/** Header button with my unread @mentions, and the list of notes that mention me. */
export function MentionsMenu({ enabled }: { enabled: boolean }) {
  const q = useMentions(enabled);
  const markRead = useMarkMentionsRead();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const unread = q.data?.pages[0]?.unread ?? 0;
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => { if (root.current && !root.current.contains(e.target as Node)) setOpen(false); };
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') { setOpen(false); root.current?.querySelector<HTMLButtonElement>('.mentions-toggle')?.focus(); } };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', esc);
    return () => { document.removeEventListener('mousedown', away); document.removeEventListener('keydown', esc); };
  }, [open]);

  const openMention = (m: MentionView) => {
    if (!m.readAt) markRead.mutate([m.messageId]);
    setOpen(false);
    navigate(`/c/${m.conversationId}`);
  };

  if (!enabled) return null;
  return (
    <div className="mentions-menu" ref={root}>
      <Button variant="ghost" size="sm" className="mentions-toggle" aria-expanded={open} aria-controls="mentions-panel" aria-label={unread ? `Mentions, ${unread} unread` : 'Mentions'} onClick={() => setOpen((o) => !o)}>
        <Icon name="at" /><span className="mentions-label">Mentions</span>{unread ? <span className="count-badge" aria-hidden="true">{unread > 99 ? '99+' : unread}</span> : null}
      </Button>
      {open ? (
        <section id="mentions-panel" className="popover mentions-panel" role="dialog" aria-label="Notes that mention you">
          <header className="popover-head">
            <h2>Mentions</h2>
            <Button size="sm" variant="ghost" disabled={!unread || markRead.isPending} onClick={() => markRead.mutate(null)}>Mark all read</Button>
          </header>
          {q.error ? <ErrorNote error={q.error} onRetry={() => void q.refetch()} />
            : !q.data ? <Skeleton lines={4} />
            : !items.length ? <Empty icon="at" title="No mentions yet">When a colleague @mentions you in a note, it shows up here.</Empty>
            : (
              <ul className="mention-list">
                {items.map((m) => (
                  <li key={m.messageId}>
                    <button type="button" className={`mention-item ${m.readAt ? '' : 'unread'}`} onClick={() => openMention(m)}>
                      <span className="mention-meta">
                        <ChannelIcon kind={m.channelKind} />
                        <strong>{m.author?.name ?? 'Someone'}</strong>
                        <span className="muted">on {m.contact.name ?? m.contact.handle ?? 'a conversation'}</span>
                        <time className="muted small" dateTime={m.createdAt}>{timeAgo(m.createdAt)}</time>
                      </span>
                      <span className="mention-text">{m.text}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          {q.hasNextPage ? <Button size="sm" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>Show older</Button> : null}
          {markRead.error ? <p className="form-error small" role="alert">{errorMessage(markRead.error)}</p> : null}
        </section>
      ) : null}
    </div>
  );
}
