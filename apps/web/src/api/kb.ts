import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import type { KbArticlePage, KbArticleStatus, KbArticleSummary, KbArticleView, KbSuggestion, KbSuggestions } from '@earshot/domain';
import { api, qs } from './client';
import { useAction } from './hooks';

export type { KbArticlePage, KbArticleStatus, KbArticleSummary, KbArticleView, KbSuggestion, KbSuggestions };

export interface KbArticleInput { title: string; slug?: string; body: string; tags: string[]; status?: KbArticleStatus }

const kbKeys = {
  all: ['kb'] as const,
  list: (q: string, status: string) => ['kb', 'list', q, status] as const,
  one: (id: string) => ['kb', 'one', id] as const,
  suggestions: (conversationId: string) => ['kb', 'suggestions', conversationId] as const,
};

/** Articles, newest edit first, or best match first when `q` is given; pages follow the cursor. */
export function useKbArticles(q: string, status: KbArticleStatus | '') {
  const term = q.trim();
  return useInfiniteQuery({
    queryKey: kbKeys.list(term, status),
    initialPageParam: null as string | null,
    placeholderData: keepPreviousData,
    queryFn: ({ pageParam, signal }) => api<KbArticlePage>('GET', `/api/v1/kb/articles${qs({ q: term, status, cursor: pageParam, limit: 25 })}`, undefined, { signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useKbArticle(id: string | null) {
  return useQuery({ queryKey: kbKeys.one(id ?? ''), enabled: !!id, queryFn: ({ signal }) => api<KbArticleView>('GET', `/api/v1/kb/articles/${id}`, undefined, { signal }) });
}

/** The server's rendering of the Markdown (the same the public page uses). */
export function useKbPreview(body: string, enabled: boolean) {
  return useQuery({
    queryKey: ['kb', 'preview', body], enabled, staleTime: Infinity, placeholderData: keepPreviousData,
    queryFn: ({ signal }) => api<{ html: string }>('POST', '/api/v1/kb/preview', { body }, { signal }),
  });
}

/** Published articles for the customer's latest question(s); refreshed when the conversation changes. */
export function useKbSuggestions(conversationId: string, lastActivityAt: string, enabled: boolean) {
  return useQuery({
    queryKey: [...kbKeys.suggestions(conversationId), lastActivityAt], enabled, staleTime: 60_000, placeholderData: keepPreviousData,
    queryFn: ({ signal }) => api<KbSuggestions>('GET', `/api/v1/conversations/${conversationId}/kb-suggestions`, undefined, { signal }),
  });
}

export function useKbActions() {
  const qc = useQueryClient();
  const touched = () => [kbKeys.all];
  // The editor shows the saved article at once (a new one keeps its editor open under its id).
  const keep = (a: KbArticleView) => { qc.setQueryData(kbKeys.one(a.id), a); return a; };
  return {
    create: useAction((v: KbArticleInput) => api<KbArticleView>('POST', '/api/v1/kb/articles', v).then(keep), touched),
    update: useAction((v: { id: string; patch: Partial<KbArticleInput> }) => api<KbArticleView>('PATCH', `/api/v1/kb/articles/${v.id}`, v.patch).then(keep), touched),
    remove: useAction((id: string) => api<{ ok: true }>('DELETE', `/api/v1/kb/articles/${id}`), () => [['kb', 'list'], ['kb', 'suggestions']]),
  };
}

/** The public link an agent puts in a reply (the desk and the public pages share one origin). */
export function articleUrl(path: string): string {
  return new URL(path, window.location.origin).href;
}
