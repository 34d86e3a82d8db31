import { useCommunityActions, useCommunityQuestions, useModerationQueue, type CommunityPost, type CommunityQuestion } from '../api/community';
import { useSession } from '../app/session';
import { Icon } from '../ui/Icon';
import { Badge, Button, Empty, ErrorNote, Skeleton, timeAgo } from '../ui/ui';

const HELD: Record<string, string> = { first_post: 'First post', spam: 'Spam (triage)' };

/** Admin → Community: the moderation queue (held and reported posts) and the latest questions. Unanswered ones reach the inbox on their own. */
export function CommunityAdmin() {
  const queue = useModerationQueue();
  const questions = useCommunityQuestions();
  return (
    <>
      <div className="card kb-card">
        <div className="kb-head"><div><h2>Moderation queue</h2><p className="muted">New members&apos; first posts, posts triage calls spam, and reported posts. Approving a post trusts its author.</p></div></div>
        {queue.error ? <ErrorNote error={queue.error} onRetry={() => void queue.refetch()} />
          : queue.isPending ? <Skeleton lines={4} />
          : !queue.data.items.length ? <Empty icon="check" title="Nothing waits for a moderator" />
          : <ul className="kb-list" aria-label="Moderation queue">{queue.data.items.map((p) => <QueueRow key={`${p.type}:${p.id}`} p={p} />)}</ul>}
      </div>
      <div className="card kb-card">
        <div className="kb-head"><div><h2>Questions</h2><p className="muted">Latest activity first. A question without an accepted or staff answer goes to the inbox after the community&apos;s hours.</p></div></div>
        {questions.error ? <ErrorNote error={questions.error} onRetry={() => void questions.refetch()} />
          : questions.isPending ? <Skeleton lines={4} />
          : !questions.data.items.length ? <Empty icon="book" title="No questions yet" />
          : <ul className="kb-list" aria-label="Community questions">{questions.data.items.map((q) => <QuestionRow key={q.id} q={q} />)}</ul>}
      </div>
    </>
  );
}

function QueueRow({ p }: { p: CommunityPost }) {
  const { moderate, dismiss } = useCommunityActions();
  const busy = moderate.isPending || dismiss.isPending;
  return (
    <li className="kb-row" data-post-id={p.id}>
      <div className="kb-row-main">
        <div className="kb-row-top">
          <Badge>{p.type}</Badge>
          {p.status === 'held' ? <Badge tone="warn">{HELD[p.heldReason ?? ''] ?? 'Held'}</Badge> : null}
          {p.reports.length ? <Badge tone="bad">{p.reports.length} report{p.reports.length === 1 ? '' : 's'}</Badge> : null}
          <span className="small muted">{p.authorName} · {timeAgo(p.createdAt)} ago · on “{p.questionTitle}”</span>
        </div>
        <p className="kb-excerpt">{p.body.slice(0, 400)}</p>
        {p.reports.map((r) => <p key={r.id} className="small muted">Reported: {r.reason}</p>)}
      </div>
      <div className="row-actions">
        {p.status === 'held' ? <Button size="sm" variant="primary" disabled={busy} onClick={() => moderate.mutate({ type: p.type, id: p.id, action: 'approve' })}>Approve</Button> : null}
        <Button size="sm" disabled={busy} onClick={() => moderate.mutate({ type: p.type, id: p.id, action: 'hide' })}>Hide</Button>
        {p.status !== 'held' && p.reports.length ? <Button size="sm" disabled={busy} onClick={() => { for (const r of p.reports) dismiss.mutate(r.id); }}>Dismiss</Button> : null}
      </div>
    </li>
  );
}

function QuestionRow({ q }: { q: CommunityQuestion }) {
  const { can } = useSession();
  const { moderate, promote } = useCommunityActions();
  const busy = moderate.isPending || promote.isPending;
  return (
    <li className="kb-row" data-question-id={q.id}>
      <div className="kb-row-main">
        <div className="kb-row-top">
          <a className="kb-title-button" href={q.path} target="_blank" rel="noopener noreferrer">{q.title}</a>
          {q.acceptedAnswerId ? <Badge tone="good">Accepted</Badge> : q.answered ? <Badge tone="good">Staff answered</Badge> : <Badge tone="warn">Unanswered</Badge>}
          {q.escalatedAt ? <Badge>In the inbox</Badge> : null}
          {q.locked ? <Badge><Icon name="lock" size={11} /> Locked</Badge> : null}
          {q.status !== 'visible' ? <Badge tone="warn">{q.status}</Badge> : null}
          {q.kbArticleId ? <Badge tone="good">Article draft</Badge> : null}
        </div>
        <p className="kb-excerpt muted">{q.excerpt}</p>
        <span className="small muted">{q.authorName} · {q.answers} {q.answers === 1 ? 'answer' : 'answers'} · {q.score} {Math.abs(q.score) === 1 ? 'vote' : 'votes'} · {timeAgo(q.createdAt)} ago</span>
      </div>
      <div className="row-actions">
        <Button size="sm" disabled={busy} onClick={() => moderate.mutate({ type: 'question', id: q.id, action: q.locked ? 'unlock' : 'lock' })}>{q.locked ? 'Unlock' : 'Lock'}</Button>
        {q.status === 'hidden' ? <Button size="sm" disabled={busy} onClick={() => moderate.mutate({ type: 'question', id: q.id, action: 'unhide' })}>Unhide</Button>
          : <Button size="sm" disabled={busy} onClick={() => moderate.mutate({ type: 'question', id: q.id, action: 'hide' })}>Hide</Button>}
        {can('kb:manage') && q.status === 'visible' ? <Button size="sm" disabled={busy || !!q.kbArticleId} onClick={() => promote.mutate(q.id)}>{q.kbArticleId ? 'Promoted' : 'Promote to article'}</Button> : null}
      </div>
    </li>
  );
}
