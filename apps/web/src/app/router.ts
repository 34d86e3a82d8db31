import { useSyncExternalStore } from 'react';

// Four screens and one id do not need a router library: the path is the state. The inbox's
// incident filter rides along as ?incident=<id>, so a link can open the inbox filtered by it.
export type Route = { page: 'inbox'; conversationId: string | null; incidentId: string | null } | { page: 'admin'; tab: string } | { page: 'analytics' };

const UUID = /^[0-9a-f-]{36}$/;

function parse(path: string, search: string): Route {
  const admin = /^\/admin(?:\/([a-z-]+))?/.exec(path);
  if (admin) return { page: 'admin', tab: admin[1] ?? 'channels' };
  if (/^\/analytics\/?$/.test(path)) return { page: 'analytics' };
  const conv = /^\/c\/([0-9a-f-]{36})/.exec(path);
  const incident = new URLSearchParams(search).get('incident');
  return { page: 'inbox', conversationId: conv?.[1] ?? null, incidentId: incident && UUID.test(incident) ? incident : null };
}

/**
 * The inbox's address: the open conversation (if any) and the incident filter (if any), keeping the
 * view and filters the address already carries (inbox/address.ts).
 */
export function inboxPath(conversationId: string | null, incidentId: string | null): string {
  const params = new URLSearchParams(window.location.search);
  params.delete('incident');
  const rest = params.toString();
  const query = [incidentId ? `incident=${incidentId}` : '', rest].filter(Boolean).join('&');
  return `${conversationId ? `/c/${conversationId}` : '/'}${query ? `?${query}` : ''}`;
}

const listeners = new Set<() => void>();
const subscribe = (fn: () => void) => {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => { listeners.delete(fn); window.removeEventListener('popstate', fn); };
};
const here = () => window.location.pathname + window.location.search;
let cachedPath = '';
let cachedRoute: Route = parse('/', '');
const snapshot = () => {
  if (here() !== cachedPath) { cachedPath = here(); cachedRoute = parse(window.location.pathname, window.location.search); }
  return cachedRoute;
};

export function useRoute(): Route { return useSyncExternalStore(subscribe, snapshot); }

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (here() === path) return;
  if (opts.replace) window.history.replaceState(null, '', path); else window.history.pushState(null, '', path);
  for (const l of listeners) l();
}
