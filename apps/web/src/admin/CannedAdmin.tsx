import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { keys, useAction, useCanned } from '../api/hooks';
import type { CannedView } from '../api/types';
import { useSession } from '../app/session';
import { Button, Empty, ErrorNote, Skeleton } from '../ui/ui';

type Draft = { id: string | null; title: string; shortcut: string; text: string };
const empty: Draft = { id: null, title: '', shortcut: '', text: '' };

export function CannedAdmin() {
  const { can } = useSession();
  const q = useCanned();
  const [d, setD] = useState<Draft>(empty);
  const save = useAction((v: Draft) => {
    const body = { title: v.title.trim(), text: v.text.trim(), shortcut: v.shortcut.trim() || null };
    return v.id ? api<CannedView>('PATCH', `/api/v1/canned-responses/${v.id}`, body) : api<CannedView>('POST', '/api/v1/canned-responses', body);
  }, () => [keys.canned]);
  const remove = useAction((id: string) => api('DELETE', `/api/v1/canned-responses/${id}`), () => [keys.canned]);
  const manage = can('team:manage');
  return (
    <div className="card">
      <h2>Canned responses</h2>
      <p className="muted">Starting points, not copy-paste: variables <code>{'{{contact.first_name}}'}</code> and <code>{'{{agent.name}}'}</code> are filled in the composer, and the agent edits before sending.</p>
      {q.error ? <ErrorNote error={q.error} /> : q.isPending ? <Skeleton lines={4} /> : !q.data.length ? <Empty title="No canned responses yet" /> : (
        <ul className="canned-list">
          {q.data.map((c) => (
            <li key={c.id}>
              <div><strong>{c.title}</strong>{c.shortcut ? <code className="small"> /{c.shortcut}</code> : null}<p className="muted">{c.text}</p></div>
              {manage ? <div className="row-actions"><Button size="sm" onClick={() => setD({ id: c.id, title: c.title, shortcut: c.shortcut ?? '', text: c.text })}>Edit</Button><Button size="sm" variant="danger" onClick={() => remove.mutate(c.id)}>Delete</Button></div> : null}
            </li>
          ))}
        </ul>
      )}
      {manage ? (
        <form className="stack-form" onSubmit={(e) => { e.preventDefault(); save.mutate(d, { onSuccess: () => setD(empty) }); }}>
          <h3>{d.id ? 'Edit canned response' : 'New canned response'}</h3>
          <label className="field"><span>Title</span><input required value={d.title} onChange={(e) => setD({ ...d, title: e.target.value })} /></label>
          <label className="field"><span>Shortcut (optional)</span><input value={d.shortcut} onChange={(e) => setD({ ...d, shortcut: e.target.value })} placeholder="refund" /></label>
          <label className="field"><span>Text</span><textarea required rows={4} value={d.text} onChange={(e) => setD({ ...d, text: e.target.value })} placeholder="Hi {{contact.first_name}}, …" /></label>
          <div className="row-actions"><Button variant="primary" type="submit" disabled={save.isPending}>{d.id ? 'Save' : 'Create'}</Button>{d.id ? <Button onClick={() => setD(empty)}>Cancel</Button> : null}</div>
          {save.error ? <p className="form-error" role="alert">{errorMessage(save.error)}</p> : null}
          {remove.error ? <p className="form-error" role="alert">{errorMessage(remove.error)}</p> : null}
        </form>
      ) : null}
    </div>
  );
}
