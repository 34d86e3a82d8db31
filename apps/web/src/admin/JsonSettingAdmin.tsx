import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { useAction } from '../api/hooks';
import { useSession } from '../app/session';
import { Button, ErrorNote, Skeleton } from '../ui/ui';

/**
 * A settings document the server validates (routing rules, SLA policy, business hours): shown and
 * edited as JSON, so the desk needs no copy of the rules; the server's error names the bad field.
 */
export function JsonSettingAdmin({ title, path, field, help }: { title: string; path: string; field: 'rules' | 'policy' | 'hours'; help: string }) {
  const { can } = useSession();
  const q = useQuery({ queryKey: ['setting', path], queryFn: () => api<Record<string, unknown>>('GET', path) });
  const [draft, setDraft] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const save = useAction((value: unknown) => api<unknown>('PUT', path, { [field]: value }), () => [['setting', path]]);
  const text = draft ?? (q.data === undefined ? '' : JSON.stringify(q.data[field] ?? null, null, 2));
  const isDefault = q.data?.isDefault === true;
  const editable = can('routing:manage') || can('sla:manage');
  const submit = () => {
    let body: unknown;
    try { body = JSON.parse(text); } catch (e) { setParseError(e instanceof Error ? e.message : 'invalid JSON'); return; }
    setParseError(null);
    save.mutate(body, { onSuccess: () => setDraft(null) });
  };
  return (
    <div className="card">
      <h2>{title}</h2>
      <p className="muted">{help}{isDefault ? ' Showing the defaults: nothing saved yet.' : ''}</p>
      {q.error ? <ErrorNote error={q.error} onRetry={() => void q.refetch()} /> : q.isPending ? <Skeleton lines={6} /> : (
        <>
          <label className="sr-only" htmlFor={`json-${path}`}>{title} (JSON)</label>
          <textarea id={`json-${path}`} className="code" rows={16} value={text} readOnly={!editable} onChange={(e) => setDraft(e.target.value)} spellCheck={false} />
          {parseError ? <p className="form-error" role="alert">{parseError}</p> : null}
          {save.error ? <p className="form-error" role="alert">{errorMessage(save.error)}</p> : null}
          {editable ? <div className="row-actions"><Button variant="primary" disabled={draft === null || save.isPending} onClick={submit}>Save</Button>{draft !== null ? <Button onClick={() => setDraft(null)}>Discard</Button> : null}</div> : null}
        </>
      )}
    </div>
  );
}
