import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useCapabilities, useConversationActions, useInbox, useUsers } from '../api/hooks';
import type { InboxFilters, ViewName } from '../api/types';
import { navigate } from '../app/router';
import { ConversationPane } from '../conversation/ConversationPane';
import { Icon } from '../ui/Icon';
import { Button, Empty } from '../ui/ui';
import { ConversationList } from './ConversationList';
import { activeFilterCount, DEFAULT_FILTERS, FilterBar, SearchBar } from './Filters';

const VIEWS: { id: ViewName; label: string }[] = [
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'my_teams', label: 'My teams' },
  { id: 'all', label: 'All' },
  { id: 'needs_response', label: 'Needs response' },
];

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function Inbox({ conversationId, onHelp }: { conversationId: string | null; onHelp: () => void }) {
  const [filters, setFilters] = useState<InboxFilters>(DEFAULT_FILTERS);
  const [showFilters, setShowFilters] = useState(false);
  const caps = useCapabilities();
  // Typing in search does not refetch on every key: the list follows the deferred value.
  const deferredQ = useDeferredValue(filters.q);
  const query = useMemo(() => ({ ...filters, q: deferredQ }), [filters, deferredQ]);
  const inbox = useInbox(query);
  const users = useUsers();
  const userMap = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const items = useMemo(() => inbox.data?.pages.flatMap((p) => p.items) ?? [], [inbox.data]);
  const set = useCallback((p: Partial<InboxFilters>) => setFilters((f) => ({ ...f, ...p })), []);
  const open = useCallback((id: string) => navigate(`/c/${id}`), []);
  const actions = useConversationActions(conversationId ?? '');
  const { fetchNextPage, hasNextPage, isFetchingNextPage } = inbox;
  const loadMore = useCallback(() => { void fetchNextPage(); }, [fetchNextPage]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const idx = items.findIndex((c) => c.id === conversationId);
      const go = (i: number) => { const c = items[Math.max(0, Math.min(items.length - 1, i))]; if (c) open(c.id); };
      switch (e.key) {
        case 'j': go(idx + 1); break;
        case 'k': go(idx < 0 ? 0 : idx - 1); break;
        case 'e': if (conversationId) actions.status.mutate({ status: 'resolved' }); break;
        case 'r': document.getElementById('composer-text')?.focus(); break;
        case 'a': document.getElementById('assign-select')?.focus(); break;
        case '/': document.getElementById('inbox-search')?.focus(); break;
        case '?': onHelp(); break;
        default: return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, conversationId, open, actions.status, onHelp]);

  const nFilters = activeFilterCount(filters);
  // "Breaching soon" is the whole queue in SLA-deadline order.
  const breaching = filters.view === 'all' && filters.sort === 'sla_due';
  return (
    <div className={`inbox ${conversationId ? 'has-open' : ''}`}>
      <nav className="views" aria-label="Views">
        <h2 className="views-title">Views</h2>
        {VIEWS.map((v) => {
          const on = filters.view === v.id && !breaching;
          // Leaving Breaching soon for All goes back to the usual order.
          const pick = () => set(v.id === 'all' && breaching ? { view: v.id, sort: 'recent' } : { view: v.id });
          return <button key={v.id} type="button" className={`view ${on ? 'on' : ''}`} aria-pressed={on} onClick={pick}>{v.label}</button>;
        })}
        <button type="button" className={`view ${breaching ? 'on' : ''}`} aria-pressed={breaching} disabled={!caps.slaPolicy}
          title={caps.slaPolicy ? 'Open and pending, the nearest SLA deadline first (breached ones on top)' : 'Arrives with SLA policies on this server'}
          onClick={() => set({ view: 'all', sort: 'sla_due', status: ['open', 'pending'] })}>Breaching soon</button>
      </nav>
      <section className="listcol" aria-label="Conversation list">
        <div className="list-head">
          <SearchBar value={filters.q} onChange={(q) => set({ q })} />
          <Button size="sm" variant={nFilters ? 'primary' : 'secondary'} aria-expanded={showFilters} onClick={() => setShowFilters((s) => !s)}>Filters{nFilters ? ` · ${nFilters}` : ''}</Button>
        </div>
        <FilterBar f={filters} set={set} open={showFilters} />
        <ConversationList items={items} selectedId={conversationId} onOpen={open} users={userMap} loading={inbox.isPending} error={inbox.error} onRetry={() => void inbox.refetch()}
          hasMore={!!hasNextPage} loadingMore={isFetchingNextPage} loadMore={loadMore} />
      </section>
      <section className="convcol" aria-label="Conversation">
        {conversationId ? <ConversationPane key={conversationId} id={conversationId} /> : (
          <Empty icon="inbox" title="Pick a conversation">Use <kbd>j</kbd> and <kbd>k</kbd> to move through the queue, <kbd>?</kbd> for all shortcuts.</Empty>
        )}
      </section>
      {conversationId ? <Button className="back" size="sm" onClick={() => navigate('/')}><Icon name="inbox" /> Back to list</Button> : null}
    </div>
  );
}
