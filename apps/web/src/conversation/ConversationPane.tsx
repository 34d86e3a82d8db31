import { useEffect, useMemo, useState } from 'react';
import { useConversation, usePresence } from '../api/hooks';
import { useMarkMentionsRead, useMentions } from '../api/mentions';
import { useMe } from '../app/session';
import { ContactPanel } from '../contact/ContactPanel';
import { ChannelIcon, channelName, Icon } from '../ui/Icon';
import { Button, ErrorNote, Skeleton } from '../ui/ui';
import { PriorityBadge } from '../inbox/Badges';
import { countdown, slaDue } from '../inbox/sla';
import { Actions } from './Actions';
import { Composer } from './Composer';
import { IncidentBar } from './Incidents';
import { CarePanel } from './CarePanel';
import { usePresenceBeacon } from './presence';
import { Timeline } from './Timeline';

export function ConversationPane({ id }: { id: string }) {
  const q = useConversation(id);
  const me = useMe();
  const presence = usePresence(id);
  const beacon = usePresenceBeacon(id);
  const others = (presence.data ?? []).filter((p) => p.userId !== me.user.id);
  // Opening a conversation reads the notes in it that mention me.
  const mentions = useMentions(!!me.user.id);
  const { mutate: markRead } = useMarkMentionsRead();
  const unreadHere = useMemo(() => (mentions.data?.pages ?? []).flatMap((p) => p.items).filter((m) => m.conversationId === id && !m.readAt).map((m) => m.messageId).sort().join(','), [mentions.data, id]);
  const loaded = !!q.data;
  // Where the screen is too narrow for a third column the profile is a drawer over the conversation.
  const [profileOpen, setProfileOpen] = useState(false);
  const closeProfile = () => { setProfileOpen(false); document.getElementById('profile-toggle')?.focus(); };
  useEffect(() => { if (loaded && unreadHere) markRead(unreadHere.split(',')); }, [loaded, unreadHere, markRead]);

  if (q.error) return <div className="pane-pad"><ErrorNote error={q.error} onRetry={() => void q.refetch()} /></div>;
  if (!q.data) return <div className="pane-pad" aria-busy="true"><Skeleton lines={2} /><Skeleton lines={5} /><Skeleton lines={3} /></div>;
  const { conversation: c, messages, incidents = [] } = q.data;
  const due = slaDue(c);
  return (
    <div className={`pane ${profileOpen ? 'profile-open' : ''}`}>
      <div className="pane-main">
        <header className="conv-head">
          <div className="conv-title">
            <ChannelIcon kind={c.channel.kind} />
            <h1>{c.contact.name ?? c.contact.handle ?? 'Unknown customer'}</h1>
            {c.contact.handle && c.contact.name && c.contact.handle !== c.contact.name ? <span className="muted">{c.contact.handle}</span> : null}
            <span className={`status-pill st-${c.status}`}>{c.status}</span>
            <PriorityBadge priority={c.priority} />
            {due ? <span className={`sla ${due.breached ? 'breached' : ''}`}><Icon name="clock" size={13} /> SLA {countdown(due.at)}</span> : null}
            <Button id="profile-toggle" size="sm" className="profile-toggle" aria-expanded={profileOpen} aria-controls="customer-profile" title="Customer profile: identities, history, notes" onClick={() => setProfileOpen((o) => !o)}>
              <Icon name="user" size={14} /> Customer
            </Button>
          </div>
          <div className="muted small">{channelName(c.channel.kind)} · {c.channel.name} · {c.isPublic ? 'public thread' : 'private thread'} · {c.messageCount} {c.messageCount === 1 ? 'message' : 'messages'}</div>
          {others.length ? (
            <div className="collision" role="status" aria-live="polite">
              <Icon name="alert" size={14} />
              {others.map((p) => `${p.name} is ${p.state === 'typing' ? 'typing a reply' : 'viewing'}`).join(' · ')}
            </div>
          ) : null}
          <Actions c={c} />
          <IncidentBar conversationId={c.id} links={incidents} />
          <CarePanel conversationId={c.id} version={`${c.status}:${c.messageCount}`} />
        </header>
        <Timeline conversation={c} messages={messages} incidents={incidents} />
        <Composer conversation={c} onTyping={beacon.typing} />
      </div>
      <ContactPanel contactId={c.contact.id} currentConversationId={c.id} drawerOpen={profileOpen} onCloseDrawer={closeProfile} />
    </div>
  );
}
