import { useEffect, useMemo, useRef } from 'react';
import { errorMessage } from '../api/client';
import { useAuditFor, useConversationActions, useTeams, useUsers } from '../api/hooks';
import type { AuditEvent, ConversationView, MessageView } from '../api/types';
import type { IncidentLinkView } from '../api/incidents';
import { useMe, useSession } from '../app/session';
import { Icon } from '../ui/Icon';
import { Avatar, Badge, Button, Empty, formatTime, RichText, type Tone } from '../ui/ui';
import { splitMentions } from './mentions';
import { TriageLabels } from './TriageLabels';

const deliveryTone: Record<string, Tone> = { queued: 'neutral', sending: 'info', sent: 'good', failed: 'bad', awaiting_approval: 'warn' };
const deliveryText: Record<string, string> = { queued: 'queued', sending: 'sending', sent: 'sent', failed: 'failed', awaiting_approval: 'awaiting approval' };

type Item = { at: string; key: string; m?: MessageView; e?: AuditEvent; link?: IncidentLinkView };

export function Timeline({ conversation, messages, incidents = [] }: { conversation: ConversationView; messages: MessageView[]; incidents?: IncidentLinkView[] }) {
  const { can } = useSession();
  const me = useMe();
  const audit = useAuditFor(conversation.id, can('audit:read'));
  const users = useUsers();
  const teams = useTeams();
  const end = useRef<HTMLDivElement>(null);
  const items = useMemo<Item[]>(() => {
    const list: Item[] = messages.map((m) => ({ at: m.createdAt, key: m.id, m }));
    // Conversation events (assigned, transferred, SLA…) come from the audit trail for those who may read it.
    for (const e of audit.data ?? []) if (e.subjectType === 'conversation' && /assigned|transferred|sla|resolved|opened|snoozed|priority|incident_unlinked/.test(e.action)) list.push({ at: e.createdAt, key: `a${e.seq}`, e });
    // Incident links are part of the conversation itself, so everyone sees them (not only audit readers).
    for (const l of incidents) list.push({ at: l.linkedAt, key: `i${l.id}`, link: l });
    return list.sort((x, y) => x.at.localeCompare(y.at));
  }, [messages, audit.data, incidents]);
  const last = messages[messages.length - 1]?.id;
  useEffect(() => { end.current?.scrollIntoView({ block: 'end' }); }, [last]);

  const nameOf = (id: unknown) => (typeof id === 'string' ? users.data?.find((u) => u.id === id)?.name ?? teams.data?.find((t) => t.id === id)?.name ?? 'someone' : 'nobody');
  if (!items.length) return <div className="timeline"><Empty title="No messages yet" /></div>;
  return (
    <div className="timeline" aria-label="Timeline" role="log">
      {items.map((it) => (it.m ? <Message key={it.key} m={it.m} conversationId={conversation.id} canApprove={can('conversation:approve')} meId={me.user.id} />
        : it.e ? <EventLine key={it.key} e={it.e} nameOf={nameOf} />
        : it.link ? <div key={it.key} className="event-line incident-line"><span><Icon name="link" size={12} /> Linked to incident “{it.link.title}”{it.link.linkedBy ? ` by ${nameOf(it.link.linkedBy)}` : ''}</span><time dateTime={it.link.linkedAt}>{formatTime(it.link.linkedAt)}</time></div>
        : null))}
      <div ref={end} />
    </div>
  );
}

function EventLine({ e, nameOf }: { e: AuditEvent; nameOf: (id: unknown) => string }) {
  const after = (e.after ?? {}) as Record<string, unknown>;
  const text = e.action === 'conversation.assigned' ? (after.assigneeId ? `Assigned to ${nameOf(after.assigneeId)}` : 'Unassigned')
    : e.action === 'conversation.transferred' ? `Transferred to ${nameOf(after.teamId)}`
    : e.action === 'conversation.incident_unlinked' ? `Unlinked from incident “${String(((e.before ?? {}) as Record<string, unknown>).title ?? '')}”`
    : e.action.replace('conversation.', '').replace(/_/g, ' ');
  return <div className="event-line"><span>{text}</span><time dateTime={e.createdAt}>{formatTime(e.createdAt)}</time></div>;
}

/** A note's text with its @mentions highlighted (mine stronger); mentions not written in the text are listed after it. */
function NoteText({ text, mentions, meId }: { text: string; mentions: { id: string; name: string }[]; meId: string | null }) {
  const parts = splitMentions(text, mentions);
  const unwritten = mentions.filter((u) => !parts.some((p) => 'user' in p && p.user.id === u.id));
  return (
    <>
      {parts.map((p, i) => ('user' in p
        ? <mark key={i} className={`mention ${p.user.id === meId ? 'mention-me' : ''}`} data-user-id={p.user.id}>{p.text}</mark>
        : <RichText key={i} text={p.text} />))}
      {unwritten.length ? <span className="mention-extra"> {unwritten.map((u) => <mark key={u.id} className={`mention ${u.id === meId ? 'mention-me' : ''}`} data-user-id={u.id}>@{u.name}</mark>)}</span> : null}
    </>
  );
}

function Message({ m, conversationId, canApprove, meId }: { m: MessageView; conversationId: string; canApprove: boolean; meId: string | null }) {
  const actions = useConversationActions(conversationId);
  const who = m.author.name ?? m.author.handle ?? (m.author.type === 'system' ? 'Earshot' : 'Unknown');
  const cls = m.kind === 'note' ? 'note' : m.direction;
  const mentionsMe = !!meId && !!m.mentions?.some((u) => u.id === meId);
  return (
    <article className={`msg msg-${cls}${mentionsMe ? ' msg-mentions-me' : ''}`} data-message-id={m.id} aria-label={`${m.kind === 'note' ? 'Note' : 'Message'} from ${who}${mentionsMe ? ', mentions you' : ''}`}>
      <div className="msg-head">
        <Avatar name={who} size={24} />
        <strong>{who}</strong>
        {m.author.handle && m.author.name ? <span className="muted small">{m.author.handle}</span> : null}
        {m.kind === 'note' ? <Badge tone="warn">internal note</Badge>
          : <Badge tone={m.visibility === 'public' ? 'info' : 'neutral'}><Icon name={m.visibility === 'public' ? 'globe' : 'lock'} size={11} /> {m.visibility}</Badge>}
        {m.deliveryStatus ? <Badge tone={deliveryTone[m.deliveryStatus] ?? 'neutral'} title={m.deliveryError ?? undefined}>{deliveryText[m.deliveryStatus] ?? m.deliveryStatus}</Badge> : null}
        <time className="muted small" dateTime={m.sentAt}>{formatTime(m.sentAt)}</time>
      </div>
      <div className="msg-text">{m.kind === 'note' && m.mentions?.length ? <NoteText text={m.text} mentions={m.mentions} meId={meId} /> : <RichText text={m.text.replaceAll('{{survey_link}}', '[survey link]')} />}</div>
      {m.deliveryError ? <p className="form-error small">{m.deliveryError}</p> : null}
      {m.deliveryStatus === 'awaiting_approval' ? (
        <div className="approval">
          <Icon name="clock" size={14} />
          <span>{canApprove ? 'An agency agent wrote this public reply. It is sent once a brand agent approves it.' : 'Waiting for a brand agent to approve this public reply.'}</span>
          {canApprove ? <Button size="sm" variant="primary" disabled={actions.approve.isPending} onClick={() => actions.approve.mutate(m.id)}>Approve and send</Button> : null}
          {actions.approve.error ? <span className="form-error small">{errorMessage(actions.approve.error)}</span> : null}
        </div>
      ) : null}
      {m.direction === 'inbound' && m.triage ? <TriageLabels conversationId={conversationId} messageId={m.id} triage={m.triage} /> : null}
    </article>
  );
}
