import { useEffect, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { keys, useDeskSettings, useUsers } from '../api/hooks';
import type { UserView } from '../api/types';

export type Availability = 'online' | 'away' | 'offline';
const OPTIONS: { id: Availability; label: string; hint: string }[] = [
  { id: 'online', label: 'Online', hint: 'Online: routing assigns you conversations' },
  { id: 'away', label: 'Away', hint: 'Away: nothing new is assigned to you' },
  { id: 'offline', label: 'Offline', hint: 'Offline: nothing is assigned to you and routing may hand your conversations on' },
];
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'focus'] as const;
const IDLE_CHECK_MS = 5_000;

/**
 * The signed-in agent's availability, in the header (a native select: Tab or the `o` shortcut
 * reaches it). It is the PATCH /api/v1/users/:id route the server runs the queue from: going online
 * assigns the conversations waiting for an agent. With the brand's auto-away (Admin → Users), an
 * online agent idle that many minutes is set away, and back online when they return.
 */
export function AvailabilityControl({ userId }: { userId: string }) {
  const qc = useQueryClient();
  const users = useUsers();
  const settings = useDeskSettings();
  const set = useMutation({
    mutationFn: (availability: Availability) => api<UserView>('PATCH', `/api/v1/users/${userId}`, { availability }),
    onSuccess: (u) => { qc.setQueryData<UserView[]>(keys.users, (list) => list?.map((x) => (x.id === u.id ? u : x))); },
    onSettled: async () => { await qc.invalidateQueries({ queryKey: ['conversations'] }); },
  });
  const stored = users.data?.find((u) => u.id === userId)?.availability as Availability | undefined;
  const shown = set.isPending ? set.variables : stored;
  const autoAway = useAutoAway(userId, settings.data?.autoAwayMinutes ?? null, stored, (a) => set.mutate(a), (list) => qc.setQueryData(keys.users, list));
  const hint = OPTIONS.find((o) => o.id === shown)?.hint ?? 'Your availability';
  return (
    <span className={`availability availability-${shown ?? 'unknown'}`} title={autoAway.idle && shown === 'away' ? 'Away since you went idle; back online as soon as you return' : hint}>
      <span className="dot" aria-hidden="true" />
      <select id="availability-select" aria-label="Your availability" value={shown ?? ''} disabled={!shown}
        onChange={(e) => { autoAway.chosen(); set.mutate(e.target.value as Availability); }}>
        {shown ? null : <option value="">…</option>}
        {OPTIONS.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
      </select>
      {set.error ? <span className="sr-only" role="alert">Availability not changed: {errorMessage(set.error)}</span> : null}
    </span>
  );
}

const shared = {
  get: (k: string) => { try { return window.localStorage.getItem(k); } catch { return null; } },
  set: (k: string, v: string) => { try { window.localStorage.setItem(k, v); } catch { /* private mode: this tab only */ } },
  remove: (k: string) => { try { window.localStorage.removeItem(k); } catch { /* idem */ } },
};

/**
 * Sets an online agent away after `minutes` without input, and back online on their next input if
 * it did. The last input and "went away by itself" are shared by the user's desk tabs (localStorage),
 * so a tab left in the background neither sets away someone working in another tab nor keeps them
 * away when they come back there; before going away it reads the availability afresh, so a stale
 * tab never turns a chosen "offline" into "away".
 */
function useAutoAway(userId: string, minutes: number | null, availability: Availability | undefined, set: (a: Availability) => void, fresh: (users: UserView[]) => void) {
  const activeKey = `earshot.activity.${userId}`;
  const autoKey = `earshot.auto-away.${userId}`;
  const [idle, setIdle] = useState(() => shared.get(autoKey) !== null);
  const last = useRef(Date.now());
  const written = useRef(0);
  const current = useRef(availability);
  const setRef = useRef(set);
  const freshRef = useRef(fresh);
  useEffect(() => { current.current = availability; setRef.current = set; freshRef.current = fresh; });
  useEffect(() => {
    const touch = () => {
      const now = Date.now();
      last.current = now;
      if (now - written.current > IDLE_CHECK_MS) { written.current = now; shared.set(activeKey, String(now)); }
      if (shared.get(autoKey) !== null) { shared.remove(autoKey); setIdle(false); setRef.current('online'); }
    };
    for (const e of ACTIVITY) window.addEventListener(e, touch, { passive: true, capture: true });
    return () => { for (const e of ACTIVITY) window.removeEventListener(e, touch, { capture: true }); };
  }, [activeKey, autoKey]);
  useEffect(() => {
    if (!minutes) return;
    let checking = false;
    const id = setInterval(() => {
      const lastAny = Math.max(last.current, Number(shared.get(activeKey)) || 0);
      if (checking || current.current !== 'online' || shared.get(autoKey) !== null || Date.now() - lastAny < minutes * 60_000) return;
      checking = true;
      void api<{ items: UserView[] }>('GET', '/api/v1/users').then((r) => {
        // A stale tab learns the real availability (and stops asking).
        if (r.items.find((u) => u.id === userId)?.availability !== 'online') { freshRef.current(r.items); return; }
        shared.set(autoKey, String(Date.now()));
        setIdle(true);
        setRef.current('away');
      }).catch(() => undefined).finally(() => { checking = false; });
    }, IDLE_CHECK_MS);
    return () => clearInterval(id);
  }, [minutes, userId, activeKey, autoKey]);
  /** A choice by hand ends "went away by itself". */
  const chosen = () => { shared.remove(autoKey); setIdle(false); };
  return { idle, chosen };
}
