import { useDeferredValue, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api/client';
import { useContactSearch, type ContactMatch } from '../api/contacts';
import { keys, useAction } from '../api/hooks';
import type { ContactView } from '../api/types';
import { ChannelIcon, Icon } from '../ui/Icon';
import { Avatar, Badge, Button, Dialog, Skeleton } from '../ui/ui';

const label = (c: { name: string | null; identities: { handle: string | null; displayName: string | null; externalId: string }[] }) =>
  c.name ?? c.identities[0]?.handle ?? c.identities[0]?.displayName ?? c.identities[0]?.externalId ?? 'Unknown customer';

function Identities({ c }: { c: Pick<ContactMatch, 'identities'> }) {
  return (
    <ul className="match-identities">
      {c.identities.map((i) => <li key={i.id}><ChannelIcon kind={i.channelKind} /><span>{i.handle ?? i.displayName ?? i.externalId}</span></li>)}
    </ul>
  );
}

/**
 * "Merge with…": search the brand's customers by name, handle or email, pick the duplicate, confirm.
 * The duplicate's identities and conversations move to this customer (one API call).
 */
export function MergeDialog({ open, target, onClose, onMerged }: { open: boolean; target: ContactView; onClose: () => void; onMerged: (source: ContactMatch) => void }) {
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<ContactMatch | null>(null);
  const term = useDeferredValue(q);
  const search = useContactSearch(term, target.id, open && !picked);
  const items = search.data?.pages.flatMap((p) => p.items) ?? [];
  const merge = useAction((sourceId: string) => api<ContactView>('POST', `/api/v1/contacts/${target.id}/merge`, { sourceId }), () => [keys.contact(target.id), ['contact'], ['contacts'], ['conversation'], ['conversations']]);
  const close = () => { setPicked(null); setQ(''); merge.reset(); onClose(); };
  const input = useRef<HTMLInputElement>(null);
  // The native dialog opens in its own effect (a child's, so it runs first); then the search box takes focus.
  useEffect(() => { if (open && !picked) input.current?.focus(); }, [open, picked]);

  return (
    <Dialog open={open} title={picked ? 'Confirm the merge' : 'Merge with another customer'} onClose={close} footer={picked ? <>
      <Button onClick={() => { setPicked(null); merge.reset(); }}>Back</Button>
      <Button variant="danger" disabled={merge.isPending} onClick={() => merge.mutate(picked.id, { onSuccess: () => { onMerged(picked); close(); } })}>Merge into {label(target)}</Button>
    </> : <Button onClick={close}>Cancel</Button>}>
      {picked ? (
        <div className="merge-confirm">
          <p><strong>{label(picked)}</strong> becomes part of <strong>{label(target)}</strong>: {picked.identities.length} {picked.identities.length === 1 ? 'identity' : 'identities'} and {picked.conversationCount} {picked.conversationCount === 1 ? 'conversation' : 'conversations'} move over, tags and notes are combined.</p>
          <div className="merge-pair">
            <div><h3>Duplicate</h3><Identities c={picked} /></div>
            <Icon name="merge" size={20} />
            <div><h3>Keeps</h3><Identities c={target} /></div>
          </div>
          <p className="muted small">A wrong merge can be undone one identity at a time with “Move out” in the profile.</p>
          {merge.error ? <p className="form-error" role="alert">{errorMessage(merge.error)}</p> : null}
        </div>
      ) : (
        <>
          <label className="field"><span>Search customers by name, handle or email</span>
            <input ref={input} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="e.g. Maria, @maria_g, maria@example.com" />
          </label>
          {!term.trim() ? <p className="muted small">Type part of a name, handle or email.</p>
            : search.error ? <p className="form-error" role="alert">{errorMessage(search.error)}</p>
            : !search.data ? <Skeleton lines={3} />
            : !items.length ? <p className="muted" role="status">No other customer matches “{term.trim()}”.</p>
            : (
              <ul className="match-list" aria-label="Matching customers" aria-busy={search.isFetching}>
                {items.map((m) => (
                  <li key={m.id}>
                    <button type="button" className="match" onClick={() => setPicked(m)} aria-label={`Choose ${label(m)}`}>
                      <Avatar name={label(m)} size={28} />
                      <span className="match-body">
                        <span className="match-name">{label(m)}{m.vip ? <Badge tone="warn">VIP</Badge> : null}</span>
                        {m.email ? <span className="muted small">{m.email}</span> : null}
                        <Identities c={m} />
                      </span>
                      <span className="muted small">{m.conversationCount} conv.</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          {search.hasNextPage ? <Button size="sm" disabled={search.isFetchingNextPage} onClick={() => void search.fetchNextPage()}>Show more</Button> : null}
        </>
      )}
    </Dialog>
  );
}
