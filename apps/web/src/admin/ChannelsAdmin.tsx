import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { keys, useAction, useChannels } from '../api/hooks';
import type { ChannelView } from '../api/types';
import { useSession } from '../app/session';
import { ChannelIcon, channelName } from '../ui/Icon';
import { Badge, Button, Empty, ErrorNote, Skeleton, timeAgo } from '../ui/ui';

const KINDS = ['api', 'x', 'facebook', 'instagram', 'email', 'feed', 'webchat', 'webform', 'phone', 'community'];

export function ChannelsAdmin() {
  const { can } = useSession();
  const q = useChannels();
  const [kind, setKind] = useState('api');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction((v: { kind: string; name: string }) => api<{ channel: ChannelView; secret: string | null }>('POST', '/api/v1/channels', v), () => [keys.channels]);
  return (
    <div className="card">
      <h2>Channels</h2>
      <p className="muted">Where customers reach you. Provider credentials are stored encrypted and never shown again.</p>
      {q.error ? <ErrorNote error={q.error} /> : q.isPending ? <Skeleton lines={4} /> : !q.data.length ? <Empty title="No channels yet" /> : (
        <table className="table">
          <thead><tr><th>Channel</th><th>Kind</th><th>Status</th><th>Connected</th></tr></thead>
          <tbody>{q.data.map((c) => (
            <tr key={c.id}><td><ChannelIcon kind={c.kind} /> {c.name}</td><td>{channelName(c.kind)}</td>
              <td><Badge tone={c.status === 'active' ? 'good' : c.status === 'error' ? 'bad' : 'neutral'} title={c.statusDetail ?? undefined}>{c.status}</Badge></td><td>{timeAgo(c.createdAt)} ago</td></tr>
          ))}</tbody>
        </table>
      )}
      {can('channel:manage') ? (
        <form className="inline-form" onSubmit={(e) => { e.preventDefault(); create.mutate({ kind, name: name.trim() }, { onSuccess: (r) => { setName(''); setSecret(r.secret); } }); }}>
          <h3>Connect a channel</h3>
          <label className="inline-field"><span>Kind</span><select value={kind} onChange={(e) => setKind(e.target.value)}>{KINDS.map((k) => <option key={k} value={k}>{channelName(k)}</option>)}</select></label>
          <label className="inline-field"><span>Name</span><input required value={name} onChange={(e) => setName(e.target.value)} placeholder="Support inbox" /></label>
          <Button variant="primary" type="submit" disabled={!name.trim() || create.isPending}>Connect</Button>
          {create.error ? <p className="form-error" role="alert">{errorMessage(create.error)}</p> : null}
          {secret ? <p className="secret" role="status">Signing secret (shown once): <code>{secret}</code></p> : null}
          <p className="muted small">Provider channels (X, Facebook, Instagram, email) take credentials; connect them through the API (<code>POST /api/v1/channels</code> with credentials), see docs/channels.md.</p>
        </form>
      ) : null}
    </div>
  );
}
