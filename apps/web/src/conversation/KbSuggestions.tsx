import { useId, useState } from 'react';
import { errorMessage } from '../api/client';
import { articleUrl, useKbSuggestions } from '../api/kb';
import type { ConversationView } from '../api/types';
import { Icon } from '../ui/Icon';
import { Button, Skeleton } from '../ui/ui';

const SHOWN = 3;

/**
 * Published knowledge-base articles for the customer's latest question(s). "Insert link" puts the
 * article's title and public link into the reply; the agent still writes the rest.
 */
export function KbSuggestions({ conversation: c, onInsert }: { conversation: ConversationView; onInsert: (snippet: string) => void }) {
  const s = useKbSuggestions(c.id, c.lastActivityAt, true);
  const [all, setAll] = useState(false);
  const heading = useId();
  const items = s.data?.items ?? [];
  return (
    <section className="kb-suggest" aria-labelledby={heading} aria-busy={s.isFetching}>
      <h3 id={heading} className="kb-suggest-title"><Icon name="book" size={13} /> Suggested articles{items.length ? <span className="muted"> · {items.length}</span> : null}</h3>
      {s.error ? (
        <div className="kb-suggest-note form-error" role="alert">Suggestions are unavailable: {errorMessage(s.error)} <Button size="sm" variant="ghost" onClick={() => void s.refetch()}>Try again</Button></div>
      ) : s.isPending ? <Skeleton lines={1} className="kb-suggest-loading" />
        : !items.length ? (
          <p className="kb-suggest-note muted">{s.data.terms.length ? 'No published article matches the customer’s latest question.' : 'Nothing to look up in the customer’s latest message.'}</p>
        ) : (
          <ul className="kb-suggest-list">
            {(all ? items : items.slice(0, SHOWN)).map((a) => (
              <li key={a.id} className="kb-suggest-item" data-article-slug={a.slug}>
                <div className="kb-suggest-text">
                  <a href={a.path} target="_blank" rel="noopener noreferrer" className="kb-suggest-link">{a.title}</a>
                  <span className="muted small" title={a.excerpt}>{a.matched.length ? `Matches ${a.matched.slice(0, 4).join(', ')}` : a.excerpt}</span>
                </div>
                <Button size="sm" aria-label={`Insert link to “${a.title}”`} onClick={() => onInsert(`${a.title}: ${articleUrl(a.path)}`)}><Icon name="link" size={13} /> Insert link</Button>
              </li>
            ))}
            {items.length > SHOWN ? <li><Button size="sm" variant="ghost" aria-expanded={all} onClick={() => setAll(!all)}>{all ? 'Fewer' : `${items.length - SHOWN} more`}</Button></li> : null}
          </ul>
        )}
    </section>
  );
}
