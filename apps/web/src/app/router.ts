import { useSyncExternalStore } from 'react';

// Three screens and one id do not need a router library: the path is the state.
export type Route = { page: 'inbox'; conversationId: string | null } | { page: 'admin'; tab: string };

function parse(path: string): Route {
  const admin = /^\/admin(?:\/([a-z-]+))?/.exec(path);
  if (admin) return { page: 'admin', tab: admin[1] ?? 'channels' };
  const conv = /^\/c\/([0-9a-f-]{36})/.exec(path);
  return { page: 'inbox', conversationId: conv?.[1] ?? null };
}

const listeners = new Set<() => void>();
const subscribe = (fn: () => void) => {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => { listeners.delete(fn); window.removeEventListener('popstate', fn); };
};
let cachedPath = '';
let cachedRoute: Route = parse('/');
const snapshot = () => {
  if (window.location.pathname !== cachedPath) { cachedPath = window.location.pathname; cachedRoute = parse(cachedPath); }
  return cachedRoute;
};

export function useRoute(): Route { return useSyncExternalStore(subscribe, snapshot); }

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (window.location.pathname === path) return;
  if (opts.replace) window.history.replaceState(null, '', path); else window.history.pushState(null, '', path);
  for (const l of listeners) l();
}
