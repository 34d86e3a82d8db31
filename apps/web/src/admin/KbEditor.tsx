import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import { useKbActions, useKbArticle, useKbPreview, type KbArticleInput, type KbArticleStatus, type KbArticleView } from '../api/kb';
import { useSession } from '../app/session';
import { Icon } from '../ui/Icon';
import { Badge, Button, Dialog, ErrorNote, Skeleton } from '../ui/ui';
import { STATUS_LABEL } from './KbAdmin';

interface Draft { title: string; slug: string; tags: string; body: string }
const blank: Draft = { title: '', slug: '', tags: '', body: '' };
const fromView = (a: KbArticleView): Draft => ({ title: a.title, slug: a.slug, tags: a.tags.join(', '), body: a.body });
const tagList = (s: string) => s.split(',').map((t) => t.trim()).filter(Boolean);

/** The value, once it has stopped changing for `ms` (the preview does not ask the server on every keystroke). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export function KbEditor({ id, onClose, onCreated }: { id: string | null; onClose: () => void; onCreated: (id: string) => void }) {
  const article = useKbArticle(id);
  if (id && article.error) return <div className="card"><ErrorNote error={article.error} onRetry={() => void article.refetch()} /><Button onClick={onClose}>Back to articles</Button></div>;
  if (id && !article.data) return <div className="card"><Skeleton lines={8} /></div>;
  return <EditorForm article={article.data ?? null} onClose={onClose} onCreated={onCreated} />;
}

function EditorForm({ article, onClose, onCreated }: { article: KbArticleView | null; onClose: () => void; onCreated: (id: string) => void }) {
  const { can } = useSession();
  const manage = can('kb:manage');
  const actions = useKbActions();
  const [d, setD] = useState<Draft>(article ? fromView(article) : blank);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const body = useSettled(d.body, 300);
  const preview = useKbPreview(body, manage);
  const status = article?.status ?? 'draft';
  const slugFixed = !!article?.publishedAt;
  const busy = actions.create.isPending || actions.update.isPending || actions.remove.isPending;
  const error = actions.create.error ?? actions.update.error ?? actions.remove.error;
  const dirty = article ? JSON.stringify(fromView(article)) !== JSON.stringify(d) : d.title.trim() !== '' || d.body.trim() !== '';

  const input = (next?: KbArticleStatus): KbArticleInput => ({
    title: d.title.trim(), body: d.body, tags: tagList(d.tags),
    ...(d.slug.trim() && !slugFixed ? { slug: d.slug.trim() } : {}), ...(next ? { status: next } : {}),
  });
  const save = (next?: KbArticleStatus) => {
    setNotice(null);
    const said = next === 'published' ? 'Published: the public page is live.' : next === 'draft' ? 'Unpublished: back to draft.' : next === 'archived' ? 'Archived.' : 'Saved.';
    if (!article) actions.create.mutate(input(next), { onSuccess: (a) => { setNotice(said); onCreated(a.id); } });
    else actions.update.mutate({ id: article.id, patch: input(next) }, { onSuccess: () => setNotice(said) });
  };

  const [label, tone] = STATUS_LABEL[status];
  return (
    <div className="card kb-card">
      <div className="kb-head">
        <div>
          <Button variant="ghost" size="sm" onClick={onClose}>← All articles</Button>
          <h2 className="kb-editor-title">{article ? (manage ? 'Edit article' : article.title) : 'New article'} <Badge tone={tone}>{label}</Badge></h2>
        </div>
        {article?.status === 'published' ? <a className="btn btn-secondary btn-sm" href={article.path} target="_blank" rel="noopener noreferrer"><Icon name="link" size={13} /> View public page</a> : null}
      </div>
      {!manage ? (
        // Readers see the words as text; only writers get the rendered preview.
        <div className="kb-readonly"><p className="muted small">{article?.tags.join(', ')}</p><pre className="kb-source">{article?.body}</pre></div>
      ) : (
        <form className="kb-editor" aria-label="Article" onSubmit={(e) => { e.preventDefault(); save(); }}>
          <div className="kb-fields">
            <label className="field"><span>Title</span><input required maxLength={200} value={d.title} onChange={(e) => setD({ ...d, title: e.target.value })} placeholder="Where is my order?" /></label>
            <label className="field">
              <span>Public address</span>
              <input value={d.slug} disabled={slugFixed} maxLength={100} onChange={(e) => setD({ ...d, slug: e.target.value })} placeholder="made from the title" aria-describedby="kb-slug-help" />
              <small id="kb-slug-help" className="muted">{slugFixed ? 'Fixed once published: customers may already have the link.' : 'Lower-case words joined by hyphens, e.g. where-is-my-order.'}</small>
            </label>
            <label className="field"><span>Tags</span><input value={d.tags} onChange={(e) => setD({ ...d, tags: e.target.value })} placeholder="delivery, orders" aria-describedby="kb-tags-help" /><small id="kb-tags-help" className="muted">Separated by commas. Words in tags count for suggestions.</small></label>
            <label className="field kb-body-field"><span>Text (Markdown)</span><textarea required rows={16} value={d.body} onChange={(e) => setD({ ...d, body: e.target.value })} placeholder={'Most parcels arrive within…\n\n1. Open the tracking page\n2. …'} /></label>
          </div>
          <section className="kb-preview-panel" aria-labelledby="kb-preview-title">
            <h3 id="kb-preview-title">Preview <span className="muted small">as customers see it</span></h3>
            {preview.error ? <ErrorNote error={preview.error} onRetry={() => void preview.refetch()} />
              : !d.body.trim() ? <p className="muted">The preview shows here as you write.</p>
              : !preview.data ? <Skeleton lines={5} />
              // Rendered by the server with raw HTML escaped and unsafe links refused (docs/adr/0011-kb-markdown.md).
              : <div className="kb-prose" data-testid="kb-preview" aria-busy={preview.isFetching} dangerouslySetInnerHTML={{ __html: preview.data.html }} />}
          </section>
          <div className="kb-actions">
            {status === 'published' ? (
              <>
                <Button variant="primary" type="submit" disabled={busy || !dirty}>Save changes</Button>
                <Button onClick={() => save('draft')} disabled={busy}>Unpublish</Button>
                <Button variant="ghost" onClick={() => save('archived')} disabled={busy}>Archive</Button>
              </>
            ) : (
              <>
                <Button variant="primary" onClick={() => save('published')} disabled={busy || !d.title.trim() || !d.body.trim()}>Publish</Button>
                <Button type="submit" disabled={busy || !dirty}>{status === 'archived' ? 'Save' : 'Save draft'}</Button>
                {status === 'archived' ? <Button onClick={() => save('draft')} disabled={busy}>Restore as draft</Button> : null}
              </>
            )}
            <span className="spacer" />
            {notice ? <span className="ok small" role="status">{notice}</span> : null}
            {error ? <span className="form-error small" role="alert">{errorMessage(error)}</span> : null}
            {article ? <Button variant="danger" onClick={() => setConfirmDelete(true)} disabled={busy}>Delete</Button> : null}
          </div>
        </form>
      )}
      {article ? (
        <Dialog open={confirmDelete} title="Delete this article?" onClose={() => setConfirmDelete(false)} footer={(
          <>
            <Button onClick={() => setConfirmDelete(false)}>Cancel</Button>
            <Button variant="danger" onClick={() => actions.remove.mutate(article.id, { onSuccess: () => { setConfirmDelete(false); onClose(); } })}>Delete article</Button>
          </>
        )}>
          <p>“{article.title}” is deleted for good{article.status === 'published' ? ', and its public page stops working at once. Links already sent to customers will show “Article not found”' : ''}. Archiving keeps it instead.</p>
        </Dialog>
      ) : null}
    </div>
  );
}
