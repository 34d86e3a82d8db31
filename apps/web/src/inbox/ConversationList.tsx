import { useEffect, useRef, type CSSProperties } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ConversationView, UserView } from '../api/types';
import { ChannelIcon, Icon } from '../ui/Icon';
import { Avatar, Empty, ErrorNote, Skeleton, timeAgo } from '../ui/ui';
import { PriorityBadge, TriageBadges } from './Badges';
import { countdown, slaDue } from './sla';

interface Props {
  items: ConversationView[];
  selectedId: string | null;
  onOpen: (id: string) => void;
  users: Map<string, UserView>;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}

const ROW = 84;

/** Virtualised: only the rows on screen exist in the DOM, so 100k conversations scroll like 50. */
export function ConversationList({ items, selectedId, onOpen, users, loading, error, onRetry, hasMore, loadingMore, loadMore }: Props) {
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: items.length + (hasMore ? 1 : 0), getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 8 });
  const virtualItems = v.getVirtualItems();
  const lastIndex = virtualItems[virtualItems.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= items.length - 5) loadMore();
  }, [hasMore, loadingMore, lastIndex, items.length, loadMore]);

  const selectedIndex = items.findIndex((c) => c.id === selectedId);
  useEffect(() => { if (selectedIndex >= 0) v.scrollToIndex(selectedIndex, { align: 'auto' }); }, [selectedIndex, v]);

  if (error && !items.length) return <div className="list-pad"><ErrorNote error={error} onRetry={onRetry} /></div>;
  if (loading && !items.length) return <div className="list-pad" aria-busy="true">{Array.from({ length: 6 }, (_, i) => <Skeleton key={i} lines={2} className="row-skeleton" />)}</div>;
  if (!items.length) return <Empty title="Nothing here" >No conversations match this view and these filters.</Empty>;

  return (
    <div ref={parent} className="list-scroll" role="listbox" aria-label="Conversations" tabIndex={-1}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {virtualItems.map((vi) => {
          const c = items[vi.index];
          const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, height: vi.size, transform: `translateY(${vi.start}px)` };
          if (!c) return <div key="more" style={style} className="row row-more">{loadingMore ? 'Loading more…' : ''}</div>;
          return <Row key={c.id} c={c} selected={c.id === selectedId} onOpen={onOpen} assignee={c.assigneeId ? users.get(c.assigneeId) ?? null : null} style={style} />;
        })}
      </div>
    </div>
  );
}

function Row({ c, selected, onOpen, assignee, style }: { c: ConversationView; selected: boolean; onOpen: (id: string) => void; assignee: UserView | null; style: CSSProperties }) {
  const who = c.contact.name ?? c.contact.handle ?? 'Unknown customer';
  const due = slaDue(c);
  const unread = c.needsResponse && c.status !== 'resolved';
  return (
    <div style={style} role="option" aria-selected={selected} data-conversation-id={c.id}
      className={`row ${selected ? 'selected' : ''} ${unread ? 'needs' : ''} status-${c.status}`}
      onClick={() => onOpen(c.id)} onKeyDown={(e) => { if (e.key === 'Enter') onOpen(c.id); }} tabIndex={selected ? 0 : -1}>
      <div className="row-top">
        <ChannelIcon kind={c.channel.kind} />
        <span className="row-who" title={c.contact.handle ?? undefined}>{who}</span>
        {c.contact.vip ? <span className="vip" title="VIP">★</span> : null}
        <span className="row-time" title={c.lastActivityAt}>{timeAgo(c.lastActivityAt)}</span>
      </div>
      <div className="row-preview">{c.preview || c.subject || '(no text)'}</div>
      <div className="row-meta">
        {/* One line of whole labels: those that do not fit wrap onto a hidden second line, never cut mid-word. */}
        <span className="row-labels">
          <PriorityBadge priority={c.priority} />
          {c.status !== 'open' ? <span className={`status-pill st-${c.status}`}>{c.status}</span> : null}
          <TriageBadges triage={c.triage} compact />
          {due ? <span className={`sla ${due.breached ? 'breached' : ''}`} title={`SLA due ${new Date(due.at).toLocaleString()}`}><Icon name="clock" size={12} /> {countdown(due.at)}</span> : null}
        </span>
        <span className="row-assignee" title={assignee ? `Assigned to ${assignee.name}` : 'Unassigned'}>
          {assignee ? <Avatar name={assignee.name} size={18} /> : <span className="muted small">—</span>}
        </span>
      </div>
    </div>
  );
}
