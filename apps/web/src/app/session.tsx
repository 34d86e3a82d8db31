import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import type { Me, Permission } from '../api/types';
import { navigate } from './router';

interface Session {
  me: Me | null;
  loading: boolean;
  /** Why the user is looking at the sign-in screen (session expired, signed out). */
  notice: string | null;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Moves to another brand of the user's: a new session; nothing cached from the old brand is kept. */
  switchBrand(brand: string): Promise<void>;
  can(p: Permission): boolean;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);

  const adopt = useCallback((m: Me | null) => { setCsrfToken(m?.csrfToken ?? null); setMe(m); }, []);

  useEffect(() => {
    let live = true;
    api<Me>('GET', '/api/v1/me', undefined, { quiet401: true })
      .then((m) => { if (live) adopt(m); })
      .catch(() => { if (live) adopt(null); })
      .finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [adopt]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      adopt(null);
      qc.clear();
      setNotice('Your session has expired. Sign in again to continue.');
    });
    return () => setUnauthorizedHandler(null);
  }, [adopt, qc]);

  const value = useMemo<Session>(() => ({
    me, loading, notice,
    async signIn(email, password) {
      const m = await api<Me>('POST', '/api/v1/auth/login', { email, password }, { quiet401: true });
      setNotice(null);
      adopt(m);
    },
    async signOut() {
      try { await api('POST', '/api/v1/auth/logout', {}, { quiet401: true }); } catch (e) { if (!(e instanceof ApiError)) throw e; }
      adopt(null);
      qc.clear();
      setNotice('You have signed out.');
    },
    async switchBrand(brand) {
      const m = await api<Me>('POST', '/api/v1/auth/switch-brand', { brand });
      qc.clear();
      adopt(m);
      navigate('/');
    },
    can: (p) => !!me?.permissions.includes(p),
  }), [me, loading, notice, adopt, qc]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user; only for components rendered behind sign-in. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('not signed in');
  return me;
}
