import { useCallback, useEffect, useRef } from 'react';
import { api } from '../api/client';

const BEAT_MS = 10_000;
const TYPING_IDLE_MS = 4_000;

/**
 * Tells the server (and through it, colleagues) that this agent is viewing the conversation,
 * typing in it, or gone. Pings repeat within the server's TTL; a closed tab simply stops pinging.
 */
export function usePresenceBeacon(conversationId: string): { typing: () => void } {
  const state = useRef<'viewing' | 'typing'>('viewing');
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastTypingPing = useRef(0);
  const send = useCallback((s: 'viewing' | 'typing' | 'left') => {
    void api('POST', `/api/v1/conversations/${conversationId}/presence`, { state: s }).catch(() => undefined);
  }, [conversationId]);

  useEffect(() => {
    send('viewing');
    const beat = setInterval(() => send(state.current), BEAT_MS);
    const leave = () => send('left');
    window.addEventListener('pagehide', leave);
    return () => {
      clearInterval(beat);
      if (idle.current) clearTimeout(idle.current);
      window.removeEventListener('pagehide', leave);
      send('left');
    };
  }, [send]);

  const typing = useCallback(() => {
    const now = Date.now();
    if (state.current !== 'typing' || now - lastTypingPing.current > BEAT_MS / 2) { state.current = 'typing'; lastTypingPing.current = now; send('typing'); }
    if (idle.current) clearTimeout(idle.current);
    idle.current = setTimeout(() => { state.current = 'viewing'; send('viewing'); }, TYPING_IDLE_MS);
  }, [send]);
  return { typing };
}
