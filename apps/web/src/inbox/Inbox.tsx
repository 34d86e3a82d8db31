import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useConversationActions, useInbox, useUsers } from '../api/hooks';
import type { InboxFilters, SortName, ViewName } from '../api/types';
import { inboxPath, navigate } from '../app/router';
import { ConversationPane } from '../conversation/ConversationPane';
import { Icon } from '../ui/Icon';
import { Button, Empty } from '../ui/ui';
import { readFilters, writeFilters } from './address';
import { ConversationList } from './ConversationList';
import { activeFilterCount, DEFAULT_FILTERS, FilterBar, SearchBar, STATUSES } from './Filters';

const VIEWS: { id: ViewName; label: string }[] = [
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'my_teams', label: 'My teams' },
  { id: 'all', label: 'All' },
  { id: 'needs_response', label: 'Needs response' },
  { id: 'mentions_needing_response', label: 'Mentions needing response' },
];
const VIEW_TITLES: Partial<Record<ViewName, string>> = {
  needs_response: 'Open conversations whose customer wrote last and nobody has answered since, that triage says need a response',
  mentions_needing_response: 'Public posts and comments, still open, that triage says need a response and nobody has answered yet',
};

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function Inbox({ conversationId, incidentId, onHelp }: { conversationId: string | null; incidentId: string | null; onHelp: () => void }) {
  // The view, filters, search and sort start from the address, so a reload keeps them (inbox/address.ts).
  const [own, setOwn] = useState<InboxFilters>(() => {
    const f = readFilters(window.location.search, DEFAULT_FILTERS);
    return incidentId && !new URLSearchParams(window.location.search).has('status') ? { ...f, status: [...STATUSES] } : f;
  });
  // An incident's conversations are shown in every status (as its dialog lists them); removing the
  // incident filter brings back the statuses chosen before.
  const [incidentSeen, setIncidentSeen] = useState(incidentId);
  const [statusBefore, setStatusBefore] = useState<string[]>(DEFAULT_FILTERS.status);
  if (incidentId !== incidentSeen) {
    setIncidentSeen(incidentId);
    if (incidentId && !incidentSeen) { setStatusBefore(own.status); setOwn((f) => ({ ...f, status: [...STATUSES] })); }
    if (!incidentId) setOwn((f) => ({ ...f, status: statusBefore }));
  }
  const filters = useMemo(() => ({ ...own, incidentId: incidentId ?? '' }), [own, incidentId]);
  const [showFilters, setShowFilters] = useState(false);
  const [sortBefore, setSortBefore] = useState<SortName>('recent');
  // Typing in search does not refetch on every key: the list follows the deferred value.
  const deferredQ = useDeferredValue(filters.q);
  const query = useMemo(() => ({ ...filters, q: deferredQ }), [filters, deferredQ]);
  const inbox = useInbox(query);
  const users = useUsers();
  const userMap = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const items = useMemo(() => inbox.data?.pages.flatMap((p) => p.items) ?? [], [inbox.data]);
  // The incident filter lives in the address (a link can open the inbox filtered by it); the rest here.
  const set = useCallback((p: Partial<InboxFilters>) => {
    const { incidentId: incident, ...rest } = p;
    if (incident !== undefined) navigate(inboxPath(conversationId, incident || null));
    setOwn((f) => ({ ...f, ...rest }));
  }, [conversationId]);
  const open = useCallback((id: string) => navigate(inboxPath(id, incidentId)), [incidentId]);
  const actions = useConversationActions(conversationId ?? '');
  // …and the address follows them (replaced, not pushed: a filter change is not a step back).
  useEffect(() => {
    // With an incident every status is the default (its conversations are listed in all of them).
    const want = writeFilters(window.location.search, own, incidentId ? { ...DEFAULT_FILTERS, status: [...STATUSES] } : DEFAULT_FILTERS);
    if (want !== window.location.search) navigate(window.location.pathname + want, { replace: true });
  });
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
        case 'o': document.getElementById('availability-select')?.focus(); break;
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
          // Leaving Breaching soon (All in deadline order) for any view goes back to the order chosen before it.
          const pick = () => set(breaching ? { view: v.id, sort: sortBefore } : { view: v.id });
          return <button key={v.id} type="button" className={`view ${on ? 'on' : ''}`} aria-pressed={on} title={VIEW_TITLES[v.id]} onClick={pick}>{v.label}</button>;
        })}
        <button type="button" className={`view ${breaching ? 'on' : ''}`} aria-pressed={breaching}
          title="Open and pending, the nearest SLA deadline first (breached ones on top)"
          onClick={() => { if (!breaching) setSortBefore(filters.sort === 'sla_due' ? 'recent' : filters.sort); set({ view: 'all', sort: 'sla_due', status: ['open', 'pending'] }); }}>Breaching soon</button>
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
      {conversationId ? <Button className="back" size="sm" onClick={() => navigate(inboxPath(null, incidentId))}><Icon name="inbox" /> Back to list</Button> : null}
    </div>
  );
}
