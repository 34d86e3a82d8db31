import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { useCanned, useConversationActions, useRepeats, useUsers } from '../api/hooks';
import type { ConversationView } from '../api/types';
import { useMe, useSession } from '../app/session';
import { Icon } from '../ui/Icon';
import { Button } from '../ui/ui';
import { measureReply, replyLimit, replyParts } from '@earshot/domain/channel-text';
import { fillVariables, withSignature } from './compose';
import { findingLabel, scanPersonalData, toneWarning } from './guard';
import { insertMention, matchUsers, mentionedIn, mentionQuery } from './mentions';
import { MentionPicker } from './MentionPicker';
import { KbSuggestions } from './KbSuggestions';

type Mode = 'public' | 'private' | 'note';
const newKey = () => crypto.randomUUID();

export function Composer({ conversation: c, onTyping }: { conversation: ConversationView; onTyping: () => void }) {
  const me = useMe();
  const { can } = useSession();
  const actions = useConversationActions(c.id);
  const canned = useCanned(can('conversation:reply'));
  const [mode, setMode] = useState<Mode>(c.isPublic ? 'public' : 'private');
  const [text, setText] = useState('');
  const [signature, setSignature] = useState(true);
  const [override, setOverride] = useState(false);
  const [key, setKey] = useState(newKey);
  const [sentNotice, setSentNotice] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [activeMention, setActiveMention] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const users = useUsers(mode === 'note');

  const outgoing = mode === 'public' ? withSignature(text, me.user.name, signature) : text;
  const limit = mode === 'note' ? null : replyLimit(c.channel.kind, mode);
  const length = measureReply(c.channel.kind, outgoing);
  const parts = useMemo(() => (mode !== 'note' && limit && length > limit ? replyParts(c.channel.kind, mode, outgoing) : []), [mode, limit, length, outgoing, c.channel.kind]);
  const findings = useMemo(() => (mode === 'public' ? scanPersonalData(text) : []), [mode, text]);
  const tone = mode === 'public' ? toneWarning(text) : null;
  const deferred = useDeferredValue(text);
  const repeats = useRepeats(deferred, mode === 'public');
  const repeatCount = mode === 'public' && deferred.trim() === text.trim() ? repeats.data?.count ?? 0 : 0;
  const blocked = mode === 'public' && findings.length > 0 && !override;
  const mutation = mode === 'note' ? actions.note : actions.reply;
  const canSend = text.trim().length > 0 && !blocked && !mutation.isPending && (mode === 'note' ? can('conversation:note') : can('conversation:reply'));
  // @mentions (notes only): the picker offers the brand's users for the word being typed.
  const people = useMemo(() => (users.data ?? []).map((u) => ({ id: u.id, name: u.name, role: u.role })), [users.data]);
  const typing = mode === 'note' ? mentionQuery(text, caret) : null;
  const candidates = useMemo(() => (typing && typing.start !== dismissedAt ? matchUsers(people, typing.query) : []), [typing, dismissedAt, people]);
  const mentioned = useMemo(() => (mode === 'note' ? mentionedIn(text, people) : []), [mode, text, people]);
  const active = Math.min(activeMention, Math.max(0, candidates.length - 1));
  const pickMention = (u: { name: string }) => {
    if (!typing) return;
    const next = insertMention(text, typing.start, caret, u.name);
    setText(next.text);
    setCaret(next.caret);
    setActiveMention(0);
    requestAnimationFrame(() => { box.current?.focus(); box.current?.setSelectionRange(next.caret, next.caret); });
  };

  const send = () => {
    if (!canSend) return;
    const done = () => { setText(''); setOverride(false); setKey(newKey()); };
    if (mode === 'note') {
      const notify = mentioned.map((u) => u.id);
      actions.note.mutate({ text: text.trim(), mentions: notify }, { onSuccess: () => { done(); setSentNotice(notify.length ? `Note added; ${mentioned.map((u) => u.name).join(', ')} notified.` : 'Note added.'); } });
    } else {
      actions.reply.mutate({ text: outgoing.trim(), visibility: mode, idempotencyKey: key, ...(mode === 'public' && findings.length > 0 && override ? { allowPersonalData: true } : {}) }, {
        onSuccess: (m) => { done(); setSentNotice(m.deliveryStatus === 'awaiting_approval' ? 'Sent for approval: a brand agent approves public replies from agency agents.' : mode === 'public' ? 'Public reply queued.' : 'Private message queued.'); },
      });
    }
  };

  const insertCanned = (id: string) => {
    const r = canned.data?.find((x) => x.id === id);
    if (!r) return;
    const filled = fillVariables(r.text, { contactName: c.contact.name, contactHandle: c.contact.handle, agentName: me.user.name });
    setText((t) => (t.trim() ? `${t.trimEnd()} ${filled}` : filled));
  };

  // A knowledge-base link goes where the agent's cursor was, with a space on either side.
  const insertSnippet = (snippet: string) => {
    const at = Math.min(caret, text.length);
    const before = text.slice(0, at);
    const after = text.slice(at);
    const next = `${before}${before && !/\s$/.test(before) ? ' ' : ''}${snippet}${after && !/^\s/.test(after) ? ' ' : ''}${after}`;
    const end = next.length - after.length;
    setText(next);
    setCaret(end);
    setSentNotice(null);
    requestAnimationFrame(() => { box.current?.focus(); box.current?.setSelectionRange(end, end); });
  };

  return (
    <form className={`composer mode-${mode}`} aria-label="Reply" onSubmit={(e) => { e.preventDefault(); send(); }}>
      <div className="composer-tabs" role="tablist" aria-label="Reply type">
        {(['public', 'private', 'note'] as Mode[]).map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} className={`tab ${mode === m ? 'on' : ''}`} onClick={() => { setMode(m); setSentNotice(null); }}>
            <Icon name={m === 'public' ? 'globe' : m === 'private' ? 'lock' : 'settings'} size={13} />
            {m === 'public' ? 'Public reply' : m === 'private' ? 'Private message' : 'Internal note'}
          </button>
        ))}
        <span className="spacer" />
        {mode !== 'note' ? (
          <select aria-label="Insert canned response" value="" onChange={(e) => insertCanned(e.target.value)} disabled={!canned.data?.length}>
            <option value="">{canned.data?.length ? 'Canned response…' : 'No canned responses'}</option>
            {(canned.data ?? []).map((r) => <option key={r.id} value={r.id}>{r.title}{r.shortcut ? ` (/${r.shortcut})` : ''}</option>)}
          </select>
        ) : null}
      </div>
      {mode !== 'note' && can('kb:read') ? <KbSuggestions conversation={c} onInsert={insertSnippet} /> : null}
      <label className="sr-only" htmlFor="composer-text">{mode === 'note' ? 'Internal note' : `${mode} reply`}</label>
      <div className="composer-box">
        <textarea id="composer-text" ref={box} rows={4} value={text} placeholder={mode === 'note' ? 'Only your team sees this. @mention a colleague…' : mode === 'public' ? `Reply publicly on ${c.channel.name}…` : 'Reply privately (DM / email): the customer keeps the same thread…'}
          aria-autocomplete={mode === 'note' ? 'list' : undefined} aria-controls={candidates.length ? 'mention-picker' : undefined}
          aria-activedescendant={candidates.length ? `mention-${candidates[active]?.id ?? ''}` : undefined}
          onChange={(e) => { setText(e.target.value); setCaret(e.target.selectionStart); setDismissedAt(null); setSentNotice(null); onTyping(); }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={(e) => {
            if (candidates.length) {
              const pick = candidates[active];
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') { e.preventDefault(); setActiveMention((active + (e.key === 'ArrowDown' ? 1 : candidates.length - 1)) % candidates.length); return; }
              if ((e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey && !e.shiftKey && pick) { e.preventDefault(); pickMention(pick); return; }
              if (e.key === 'Escape' && typing) { e.preventDefault(); setDismissedAt(typing.start); return; }
            }
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
            if (e.key === 'Escape') (e.target as HTMLTextAreaElement).blur();
          }} />
        {candidates.length ? <MentionPicker users={candidates} active={active} onPick={pickMention} onHover={setActiveMention} /> : null}
      </div>
      {mode === 'note' && mentioned.length ? <div className="mention-line muted small" role="status"><Icon name="at" size={13} /> Notifies {mentioned.map((u) => u.name).join(', ')}</div> : null}

      {findings.length ? (
        <div className="guard" role="alert">
          <Icon name="alert" size={15} />
          <div>
            <strong>Personal data in a public reply:</strong> {findings.map((f) => `${findingLabel[f.kind]} “${f.match}”`).join(', ')}.
            <div className="guard-actions">
              <Button size="sm" variant="primary" onClick={() => { setMode('private'); setOverride(false); }}>Move to private</Button>
              {!override ? <Button size="sm" variant="ghost" onClick={() => setOverride(true)}>Post publicly anyway</Button> : <span className="muted small">Will post publicly.</span>}
            </div>
          </div>
        </div>
      ) : null}
      {repeatCount >= 2 ? (
        <div className="warn-line" role="status"><Icon name="alert" size={14} /> This exact reply was already sent publicly {repeatCount} times in the last {repeats.data?.windowDays ?? 30} days. Customers notice copy-paste — make it personal.</div>
      ) : null}
      {tone ? <div className="warn-line" role="status"><Icon name="alert" size={14} /> {tone}</div> : null}
      {parts.length > 1 ? (
        <details className="thread-preview" open>
          <summary>{mode === 'public' ? `Posts as a thread of ${parts.length}` : `Sends as ${parts.length} messages`}</summary>
          <ol>{parts.map((p, i) => <li key={i}>{p}</li>)}</ol>
        </details>
      ) : null}

      <div className="composer-foot">
        {mode === 'public' ? <label className="check"><input type="checkbox" checked={signature} onChange={(e) => setSignature(e.target.checked)} /> Sign as {me.user.name?.split(/\s+/)[0] ?? 'me'}</label> : null}
        {mode === 'public' && c.isPublic ? <Button size="sm" variant="ghost" onClick={() => setMode('private')} title="Continue privately (DM or email) in the same conversation">Move to private</Button> : null}
        <span className="spacer" />
        {sentNotice ? <span className="ok small" role="status">{sentNotice}</span> : null}
        {mutation.error ? <span className="form-error small" role="alert">{errorMessage(mutation.error)}</span> : null}
        {limit ? <span className={`counter ${length > limit ? (parts.length > 1 ? 'warn' : 'over') : ''}`} aria-label="Characters">{length}/{limit}</span> : null}
        <Button variant="primary" type="submit" disabled={!canSend} title="Send (Ctrl+Enter)">{mode === 'note' ? 'Add note' : me.user.role === 'agency_agent' && mode === 'public' ? 'Send for approval' : 'Send'}</Button>
      </div>
    </form>
  );
}
