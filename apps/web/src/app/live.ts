import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/hooks';
import { DESK_EVENT_TYPES } from '@earshot/domain/events';
import type { DeskEvent, PresenceEntry } from '../api/types';


export interface LiveOptions {
  /** The signed-in user: notes that @mention them refresh their Mentions and call onMention. */
  userId?: string | null;
  onMention?: (e: DeskEvent) => void;
}

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Live desk: one EventSource per tab. Events carry ids only, so the desk refetches what they
 * touch: the conversation itself at once, the inbox lists batched (a burst of inbound messages
 * is one refetch, not fifty).
 */
export function useLiveEvents(enabled: boolean, opts: LiveOptions = {}): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Kept in a ref so a new callback does not reopen the stream.
  const latest = useRef(opts);
  useEffect(() => { latest.current = opts; });

  useEffect(() => {
    if (!enabled) return;
    const es = new EventSource('/api/v1/events');
    const refreshLists = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => { pending.current = null; void qc.invalidateQueries({ queryKey: ['conversations'] }); }, 150);
    };
    const onEvent = (msg: MessageEvent<string>) => {
      let e: DeskEvent;
      try { e = JSON.parse(msg.data) as DeskEvent; } catch { return; }
      if (e.type === 'presence.updated') {
        if (!e.conversationId || !e.userId) return;
        const raw = e.data?.state;
        const state: PresenceEntry['state'] | null = raw === 'viewing' || raw === 'typing' ? raw : null;
        const entry: PresenceEntry | null = state ? { userId: e.userId, name: typeof e.data?.name === 'string' ? e.data.name : 'Someone', state, at: e.at } : null;
        qc.setQueryData<PresenceEntry[]>(keys.presence(e.conversationId), (prev = []) => {
          const rest = prev.filter((p) => p.userId !== e.userId);
          return entry ? [...rest, entry].sort((a, b) => a.name.localeCompare(b.name)) : rest;
        });
        return;
      }
      const me = latest.current.userId;
      if (e.type === 'mention.read') {
        if (me && e.userId === me) void qc.invalidateQueries({ queryKey: ['mentions'] });
        return;
      }
      if (e.type === 'incident.updated') {
        void qc.invalidateQueries({ queryKey: ['incidents'] });
        void qc.invalidateQueries({ queryKey: ['conversation'] });
      }
      const mentioned = e.data?.mentionedUserIds;
      if (e.type === 'conversation.note_added' && me && Array.isArray(mentioned) && mentioned.includes(me)) {
        void qc.invalidateQueries({ queryKey: ['mentions'] });
        latest.current.onMention?.(e);
      }
      if (e.conversationId) {
        void qc.invalidateQueries({ queryKey: keys.conversation(e.conversationId) });
        void qc.invalidateQueries({ queryKey: ['audit', e.conversationId] });
      }
      refreshLists();
    };
    // Every name the server publishes (one list with the server: packages/domain/src/events.ts).
    for (const t of DESK_EVENT_TYPES) es.addEventListener(t, onEvent);
    es.onmessage = onEvent;
    es.onopen = () => setState('live');
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    return () => {
      es.close();
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    };
  }, [enabled, qc]);
  return enabled ? state : 'offline';
}
