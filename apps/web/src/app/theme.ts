import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark' | 'system';
const KEY = 'earshot.theme';

function apply(t: Theme): void {
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
}

/** Called before the first render so a chosen theme does not flash (no inline script under the CSP). */
export function applyStoredTheme(): void { apply(readTheme()); }

function readTheme(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch { return 'system'; }
}

export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(readTheme);
  useEffect(() => {
    apply(theme);
    try { if (theme === 'system') localStorage.removeItem(KEY); else localStorage.setItem(KEY, theme); } catch { /* private mode */ }
  }, [theme]);
  const toggle = () => setTheme((t) => {
    const systemDark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const effective = t === 'system' ? (systemDark ? 'dark' : 'light') : t;
    return effective === 'dark' ? 'light' : 'dark';
  });
  return [theme, toggle];
}
