import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { CrmHookView } from '@earshot/domain';
import { api } from '../api/client';
import { useAction } from '../api/hooks';
import { Badge, Button, ErrorNote, Skeleton } from '../ui/ui';
import { Field, FormError } from './fields';

const KEY = ['crm-hook'] as const;
interface TestResult { ok: boolean; attributes: Record<string, string | number | boolean | null> | null; error: string | null; ms: number }

/** The CRM look-up hook: where Earshot asks for a customer's fields, the shared signing secret, and "test now". */
export function CrmHookAdmin() {
  const hook = useQuery({ queryKey: KEY, queryFn: () => api<CrmHookView>('GET', '/api/v1/crm-hook') });
  const [url, setUrl] = useState<string | null>(null);
  const [secret, setSecret] = useState('');
  const [email, setEmail] = useState('');
  const save = useAction((v: { url: string; secret: string }) => api<CrmHookView>('PUT', '/api/v1/crm-hook', v), () => [KEY]);
  const remove = useAction(() => api<CrmHookView>('DELETE', '/api/v1/crm-hook'), () => [KEY]);
  const test = useAction((v: { email: string }) => api<TestResult>('POST', '/api/v1/crm-hook/test', v.email ? { email: v.email } : {}), () => []);
  if (hook.error) return <div className="card"><ErrorNote error={hook.error} /></div>;
  if (!hook.data) return <div className="card"><Skeleton lines={4} /></div>;
  const h = hook.data;
  return (
    <div className="card">
      <h2>CRM look-up</h2>
      <p className="muted">When an agent opens a customer, Earshot posts the customer&apos;s identities to this address (signed with the secret, like webhooks) and shows the fields it answers in the profile. {h.configured ? <Badge tone="good">configured</Badge> : <Badge>not set</Badge>}</p>
      <form aria-label="CRM hook" onSubmit={(e) => { e.preventDefault(); save.mutate({ url: (url ?? h.url ?? '').trim(), secret }, { onSuccess: () => setSecret('') }); }}>
        <div className="form-grid">
          <Field label="Look-up URL" field="body.url" error={save.error}><input required value={url ?? h.url ?? ''} placeholder="https://crm.example.com/earshot/lookup" onChange={(e) => { setUrl(e.target.value); save.reset(); }} /></Field>
          <Field label="Shared secret" field="body.secret" error={save.error} hint={h.secretSet ? 'set; type a new one to replace it (16 characters or more)' : '16 characters or more'}>
            <input required type="password" autoComplete="off" value={secret} onChange={(e) => { setSecret(e.target.value); save.reset(); }} />
          </Field>
        </div>
        <FormError error={save.error} fields={['body.url', 'body.secret']} />
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={save.isPending}>Save hook</Button>
          {h.configured ? <Button type="button" variant="ghost" onClick={() => remove.mutate(undefined)}>Remove</Button> : null}
          {save.isSuccess ? <span className="muted small" role="status">Saved.</span> : null}
        </div>
      </form>
      <form aria-label="Test the CRM hook" className="form-section" onSubmit={(e) => { e.preventDefault(); test.mutate({ email: email.trim() }); }}>
        <h3>Test now</h3>
        <div className="form-grid">
          <Field label="Sample customer email (optional)" field="body.email" error={test.error}><input type="email" value={email} onChange={(e) => { setEmail(e.target.value); test.reset(); }} placeholder="customer@example.com" /></Field>
        </div>
        <FormError error={test.error} fields={['body.email']} />
        <div className="form-actions"><Button type="submit" disabled={test.isPending || !h.configured}>Test now</Button></div>
        {test.data ? (
          <div role="status" aria-label="CRM test result" className={test.data.ok ? 'setup-ok' : 'form-error'}>
            {test.data.ok ? `The CRM answered in ${test.data.ms} ms with ${Object.keys(test.data.attributes ?? {}).length} field(s):` : `Failed after ${test.data.ms} ms: ${test.data.error ?? ''}`}
            {test.data.attributes ? <table className="table"><tbody>{Object.entries(test.data.attributes).map(([k, v]) => <tr key={k}><th>{k}</th><td>{String(v)}</td></tr>)}</tbody></table> : null}
          </div>
        ) : null}
      </form>
    </div>
  );
}
