import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { IncidentLinkView, IncidentPage, IncidentView } from '@earshot/domain';
import { api, qs } from './client';
import { keys, useAction } from './hooks';
import type { ConversationPage } from './types';

export type { IncidentLinkView, IncidentPage, IncidentView };

/** Open incidents whose title contains the text, newest first. */
export function useOpenIncidents(q: string, enabled: boolean) {
  const term = q.trim();
  return useQuery({
    queryKey: ['incidents', 'open', term],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => api<IncidentPage>('GET', `/api/v1/incidents${qs({ status: 'open', q: term, limit: 20 })}`, undefined, { signal }),
  });
}

export function useIncident(id: string, enabled: boolean) {
  return useQuery({ queryKey: ['incidents', 'one', id], enabled, queryFn: ({ signal }) => api<IncidentView>('GET', `/api/v1/incidents/${id}`, undefined, { signal }) });
}

/** The inbox filtered by incident: every conversation linked to it, whatever its status. */
export function useIncidentConversations(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['conversations', { incidentId: id }],
    enabled,
    queryFn: ({ signal }) => api<ConversationPage>('GET', `/api/v1/conversations${qs({ incidentId: id, status: ['open', 'pending', 'snoozed', 'resolved'], limit: 100 })}`, undefined, { signal }),
  });
}

export function useIncidentActions(conversationId: string) {
  const touched = () => [keys.conversation(conversationId), ['incidents'], ['conversations'], ['audit', conversationId]];
  const path = `/api/v1/conversations/${conversationId}/incidents`;
  return {
    link: useAction((target: { incidentId: string } | { title: string }) => api<{ items: IncidentLinkView[] }>('POST', path, target), touched),
    unlink: useAction((incidentId: string) => api<{ items: IncidentLinkView[] }>('DELETE', `${path}/${incidentId}`), touched),
    setStatus: useAction((v: { id: string; status: 'open' | 'resolved' }) => api<IncidentView>('PATCH', `/api/v1/incidents/${v.id}`, { status: v.status }), touched),
  };
}
