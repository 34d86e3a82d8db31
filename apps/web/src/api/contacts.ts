import { useInfiniteQuery } from '@tanstack/react-query';
import type { ContactMatch, ContactMatchPage } from '@earshot/domain';
import { api, qs } from './client';

export type { ContactMatch, ContactMatchPage };

/** The brand's customers matching a name, handle or email (for "Merge with…"), by name, paged. */
export function useContactSearch(q: string, excludeId: string, enabled: boolean) {
  const term = q.trim();
  return useInfiniteQuery({
    queryKey: ['contacts', 'search', term, excludeId],
    enabled: enabled && term.length > 0,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => api<ContactMatchPage>('GET', `/api/v1/contacts${qs({ q: term, excludeId, cursor: pageParam, limit: 10 })}`, undefined, { signal }),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (prev) => prev,
  });
}
