import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import { useAction } from './hooks';

export type CommunityStatus = 'visible' | 'held' | 'hidden';
export interface CommunityPost { type: 'question' | 'answer' | 'comment'; id: string; questionId: string; questionTitle: string; body: string; status: CommunityStatus; heldReason: string | null; authorName: string; memberId: string | null; createdAt: string; reports: { id: string; reason: string; createdAt: string }[] }
export interface CommunityQuestion { id: string; title: string; excerpt: string; tags: string[]; status: CommunityStatus; locked: boolean; answered: boolean; acceptedAnswerId: string | null; escalatedAt: string | null; kbArticleId: string | null; score: number; answers: number; authorName: string; createdAt: string; path: string }

const keys = { queue: ['community', 'queue'] as const, questions: ['community', 'questions'] as const };

export function useModerationQueue() {
  return useQuery({ queryKey: keys.queue, queryFn: ({ signal }) => api<{ items: CommunityPost[] }>('GET', '/api/v1/community/moderation', undefined, { signal }) });
}

export function useCommunityQuestions() {
  return useQuery({ queryKey: keys.questions, queryFn: ({ signal }) => api<{ items: CommunityQuestion[] }>('GET', '/api/v1/community/questions?limit=50', undefined, { signal }) });
}

const all = () => [['community']];

export function useCommunityActions() {
  return {
    moderate: useAction((v: { type: CommunityPost['type']; id: string; action: string }) => api<unknown>('POST', `/api/v1/community/${v.type}s/${v.id}/moderate`, { action: v.action }), all),
    dismiss: useAction((reportId: string) => api<unknown>('POST', `/api/v1/community/reports/${reportId}/resolve`, {}), all),
    promote: useAction((questionId: string) => api<{ articleId: string; created: boolean }>('POST', `/api/v1/community/questions/${questionId}/promote`, {}), () => [['community'], ['kb']]),
  };
}
