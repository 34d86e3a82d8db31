import { useDeferredValue, useState } from 'react';
import { useKbArticles, type KbArticleStatus, type KbArticleSummary } from '../api/kb';
import { useSession } from '../app/session';
import { Icon } from '../ui/Icon';
import { Badge, Button, Empty, ErrorNote, Skeleton, timeAgo, type Tone } from '../ui/ui';
import { KbEditor } from './KbEditor';

export const STATUS_LABEL: Record<KbArticleStatus, [string, Tone]> = { draft: ['Draft', 'neutral'], published: ['Published', 'good'], archived: ['Archived', 'warn'] };

/** Admin → Knowledge base: the brand's articles, searched and filtered; opens the editor. */
export function KbAdmin() {
  const { can } = useSession();
  const manage = can('kb:manage');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<KbArticleStatus | ''>('');
  const [open, setOpen] = useState<string | 'new' | null>(null);
  const term = useDeferredValue(q);
  const articles = useKbArticles(term, status);

  if (open) return <KbEditor id={open === 'new' ? null : open} onClose={() => setOpen(null)} onCreated={(id) => setOpen(id)} />;
  const items = articles.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="card kb-card">
      <div className="kb-head">
        <div>
          <h2>Knowledge base</h2>
          <p className="muted">Written answers to repeat questions. Published articles have a public page, and the composer suggests them for a customer&apos;s question.</p>
        </div>
        {manage ? <Button variant="primary" onClick={() => setOpen('new')}>New article</Button> : null}
      </div>
      <div className="kb-toolbar" role="search">
        <label className="search kb-search">
          <Icon name="search" size={14} />
          <span className="sr-only">Search articles</span>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search titles, tags and text…" />
        </label>
        <label className="inline-field">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as KbArticleStatus | '')}>
            <option value="">Drafts and published</option>
            <option value="draft">Drafts</option>
            <option value="published">Published</option>
            <option value="archived">Archived</option>
          </select>
        </label>
      </div>
      {articles.error ? <ErrorNote error={articles.error} onRetry={() => void articles.refetch()} />
        : articles.isPending ? <Skeleton lines={6} />
        : !items.length ? (
          <Empty icon="search" title={term.trim() ? `No article matches “${term.trim()}”` : status ? 'No articles with this status' : 'No articles yet'}>
            {term.trim() || status ? 'Try other words or another status.' : manage ? 'Write the answer to a question customers ask again and again.' : 'Admins and supervisors write articles here.'}
          </Empty>
        ) : (
          <ul className="kb-list" aria-label="Articles" aria-busy={articles.isFetching}>
            {items.map((a) => <ArticleRow key={a.id} a={a} manage={manage} onOpen={() => setOpen(a.id)} />)}
          </ul>
        )}
      {articles.hasNextPage ? <Button onClick={() => void articles.fetchNextPage()} disabled={articles.isFetchingNextPage}>{articles.isFetchingNextPage ? 'Loading…' : 'More articles'}</Button> : null}
    </div>
  );
}

function ArticleRow({ a, manage, onOpen }: { a: KbArticleSummary; manage: boolean; onOpen: () => void }) {
  const [label, tone] = STATUS_LABEL[a.status];
  return (
    <li className="kb-row" data-article-slug={a.slug}>
      <div className="kb-row-main">
        <div className="kb-row-top">
          <button type="button" className="kb-title-button" onClick={onOpen}>{a.title}</button>
          <Badge tone={tone}>{label}</Badge>
          {a.tags.map((t) => <Badge key={t}>{t}</Badge>)}
        </div>
        <p className="kb-excerpt muted">{a.excerpt || 'No text yet.'}</p>
        <span className="small muted">Updated {timeAgo(a.updatedAt) === 'now' ? 'just now' : `${timeAgo(a.updatedAt)} ago`}{a.authorName ? ` · by ${a.authorName}` : ''}</span>
      </div>
      <div className="row-actions">
        {a.status === 'published' ? <a className="btn btn-ghost btn-sm" href={a.path} target="_blank" rel="noopener noreferrer"><Icon name="link" size={13} /> Public page</a> : null}
        <Button size="sm" onClick={onOpen}>{manage ? 'Edit' : 'Open'}</Button>
      </div>
    </li>
  );
}
