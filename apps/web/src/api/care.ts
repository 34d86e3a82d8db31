import { useQuery } from '@tanstack/react-query';
import type { CareTaskView, CsatSurveyView, FollowupPolicyInput, FollowupPolicyView, FollowupView, NoticeBatchView, NoticeView } from '@earshot/domain';
import { api } from './client';
import { keys, useAction } from './hooks';

export type { CareTaskView, CsatSurveyView, FollowupPolicyView, FollowupView, NoticeBatchView, NoticeView };
export interface Care { surveys: CsatSurveyView[]; tasks: CareTaskView[]; followups: FollowupView[] }

export function useFollowupPolicies() {
  return useQuery({ queryKey: ['followup-policies'], queryFn: ({ signal }) => api<{ items: FollowupPolicyView[] }>('GET', '/api/v1/followup-policies', undefined, { signal }) });
}

export function useSetFollowupPolicy() {
  return useAction((p: Partial<FollowupPolicyInput> & { waitHours: number }) => api<{ items: FollowupPolicyView[] }>('PUT', '/api/v1/followup-policies', p), () => [['followup-policies']]);
}

/** What happened after this conversation was resolved: follow-ups, surveys, tasks. */
export function useConversationCare(id: string, version: unknown) {
  return useQuery({ queryKey: ['care', id, version], queryFn: ({ signal }) => api<Care>('GET', `/api/v1/conversations/${id}/care`, undefined, { signal }) });
}

export function useCompleteTask(conversationId: string) {
  return useAction((v: { id: string; outcome: string }) => api<CareTaskView>('POST', `/api/v1/tasks/${v.id}/complete`, { outcome: v.outcome }), () => [['care', conversationId], keys.conversation(conversationId)]);
}

/** An incident's updates with their progress; polled while any notice is still on its way. */
export function useIncidentNotices(incidentId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['incident-notices', incidentId],
    enabled,
    queryFn: ({ signal }) => api<{ items: NoticeBatchView[] }>('GET', `/api/v1/incidents/${incidentId}/notices`, undefined, { signal }),
    refetchInterval: (q) => (q.state.data?.items.some((b) => b.progress.queued > 0) ? 1000 : false),
  });
}

export function useBatchNotices(batchId: string | null) {
  return useQuery({
    queryKey: ['batch-notices', batchId],
    enabled: !!batchId,
    queryFn: ({ signal }) => api<{ items: NoticeView[] }>('GET', `/api/v1/notice-batches/${batchId ?? ''}/notices?limit=200`, undefined, { signal }),
  });
}

export function useNoticeActions(incidentId: string) {
  const touched = () => [['incident-notices', incidentId], ['incidents'], ['conversations'], ['batch-notices']];
  return {
    post: useAction((v: { text: string; resolve: boolean; idempotencyKey: string }) => api<NoticeBatchView>('POST', `/api/v1/incidents/${incidentId}/notices`, v), touched),
    retry: useAction((batchId: string) => api<NoticeBatchView>('POST', `/api/v1/notice-batches/${batchId}/retry`, {}), touched),
  };
}
