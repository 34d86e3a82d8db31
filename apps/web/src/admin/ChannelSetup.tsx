import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { SetupField } from '@earshot/domain/channel-setup';
import { api } from '../api/client';
import { keys, useAction } from '../api/hooks';
import type { ChannelView } from '../api/types';
import { channelName } from '../ui/Icon';
import { Badge, Button, ErrorNote, Skeleton, formatTime } from '../ui/ui';
import { Field, FormError } from './fields';

interface SetupView {
  channel: ChannelView; credentials: SetupField[]; settings: SetupField[]; missing: string[]; webhookPath: string | null;
  challenge: { kind: 'x_crc' | 'meta_hub'; last: { at: string; ok: boolean; status: number } | null } | null;
}
const CHALLENGE_NAME = { x_crc: 'X\'s CRC check', meta_hub: 'Meta\'s subscription check (hub.challenge)' } as const;

/**
 * Step two of connecting a channel: what it still needs (filled in here), the webhook address to
 * paste into the provider's console, and a live check that the provider's challenge reached
 * Earshot and was answered (polled until it has).
 */
export function ChannelSetup({ id, onClose }: { id: string; onClose: () => void }) {
  const setupKey = ['channel-setup', id];
  const q = useQuery({
    queryKey: setupKey, queryFn: () => api<SetupView>('GET', `/api/v1/channels/${id}/setup`),
    refetchInterval: (query) => (query.state.data?.challenge && !query.state.data.challenge.last?.ok ? 2000 : false),
  });
  const [values, setValues] = useState<Record<string, string>>({});
  const save = useAction((v: { credentials: Record<string, string>; settings: Record<string, string> }) => api<{ channel: ChannelView }>('PATCH', `/api/v1/channels/${id}`, {
    ...(Object.keys(v.credentials).length ? { credentials: v.credentials } : {}), ...(Object.keys(v.settings).length ? { settings: v.settings } : {}),
  }), () => [setupKey, keys.channels]);
  const activate = useAction(() => api<{ channel: ChannelView }>('PATCH', `/api/v1/channels/${id}`, { status: 'active' }), () => [setupKey, keys.channels]);
  if (q.error) return <ErrorNote error={q.error} />;
  if (!q.data) return <Skeleton lines={5} />;
  const s = q.data;
  const url = s.webhookPath ? `${window.location.origin}${s.webhookPath}` : null;
  const fields = [...s.credentials.map((f) => ({ ...f, group: 'credentials' as const })), ...s.settings.map((f) => ({ ...f, group: 'settings' as const }))];
  const has = (f: SetupField & { group: string }) => (f.group === 'credentials' ? s.channel.credentialKeys.includes(f.key) : s.channel.settings[f.key] !== undefined);
  const submit = () => {
    const credentials: Record<string, string> = {};
    const settings: Record<string, string> = {};
    for (const f of fields) { const v = values[f.key]?.trim(); if (v) (f.group === 'credentials' ? credentials : settings)[f.key] = v; }
    save.mutate({ credentials, settings }, { onSuccess: () => setValues({}) });
  };
  return (
    <section className="setup" aria-label={`Set up ${s.channel.name}`}>
      <header className="setup-head">
        <h3>Set up {s.channel.name} <span className="muted small">({channelName(s.channel.kind)})</span></h3>
        <Badge tone={s.channel.status === 'active' ? 'good' : 'warn'}>{s.channel.status}</Badge>
        <Button size="sm" variant="ghost" onClick={onClose}>Close</Button>
      </header>
      {s.missing.length ? <p className="setup-missing" role="status">Not connected yet: it needs <strong>{s.missing.join(', ')}</strong>. It stays disconnected until it has them.</p>
        : <p className="setup-ok" role="status">Has everything its provider needs.</p>}
      {fields.length ? (
        <form aria-label="Channel credentials" onSubmit={(e) => { e.preventDefault(); submit(); }}>
          <div className="form-grid">
            {fields.map((f) => (
              <Field key={f.key} label={`${f.label}${f.required ? '' : ' (optional)'}`} field={`body.${f.group}`} error={null}
                hint={<>{f.help}{has(f) ? ' · set' : s.missing.includes(f.key) ? ' · missing' : ''}</>}>
                <input type={f.secret ? 'password' : 'text'} autoComplete="off" placeholder={has(f) ? (f.secret ? '•••••• (set; type to replace)' : String(s.channel.settings[f.key] ?? '')) : ''}
                  value={values[f.key] ?? ''} onChange={(e) => { setValues({ ...values, [f.key]: e.target.value }); save.reset(); activate.reset(); }} />
              </Field>
            ))}
          </div>
          <div className="form-actions">
            <Button type="submit" variant="primary" disabled={save.isPending}>Save credentials</Button>
            {s.channel.status !== 'active' ? <Button type="button" disabled={activate.isPending} onClick={() => activate.mutate(undefined)}>Activate</Button> : null}
          </div>
          <FormError error={save.error} fields={[]} />
          <FormError error={activate.error} fields={[]} />
        </form>
      ) : null}
      {url ? (
        <div className="setup-step">
          <h4>Webhook address</h4>
          <p className="muted small">Paste this into the provider&apos;s webhook settings{s.challenge ? '; the provider checks it at once' : ''}.</p>
          <div className="copy-row"><code aria-label="Webhook address" data-testid="webhook-url">{url}</code>
            <Button size="sm" type="button" onClick={() => void navigator.clipboard?.writeText(url)}>Copy</Button></div>
          {s.challenge ? (
            <p className={`challenge ${s.challenge.last?.ok ? 'ok' : s.challenge.last ? 'bad' : ''}`} role="status" aria-label="Challenge check">
              {s.challenge.last?.ok ? <>✓ {CHALLENGE_NAME[s.challenge.kind]} reached Earshot at {formatTime(s.challenge.last.at)} and was answered.</>
                : s.challenge.last ? <>✗ {CHALLENGE_NAME[s.challenge.kind]} reached Earshot at {formatTime(s.challenge.last.at)} but was refused ({s.challenge.last.status}): check the {s.challenge.kind === 'x_crc' ? 'consumer secret' : 'verify token'}.</>
                : <>Waiting for {CHALLENGE_NAME[s.challenge.kind]}… (checking every 2 s)</>}
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
