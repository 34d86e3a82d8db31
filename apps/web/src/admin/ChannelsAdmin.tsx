import { useState } from 'react';
import { CHANNEL_SETUP, type SetupField } from '@earshot/domain/channel-setup';
import { api } from '../api/client';
import { keys, useAction, useChannels } from '../api/hooks';
import type { ChannelView } from '../api/types';
import { useSession } from '../app/session';
import { ChannelIcon, channelName } from '../ui/Icon';
import { Badge, Button, Empty, ErrorNote, Skeleton, timeAgo } from '../ui/ui';
import { ChannelSetup } from './ChannelSetup';
import { Field, FormError } from './fields';

const KINDS = ['x', 'facebook', 'instagram', 'email', 'feed', 'api', 'webchat', 'webform', 'phone', 'community'] as const;
type Kind = (typeof KINDS)[number];

export function ChannelsAdmin() {
  const { can } = useSession();
  const q = useChannels();
  const manage = can('channel:manage');
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="card">
      <h2>Channels</h2>
      <p className="muted">Where customers reach you. Provider credentials are stored encrypted and never shown again. A channel that lacks what its provider needs stays disconnected and says what is missing.</p>
      {q.error ? <ErrorNote error={q.error} /> : q.isPending ? <Skeleton lines={4} /> : !q.data.length ? <Empty title="No channels yet" /> : (
        <table className="table">
          <thead><tr><th>Channel</th><th>Kind</th><th>Status</th><th>Connected</th>{manage ? <th><span className="sr-only">Set up</span></th> : null}</tr></thead>
          <tbody>{q.data.map((c) => (
            <tr key={c.id} data-channel={c.name}><td><ChannelIcon kind={c.kind} /> {c.name}</td><td>{channelName(c.kind)}</td>
              <td><Badge tone={c.status === 'active' ? 'good' : c.status === 'error' ? 'bad' : c.status === 'disconnected' ? 'warn' : 'neutral'} title={c.statusDetail ?? undefined}>{c.status}</Badge>
                {c.status !== 'active' && c.statusDetail ? <span className="muted small"> {c.statusDetail}</span> : null}</td>
              <td>{timeAgo(c.createdAt)} ago</td>
              {manage ? <td><Button size="sm" onClick={() => setOpen(c.id)}>Set up</Button></td> : null}</tr>
          ))}</tbody>
        </table>
      )}
      {manage && open ? <ChannelSetup key={open} id={open} onClose={() => setOpen(null)} /> : null}
      {manage ? <ConnectForm onCreated={(c) => setOpen(c.id)} /> : null}
    </div>
  );
}

/** Step one: the kind, a name and what that provider needs (anything left empty is listed as missing). */
function ConnectForm({ onCreated }: { onCreated: (c: ChannelView) => void }) {
  const [kind, setKind] = useState<Kind>('x');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string | null>(null);
  const spec = CHANNEL_SETUP[kind];
  const create = useAction((v: { kind: Kind; name: string; credentials: Record<string, string>; settings: Record<string, string> }) => api<{ channel: ChannelView; secret: string | null }>('POST', '/api/v1/channels', {
    kind: v.kind, name: v.name, ...(Object.keys(v.credentials).length ? { credentials: v.credentials } : {}), ...(Object.keys(v.settings).length ? { settings: v.settings } : {}),
  }), () => [keys.channels]);
  const pick = (fields: SetupField[]) => Object.fromEntries(fields.map((f) => [f.key, values[f.key]?.trim() ?? '']).filter(([, v]) => v));
  return (
    <form aria-label="Connect a channel" className="form-section" onSubmit={(e) => {
      e.preventDefault();
      create.mutate({ kind, name: name.trim(), credentials: pick(spec.credentials), settings: pick(spec.settings) }, { onSuccess: (r) => { setName(''); setValues({}); setSecret(r.secret); onCreated(r.channel); } });
    }}>
      <h3>Connect a channel</h3>
      <div className="form-grid">
        <Field label="Kind" field="body.kind" error={create.error}><select value={kind} onChange={(e) => { setKind(e.target.value as Kind); setValues({}); create.reset(); }}>{KINDS.map((k) => <option key={k} value={k}>{channelName(k)}</option>)}</select></Field>
        <Field label="Name" field="body.name" error={create.error}><input required value={name} onChange={(e) => { setName(e.target.value); create.reset(); }} placeholder={kind === 'x' ? '@YourBrand' : 'Support inbox'} /></Field>
        {[...spec.credentials.map((f) => ({ ...f, group: 'credentials' })), ...spec.settings.map((f) => ({ ...f, group: 'settings' }))].map((f) => (
          <Field key={`${kind}-${f.key}`} label={`${f.label}${f.required ? '' : ' (optional)'}`} field={`body.${f.group}`} error={create.error} hint={f.help}>
            <input type={f.secret ? 'password' : 'text'} autoComplete="off" value={values[f.key] ?? ''} onChange={(e) => { setValues({ ...values, [f.key]: e.target.value }); create.reset(); }} />
          </Field>
        ))}
      </div>
      <FormError error={create.error} fields={['body.kind', 'body.name', 'body.credentials', 'body.settings']} />
      <div className="form-actions">
        <Button variant="primary" type="submit" disabled={!name.trim() || create.isPending}>Connect</Button>
        {kind === 'api' ? <span className="muted small">Earshot generates the signing secret and shows it once.</span> : null}
      </div>
      {secret ? <p className="secret" role="status">Signing secret (shown once): <code>{secret}</code></p> : null}
    </form>
  );
}
