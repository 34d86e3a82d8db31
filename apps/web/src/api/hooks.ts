import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { api, qs } from './client';
import type {
  AuditEvent, CannedView, ChannelView, ContactView, ConversationDetail, ConversationPage, ConversationView, InboxFilters, Me, MessageView,
  PresenceEntry, RepeatCount, TeamView, TokenView, UserView,
} from './types';
import type { DeskSettings } from '@earshot/domain';

export const keys = {
  me: ['me'] as const,
  inbox: (f: InboxFilters) => ['conversations', f] as const,
  conversation: (id: string) => ['conversation', id] as const,
  contact: (id: string) => ['contact', id] as const,
  presence: (id: string) => ['presence', id] as const,
  users: ['users'] as const,
  teams: ['teams'] as const,
  channels: ['channels'] as const,
  tokens: ['tokens'] as const,
  canned: ['canned'] as const,
  audit: (subjectId: string) => ['audit', subjectId] as const,
  deskSettings: ['desk-settings'] as const,
};

export const PAGE_SIZE = 50;
export function useInbox(f: InboxFilters) {
  return useInfiniteQuery({
    queryKey: keys.inbox(f),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => api<ConversationPage>('GET', `/api/v1/conversations${qs({
      view: f.view, status: f.status, priority: f.priority, channelKind: f.channelKind, sentiment: f.sentiment, topic: f.topic, language: f.language,
      tag: f.tag, assigneeId: f.assigneeId, teamId: f.teamId, incidentId: f.incidentId, q: f.q.trim(), sort: f.sort, cursor: pageParam, limit: PAGE_SIZE,
    })}`, undefined, { signal }),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (prev) => prev,
  });
}

export function useConversation(id: string | null) {
  return useQuery({ queryKey: keys.conversation(id ?? ''), enabled: !!id, queryFn: ({ signal }) => api<ConversationDetail>('GET', `/api/v1/conversations/${id}`, undefined, { signal }) });
}
export function useContact(id: string | null | undefined) {
  return useQuery({ queryKey: keys.contact(id ?? ''), enabled: !!id, queryFn: ({ signal }) => api<ContactView>('GET', `/api/v1/contacts/${id}`, undefined, { signal }) });
}
export function usePresence(id: string | null) {
  return useQuery({ queryKey: keys.presence(id ?? ''), enabled: !!id, refetchInterval: 15_000, queryFn: () => api<{ items: PresenceEntry[] }>('GET', `/api/v1/conversations/${id}/presence`).then((r) => r.items) });
}
export function useAuditFor(id: string | null, enabled: boolean) {
  return useQuery({ queryKey: keys.audit(id ?? ''), enabled: !!id && enabled, queryFn: () => api<{ items: AuditEvent[] }>('GET', `/api/v1/audit${qs({ subjectId: id, limit: 200 })}`).then((r) => r.items) });
}

const list = <T,>(path: string) => () => api<{ items: T[] }>('GET', path).then((r) => r.items);
export const useUsers = (enabled = true) => useQuery({ queryKey: keys.users, queryFn: list<UserView>('/api/v1/users'), staleTime: 60_000, enabled });
export const useDeskSettings = (enabled = true) => useQuery({ queryKey: keys.deskSettings, queryFn: () => api<DeskSettings>('GET', '/api/v1/desk-settings'), staleTime: 60_000, enabled });
export const useTeams = (enabled = true) => useQuery({ queryKey: keys.teams, queryFn: list<TeamView>('/api/v1/teams'), staleTime: 60_000, enabled });
export const useChannels = (enabled = true) => useQuery({ queryKey: keys.channels, queryFn: list<ChannelView>('/api/v1/channels'), staleTime: 60_000, enabled });
export const useTokens = (enabled = true) => useQuery({ queryKey: keys.tokens, queryFn: list<TokenView>('/api/v1/tokens'), enabled });
export const useCanned = (enabled = true) => useQuery({ queryKey: keys.canned, queryFn: list<CannedView>('/api/v1/canned-responses'), staleTime: 60_000, enabled });

export function useRepeats(text: string, enabled: boolean) {
  const t = text.trim();
  return useQuery({ queryKey: ['repeats', t], enabled: enabled && t.length >= 12, staleTime: 30_000, queryFn: () => api<RepeatCount>('GET', `/api/v1/replies/repeats${qs({ text: t })}`) });
}

/** A write that refreshes what it touched. Every desk action is exactly one API call. */
export function useAction<TVars, TResult = unknown>(fn: (v: TVars) => Promise<TResult>, invalidate: (v: TVars) => QueryKey[]) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: async (_d, _e, v) => { await Promise.all(invalidate(v).map((queryKey) => qc.invalidateQueries({ queryKey }))); },
  });
}

export function useConversationActions(id: string) {
  const touched = (): QueryKey[] => [keys.conversation(id), ['conversations']];
  const post = <T,>(path: string, body?: unknown) => api<T>('POST', `/api/v1/conversations/${id}${path}`, body ?? {});
  return {
    assign: useAction((assigneeId: string | null) => post<ConversationView>('/assign', { assigneeId }), touched),
    status: useAction((v: { status: ConversationView['status']; snoozedUntil?: string }) => post<ConversationView>('/status', v), touched),
    priority: useAction((priority: ConversationView['priority']) => post<ConversationView>('/priority', { priority }), touched),
    tags: useAction((tags: string[]) => post<ConversationView>('/tags', { tags }), touched),
    note: useAction((v: { text: string; mentions: string[] }) => post<MessageView>('/notes', v.mentions.length ? v : { text: v.text }), touched),
    reply: useAction((v: { text: string; visibility: 'public' | 'private'; idempotencyKey: string; allowPersonalData?: boolean }) => post<MessageView>('/replies', v), touched),
    approve: useAction((messageId: string) => post<MessageView>(`/messages/${messageId}/approve`), touched),
    transfer: useAction((v: { teamId: string; note: string }) => post<ConversationView>('/transfer', v), touched),
    correct: useAction((v: { messageId: string; label: string; value: string | boolean }) => post<unknown>(`/messages/${v.messageId}/corrections`, { label: v.label, value: v.value }), touched),
  };
}

export type { Me };
