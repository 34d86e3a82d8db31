import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { AdminPage } from '../admin/AdminPage';
import { useUsers } from '../api/hooks';
import type { DeskEvent } from '../api/types';
import { Inbox } from '../inbox/Inbox';
import { Icon } from '../ui/Icon';
import { Avatar, Button, Skeleton } from '../ui/ui';
import { AvailabilityControl } from './Availability';
import { BrandSwitcher } from './BrandSwitcher';
import { HelpDialog } from './HelpDialog';
import { useLiveEvents } from './live';
import { MentionsMenu } from './MentionsMenu';
import { navigate, useRoute } from './router';
import { useMe, useSession } from './session';
import { SignIn } from './SignIn';
import { useTheme } from './theme';

// The dashboard is its own chunk, loaded when opened: the inbox does not carry it.
const AnalyticsPage = lazy(() => import('../analytics/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })));

export function App() {
  const { me, loading } = useSession();
  if (loading) return <div className="boot"><Skeleton lines={4} /></div>;
  if (!me) return <SignIn />;
  // Keyed by brand: switching brands remounts the desk, closing the old brand's live stream and state.
  return <Desk key={me.brand.id} />;
}

function Desk() {
  const me = useMe();
  const { signOut, can } = useSession();
  const route = useRoute();
  const [theme, toggleTheme] = useTheme();
  const [help, setHelp] = useState(false);
  const users = useUsers(can('user:read'));
  const [mention, setMention] = useState<{ who: string; conversationId: string } | null>(null);
  const onMention = useCallback((e: DeskEvent) => {
    if (!e.conversationId) return;
    setMention({ who: users.data?.find((u) => u.id === e.userId)?.name ?? 'A colleague', conversationId: e.conversationId });
  }, [users.data]);
  const live = useLiveEvents(true, { userId: me.user.id, onMention });
  useEffect(() => {
    if (!mention) return;
    const t = setTimeout(() => setMention(null), 10_000);
    return () => clearTimeout(t);
  }, [mention]);
  // Opening the conversation (from the toast, the Mentions menu or the list) answers the toast.
  const openId = route.page === 'inbox' ? route.conversationId : null;
  const toast = mention && mention.conversationId !== openId ? mention : null;
  const admin = can('user:manage') || can('team:manage') || can('channel:manage') || can('token:manage') || me.user.operator;
  // Someone without an admin permission who types an /admin/… address is shown the inbox there.
  useEffect(() => { if (route.page === 'admin' && !admin) navigate('/', { replace: true }); }, [route.page, admin]);
  // The dashboard is for those the analytics routes let in (analytics:read); others get the inbox.
  const analytics = can('analytics:read');
  useEffect(() => { if (route.page === 'analytics' && !analytics) navigate('/', { replace: true }); }, [route.page, analytics]);

  return (
    <div className="desk">
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <div className="brandmark"><img src="/favicon.svg" alt="" width={24} height={24} /><span>Earshot</span><BrandSwitcher /></div>
        <nav className="topnav" aria-label="Main">
          <a href="/" aria-current={route.page === 'inbox' ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate('/'); }}><Icon name="inbox" /> <span className="nav-label">Inbox</span></a>
          {analytics ? <a href="/analytics" aria-current={route.page === 'analytics' ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate('/analytics'); }}><Icon name="chart" /> <span className="nav-label">Analytics</span></a> : null}
          {admin ? <a href="/admin" aria-current={route.page === 'admin' ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate('/admin'); }}><Icon name="settings" /> <span className="nav-label">Admin</span></a> : null}
        </nav>
        <div className="topbar-right">
          {me.user.id && can('conversation:reply') ? <AvailabilityControl userId={me.user.id} /> : null}
          <MentionsMenu enabled={!!me.user.id && can('conversation:read')} />
          <span className={`live live-${live}`} title={live === 'live' ? 'Live updates on' : 'Reconnecting to live updates…'}><span className="dot" /><span className="live-label">{live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting' : 'Offline'}</span></span>
          <Button variant="ghost" size="sm" className="shortcuts-button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts"><Icon name="keyboard" /></Button>
          <Button variant="ghost" size="sm" onClick={toggleTheme} aria-label={`Switch theme (now ${theme})`}><Icon name={theme === 'dark' ? 'sun' : 'moon'} /></Button>
          <span className="me"><Avatar name={me.user.name} size={26} /><span className="me-name">{me.user.name}</span><span className="muted small">{me.user.role?.replace('_', ' ')}</span></span>
          <Button variant="ghost" size="sm" onClick={() => void signOut()} aria-label="Sign out"><Icon name="logout" /></Button>
        </div>
      </header>
      <main id="main" className="main">
        {route.page === 'admin' && admin ? <AdminPage tab={route.tab} /> : route.page === 'analytics' && analytics ? <Suspense fallback={<div className="boot"><Skeleton lines={4} /></div>}><AnalyticsPage /></Suspense> : <Inbox conversationId={route.page === 'inbox' ? route.conversationId : null} incidentId={route.page === 'inbox' ? route.incidentId : null} onHelp={() => setHelp(true)} />}
      </main>
      <HelpDialog open={help} onClose={() => setHelp(false)} />
      <div className="toasts" role="status" aria-live="polite">
        {toast ? (
          <div className="toast">
            <Icon name="at" />
            <span><strong>{toast.who}</strong> mentioned you in a note.</span>
            <Button size="sm" variant="primary" onClick={() => { navigate(`/c/${toast.conversationId}`); setMention(null); }}>Open</Button>
            <Button size="sm" variant="ghost" aria-label="Dismiss" onClick={() => setMention(null)}><Icon name="close" /></Button>
          </div>
        ) : null}
      </div>
    </div>
  );
}
