import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { WebhookDeliveryPage, WebhookSubscriptionView, WebhookWithSecret } from '@earshot/domain';
import { api, errorMessage } from '../api/client';
import { useAction } from '../api/hooks';
import { useSession } from '../app/session';
import { Badge, Button, Empty, ErrorNote, Skeleton, timeAgo } from '../ui/ui';

const KEY = ['webhooks'] as const;
const deliveriesKey = (id: string) => ['webhooks', id, 'deliveries'] as const;

/** Admin → Webhooks: subscriptions (the secret shown once), enable/disable, the delivery log and redelivery. Rules live on the server. */
export function WebhooksAdmin() {
  const { can } = useSession();
  const allowed = can('webhook:manage');
  const hooks = useQuery({ queryKey: KEY, queryFn: () => api<{ items: WebhookSubscriptionView[] }>('GET', '/api/v1/webhooks').then((r) => r.items), enabled: allowed });
  const catalogue = useQuery({ queryKey: ['webhooks', 'events'], queryFn: () => api<{ events: string[] }>('GET', '/api/v1/webhooks/events'), enabled: allowed, staleTime: Infinity });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['conversation.created']);
  const [shown, setShown] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const create = useAction((v: { url: string; events: string[] }) => api<WebhookWithSecret>('POST', '/api/v1/webhooks', v), () => [KEY]);
  const toggle = useAction((v: { id: string; enabled: boolean }) => api('PATCH', `/api/v1/webhooks/${v.id}`, { enabled: v.enabled }), () => [KEY]);
  const remove = useAction((id: string) => api('DELETE', `/api/v1/webhooks/${id}`), () => [KEY]);
  const rotate = useAction((id: string) => api<WebhookWithSecret>('POST', `/api/v1/webhooks/${id}/rotate-secret`), () => [KEY]);
  if (!allowed) return <Empty title="Only admins manage webhooks" />;
  return (
    <div className="card">
      <h2>Webhooks</h2>
      <p className="muted">Earshot POSTs the events you choose to your URL, signed with the subscription&apos;s secret (<code>Earshot-Signature</code>; see docs/webhooks.md). The secret is shown once.</p>
      {hooks.error ? <ErrorNote error={hooks.error} /> : hooks.isPending ? <Skeleton lines={3} /> : !hooks.data.length ? <Empty title="No webhooks" /> : (
        <table className="table">
          <thead><tr><th>URL</th><th>Events</th><th>State</th><th /></tr></thead>
          <tbody>{hooks.data.map((h) => (
            <tr key={h.id}>
              <td><code>{h.url}</code>{h.description ? <div className="small muted">{h.description}</div> : null}</td>
              <td className="small">{h.events.join(', ')}</td>
              <td>
                {h.enabled ? <Badge tone="good">enabled</Badge> : <Badge tone="bad" title={h.disabledReason ?? undefined}>disabled</Badge>}
                {h.consecutiveFailures > 0 ? <div className="small muted">{h.consecutiveFailures} failed in a row</div> : null}
                {!h.enabled && h.disabledReason ? <div className="small muted" role="note">{h.disabledReason}</div> : null}
              </td>
              <td className="actions">
                <Button size="sm" onClick={() => setOpen(open === h.id ? null : h.id)}>{open === h.id ? 'Hide log' : 'Deliveries'}</Button>
                <Button size="sm" onClick={() => toggle.mutate({ id: h.id, enabled: !h.enabled })}>{h.enabled ? 'Disable' : 'Enable'}</Button>
                <Button size="sm" onClick={() => rotate.mutate(h.id, { onSuccess: (r) => setShown(r.secret) })}>Rotate secret</Button>
                <Button size="sm" variant="danger" onClick={() => remove.mutate(h.id)}>Delete</Button>
              </td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {open ? <Deliveries id={open} enabled={hooks.data?.find((h) => h.id === open)?.enabled ?? false} /> : null}
      {shown ? <p className="secret" role="status">Copy the signing secret now, it is not shown again: <code>{shown}</code></p> : null}
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); create.mutate({ url: url.trim(), events }, { onSuccess: (r) => { setShown(r.secret); setUrl(''); } }); }}>
        <h3>New webhook</h3>
        <label className="inline-field"><span>URL</span><input required type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/earshot" /></label>
        <fieldset className="scopes"><legend>Events</legend>
          {(catalogue.data?.events ?? []).map((ev) => <label key={ev} className="check small"><input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))} /> {ev}</label>)}
        </fieldset>
        <Button variant="primary" type="submit" disabled={!url.trim() || !events.length || create.isPending}>Create webhook</Button>
        {create.error ? <p className="form-error" role="alert">{errorMessage(create.error)}</p> : null}
      </form>
    </div>
  );
}

function Deliveries({ id, enabled }: { id: string; enabled: boolean }) {
  const page = useQuery({ queryKey: deliveriesKey(id), queryFn: () => api<WebhookDeliveryPage>('GET', `/api/v1/webhooks/${id}/deliveries?limit=50`), refetchInterval: 5_000 });
  const redeliver = useAction((deliveryId: string) => api('POST', `/api/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`), () => [deliveriesKey(id)]);
  if (page.error) return <ErrorNote error={page.error} />;
  if (page.isPending) return <Skeleton lines={3} />;
  if (!page.data.items.length) return <Empty title="No deliveries yet" />;
  return (
    <>
      <h3>Deliveries</h3>
      <table className="table" aria-label="Webhook deliveries">
        <thead><tr><th>Event</th><th>State</th><th>Attempts</th><th>Last answer</th><th /></tr></thead>
        <tbody>{page.data.items.map((d) => {
          const last = d.log.at(-1);
          return (
            <tr key={d.id}>
              <td><code>{d.eventId}</code> <span className="small">{d.eventType}</span><div className="small muted">{timeAgo(d.createdAt)} ago</div></td>
              <td><Badge tone={d.state === 'delivered' ? 'good' : d.state === 'failed' ? 'bad' : 'warn'}>{d.state}</Badge></td>
              <td>{d.attempts}</td>
              <td className="small">{last ? `${last.statusCode ?? '—'} · ${last.durationMs} ms${last.error ? ` · ${last.error}` : ''}${last.manual ? ' · manual' : ''}` : '—'}</td>
              <td><Button size="sm" disabled={!enabled || redeliver.isPending} onClick={() => redeliver.mutate(d.id)}>Redeliver</Button></td>
            </tr>
          );
        })}</tbody>
      </table>
      {redeliver.error ? <p className="form-error" role="alert">{errorMessage(redeliver.error)}</p> : null}
    </>
  );
}
