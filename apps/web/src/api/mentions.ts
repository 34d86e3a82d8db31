import { useInfiniteQuery } from '@tanstack/react-query';
import type { MentionPage, MentionView } from '@earshot/domain';
import { api, qs } from './client';
import { useAction } from './hooks';

export type { MentionPage, MentionView };

export const mentionKeys = { all: ['mentions'] as const, list: ['mentions', 'list'] as const };

/** My @mentions, newest first; the first page also carries the unread count for the header. */
export function useMentions(enabled: boolean) {
  return useInfiniteQuery({
    queryKey: mentionKeys.list,
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => api<MentionPage>('GET', `/api/v1/mentions${qs({ cursor: pageParam, limit: 20 })}`, undefined, { signal }),
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 30_000,
  });
}

/** Marks the given notes' mentions of me read (all of them without ids). One API call. */
export function useMarkMentionsRead() {
  return useAction((messageIds: string[] | null) => api<{ unread: number }>('POST', '/api/v1/mentions/read', messageIds ? { messageIds } : {}), () => [mentionKeys.all]);
}
