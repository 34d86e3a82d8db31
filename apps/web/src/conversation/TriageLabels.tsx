import { useState } from 'react';
import { errorMessage } from '../api/client';
import { useConversationActions } from '../api/hooks';
import { CORRECTABLE, readTriage, type CorrectableLabel, type Label } from '../api/triage';
import { useSession } from '../app/session';
import { Badge, Button, type Tone } from '../ui/ui';

const tone: Record<string, Tone> = { negative: 'bad', positive: 'good', neutral: 'neutral', complaint: 'bad', question: 'info', praise: 'good', true: 'warn', false: 'neutral' };
const pct = (c: number | null) => (c === null ? '' : ` ${Math.round(c * 100)}%`);

/** A message's triage: each label with its confidence and reasons, and a way to correct it. */
export function TriageLabels({ conversationId, messageId, triage }: { conversationId: string; messageId: string; triage: Record<string, unknown> | null }) {
  const t = readTriage(triage);
  const { can } = useSession();
  const actions = useConversationActions(conversationId);
  const [why, setWhy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [label, setLabel] = useState<CorrectableLabel>('sentiment');
  const [value, setValue] = useState('');
  if (!t) return null;

  const rows: [string, Label | null][] = [['sentiment', t.sentiment], ['intent', t.intent], ['topic', t.topic], ['needsResponse', t.needsResponse], ['language', t.language]];
  const reasons = rows.flatMap(([k, l]) => (l?.reasons.length ? [`${k}: ${l.reasons.join(', ')}`] : [])).concat(t.urgency?.reasons.length ? [`urgency ${Math.round(t.urgency.score)}: ${t.urgency.reasons.join(', ')}`] : []);
  const canCorrect = can('triage:correct');

  const submit = () => {
    const v = label === 'needsResponse' ? value === 'true' : value.trim();
    if (v === '') return;
    actions.correct.mutate({ messageId, label, value: v }, { onSuccess: () => { setEditing(false); setValue(''); } });
  };

  return (
    <div className="triage" aria-label="Triage labels">
      {rows.map(([k, l]) => {
        if (!l || l.value === 'null' || /^can'?t tell$/i.test(l.value)) return null;
        const corrected = t.corrected[k];
        const shown = corrected ?? l.value;
        const name = k === 'needsResponse' ? (shown === 'true' ? 'needs response' : 'no response needed') : shown;
        return <Badge key={k} tone={tone[shown] ?? 'neutral'} title={`${k}${corrected ? ' (corrected by an agent)' : pct(l.confidence)}${l.reasons.length ? ` — ${l.reasons.join(', ')}` : ''}`}>{name}{corrected ? ' ✎' : <span className="conf">{pct(l.confidence)}</span>}</Badge>;
      })}
      {t.urgency && t.urgency.score > 0 ? <Badge tone={t.urgency.score >= 60 ? 'bad' : t.urgency.score >= 30 ? 'warn' : 'neutral'} title={t.urgency.reasons.join(', ')}>urgency {Math.round(t.urgency.score)}</Badge> : null}
      {reasons.length ? <Button size="sm" variant="ghost" aria-expanded={why} onClick={() => setWhy((w) => !w)}>Why?</Button> : null}
      <Button size="sm" variant="ghost" disabled={!canCorrect} onClick={() => setEditing((e) => !e)}
        title={canCorrect ? 'Correct a label; corrections retrain the model' : 'You cannot correct labels'}>Correct</Button>
      {why ? <ul className="reasons">{reasons.map((r) => <li key={r}>{r}</li>)}</ul> : null}
      {editing ? (
        <form className="correct-form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
          <label className="inline-field"><span>Label</span>
            <select value={label} onChange={(e) => { setLabel(e.target.value as CorrectableLabel); setValue(''); }}>
              {(Object.keys(CORRECTABLE) as CorrectableLabel[]).map((k) => <option key={k} value={k}>{k}</option>)}
            </select>
          </label>
          <label className="inline-field"><span>Correct value</span>
            {CORRECTABLE[label].length ? (
              <select value={value} onChange={(e) => setValue(e.target.value)}>
                <option value="">Choose…</option>
                {CORRECTABLE[label].map((v) => <option key={v} value={v}>{v}</option>)}
              </select>
            ) : <input value={value} onChange={(e) => setValue(e.target.value)} placeholder="topic" />}
          </label>
          <Button size="sm" variant="primary" type="submit" disabled={!value || actions.correct.isPending}>Save correction</Button>
          {actions.correct.error ? <span className="form-error small" role="alert">{errorMessage(actions.correct.error)}</span> : null}
        </form>
      ) : null}
    </div>
  );
}
