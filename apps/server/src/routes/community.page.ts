import { publicPageCsp } from './public-page-csp';
import type { CommunityHome, QuestionPage } from '@earshot/core';
import { escapeHtml as e } from './kb.page';

// The community's pages: server-rendered HTML with plain forms and no script at all, one inline
// stylesheet allowed by its hash. Small enough to be fast on a phone; laid out for 390 px first.
const CSS = `
:root { --bg: #f6f7f9; --surface: #fff; --border: #dfe3ea; --text: #161b26; --text-2: #4a5468; --text-3: #667085; --link: #3730a3; --accent: #4338ca; --ok: #067647; --warn: #b54708; --code: #f1f3f6; --on-accent: #fff; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --bg: #0e1117; --surface: #161b22; --border: #2a313c; --text: #e6e9ef; --text-2: #b3bac7; --text-3: #8d96a7; --link: #c7ccff; --accent: #818cf8; --ok: #47cd89; --warn: #fdb022; --code: #1c222c; --on-accent: #0e1117; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 16px/1.55 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--link); }
header { background: var(--surface); border-bottom: 1px solid var(--border); }
.bar { max-width: 820px; margin: 0 auto; padding: 10px 16px; display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; }
.bar .home { font-weight: 700; text-decoration: none; color: var(--text); margin-right: auto; }
.bar form.search { order: 3; flex: 1 1 100%; display: flex; gap: 6px; }
.bar form.search input { flex: 1; min-width: 0; }
main { max-width: 820px; margin: 0 auto; padding: 16px; }
h1 { font-size: 24px; line-height: 1.25; margin: 8px 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 24px 0 8px; }
input, textarea, select, button { font: inherit; }
input[type=text], input[type=email], input[type=search], textarea, select { width: 100%; padding: 10px; border: 1px solid var(--border); border-radius: 8px; background: var(--surface); color: var(--text); }
textarea { min-height: 140px; resize: vertical; }
textarea.short { min-height: 70px; }
.grow { margin-right: auto; }
label { display: block; font-weight: 600; margin: 12px 0 4px; }
button, .button { display: inline-block; padding: 10px 14px; min-height: 44px; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: var(--on-accent); text-decoration: none; cursor: pointer; }
button.quiet { background: transparent; color: var(--link); border-color: var(--border); }
button.small { padding: 4px 10px; min-height: 36px; font-size: 14px; }
form.inline { display: inline; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: 12px; padding: 14px 16px; margin: 10px 0; }
.list { list-style: none; padding: 0; margin: 0; }
.list li a.title { font-weight: 600; text-decoration: none; overflow-wrap: anywhere; }
.meta { color: var(--text-3); font-size: 14px; }
.excerpt { color: var(--text-2); margin: 4px 0; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--border); color: var(--text-2); vertical-align: middle; }
.badge.staff { background: var(--accent); border-color: var(--accent); color: var(--on-accent); }
.badge.ok { color: var(--ok); border-color: var(--ok); }
.badge.warn { color: var(--warn); border-color: var(--warn); }
.notice { border-left: 4px solid var(--warn); background: var(--surface); padding: 10px 12px; margin: 10px 0; border-radius: 6px; }
.notice.ok { border-color: var(--ok); }
.topics { display: flex; gap: 6px; flex-wrap: wrap; margin: 8px 0; }
.topics a { padding: 4px 12px; border: 1px solid var(--border); border-radius: 999px; text-decoration: none; font-size: 14px; background: var(--surface); }
.topics a[aria-current] { background: var(--accent); border-color: var(--accent); color: var(--on-accent); }
.body { overflow-wrap: anywhere; }
.body img { max-width: 100%; height: auto; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; background: var(--code); border-radius: 4px; }
code { padding: 1px 4px; } pre { padding: 12px; overflow: auto; } pre code { padding: 0; }
blockquote { margin: 0; padding-left: 14px; border-left: 3px solid var(--border); color: var(--text-2); }
.answer.accepted { border-color: var(--ok); border-width: 2px; }
.votes { display: flex; align-items: center; gap: 8px; margin-top: 8px; flex-wrap: wrap; }
.comments { margin: 8px 0 0; padding: 8px 0 0; border-top: 1px solid var(--border); font-size: 15px; }
.comments p { margin: 4px 0; overflow-wrap: anywhere; }
details summary { cursor: pointer; color: var(--link); font-size: 14px; min-height: 32px; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin-top: 12px; }
footer { max-width: 820px; margin: 24px auto; padding: 0 16px; color: var(--text-3); font-size: 14px; }
@media (min-width: 700px) { .bar form.search { order: 0; flex: 0 1 320px; } h1 { font-size: 28px; } main { padding: 24px 16px; } }
`;

/** No script may run (default-src 'none'), forms post only here, nothing may frame the page, the only style is the one above. */
export const COMMUNITY_CSP = publicPageCsp(CSS, { images: true, forms: true });

export interface Viewer { displayName: string; csrfToken: string }
export interface Chrome { brandName: string; brandSlug: string; viewer: Viewer | null; q?: string }

const base = (slug: string) => `/community/${encodeURIComponent(slug)}`;
const date = (iso: string) => new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const csrf = (v: Viewer | null) => (v ? `<input type="hidden" name="_csrf" value="${e(v.csrfToken)}">` : '');

export function layout(c: Chrome, title: string, inner: string): string {
  const b = base(c.brandSlug);
  const who = c.viewer
    ? `<a class="meta" href="${b}/profile">Signed in as <strong>${e(c.viewer.displayName)}</strong></a><form class="inline" method="post" action="${b}/signout">${csrf(c.viewer)}<button class="quiet small" type="submit">Sign out</button></form>`
    : `<a class="button small" href="${b}/signin">Sign in</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${e(title)} · ${e(c.brandName)} Community</title><style>${CSS}</style></head>
<body><header><div class="bar"><a class="home" href="${b}">${e(c.brandName)} Community</a>
<form class="search" method="get" action="${b}" role="search"><input type="search" name="q" value="${e(c.q ?? '')}" placeholder="Search questions and help articles" aria-label="Search" maxlength="200"><button class="small" type="submit">Search</button></form>
${who}</div></header>
<main>${inner}</main>
<footer>Answers from customers and the ${e(c.brandName)} team. Staff answers are marked <span class="badge staff">Staff</span>.</footer>
</body></html>
`;
}

export function homeHtml(c: Chrome, h: CommunityHome, f: { topic?: string | undefined; tag?: string | undefined }): string {
  const b = base(c.brandSlug);
  const topics = `<nav class="topics" aria-label="Topics"><a href="${b}"${!f.topic ? ' aria-current="page"' : ''}>All</a>${h.topics.map((t) => `<a href="${b}?topic=${encodeURIComponent(t.slug)}"${f.topic === t.slug ? ' aria-current="page"' : ''}>${e(t.name)}</a>`).join('')}</nav>`;
  if (h.search) {
    const items = h.search.map((r) => `<li class="card"><span class="badge${r.kind === 'article' ? ' ok' : ''}">${r.kind === 'article' ? 'Help article' : 'Question'}</span> <a class="title" href="${e(r.path)}">${e(r.title)}</a><p class="excerpt">${e(r.excerpt)}</p></li>`).join('');
    return layout(c, `Search: ${c.q ?? ''}`, `<h1>Results for “${e(c.q ?? '')}”</h1>${items ? `<ul class="list">${items}</ul>` : '<p>Nothing matched. Try other words, or ask the community.</p>'}<p><a class="button" href="${b}/ask">Ask a question</a></p>`);
  }
  const items = h.questions.map((q) => `<li class="card"><a class="title" href="${e(q.path)}">${e(q.title)}</a>
<p class="excerpt">${e(q.excerpt)}</p>
<p class="meta">${q.accepted ? '<span class="badge ok">✓ Answered</span> ' : q.answered ? '<span class="badge staff">Staff answered</span> ' : ''}${q.locked ? '<span class="badge">Locked</span> ' : ''}${q.score} ${Math.abs(q.score) === 1 ? 'vote' : 'votes'} · ${q.answers} ${q.answers === 1 ? 'answer' : 'answers'} · ${e(q.authorName)} · ${date(q.lastActivityAt)}${q.tags.map((t) => ` <a href="${b}?tag=${encodeURIComponent(t)}">#${e(t)}</a>`).join('')}</p></li>`).join('');
  const more = h.nextCursor ? `<p><a href="${b}?${new URLSearchParams({ ...(f.topic ? { topic: f.topic } : {}), ...(f.tag ? { tag: f.tag } : {}), cursor: h.nextCursor }).toString()}">Older questions →</a></p>` : '';
  return layout(c, 'Questions', `<div class="actions"><h1 class="grow">Questions${f.tag ? ` tagged #${e(f.tag)}` : ''}</h1><a class="button" href="${b}/ask">Ask a question</a></div>${topics}${items ? `<ul class="list">${items}</ul>` : '<p>No questions yet. Be the first to ask.</p>'}${more}`);
}

function commentsHtml(c: Chrome, p: QuestionPage, list: QuestionPage['question']['comments'], answerId: string | null): string {
  const b = base(c.brandSlug);
  const items = list.map((m) => `<p>${e(m.text)} <span class="meta">— ${e(m.authorName)}${m.held ? ' <span class="badge warn">Waiting for a moderator</span>' : ''}</span></p>`).join('');
  const form = c.viewer && !p.question.locked && !p.question.held
    ? `<details><summary>Add a comment</summary><form method="post" action="${b}/questions/${p.question.id}/comments">${csrf(c.viewer)}${answerId ? `<input type="hidden" name="answerId" value="${answerId}">` : ''}<textarea name="body" maxlength="2000" required aria-label="Comment" class="short"></textarea><button class="small" type="submit">Comment</button></form></details>` : '';
  return items || form ? `<div class="comments">${items}${form}</div>` : '';
}

function voteHtml(c: Chrome, p: QuestionPage, type: 'question' | 'answer', id: string, score: number, myVote: number, mine: boolean): string {
  const b = base(c.brandSlug);
  const can = c.viewer && !mine && !p.question.locked && myVote === 0;
  const btn = (value: 1 | -1, label: string) => `<form class="inline" method="post" action="${b}/votes">${csrf(c.viewer)}<input type="hidden" name="targetType" value="${type}"><input type="hidden" name="targetId" value="${id}"><input type="hidden" name="value" value="${value}"><button class="quiet small" type="submit" aria-label="${label}">${value === 1 ? '▲' : '▼'}</button></form>`;
  return `<span class="meta">${score} ${Math.abs(score) === 1 ? 'vote' : 'votes'}${myVote ? ` · you voted ${myVote > 0 ? 'up' : 'down'}` : ''}</span>${can ? btn(1, 'Vote up') + btn(-1, 'Vote down') : ''}`;
}

function reportHtml(c: Chrome, type: string, id: string): string {
  if (!c.viewer) return '';
  return `<details><summary>Report</summary><form method="post" action="${base(c.brandSlug)}/reports">${csrf(c.viewer)}<input type="hidden" name="targetType" value="${type}"><input type="hidden" name="targetId" value="${id}"><input type="text" name="reason" maxlength="500" required placeholder="What is wrong with it?" aria-label="Reason"><button class="small quiet" type="submit">Send report</button></form></details>`;
}

export function questionHtml(c: Chrome, p: QuestionPage, notice: string | null): string {
  const b = base(c.brandSlug);
  const q = p.question;
  const banners = [
    notice ? `<div class="notice ok" role="status">${e(notice)}</div>` : '',
    q.held ? '<div class="notice">Your question is waiting for a moderator. Others will see it once it is approved.</div>' : '',
    q.duplicateOf ? `<div class="notice">This question is a duplicate of <a href="${e(q.duplicateOf.path)}">${e(q.duplicateOf.title)}</a>.</div>` : q.locked ? '<div class="notice">This thread is locked: no new answers or comments.</div>' : '',
  ].join('');
  const answers = p.answers.map((a) => `<article class="card answer${a.accepted ? ' accepted' : ''}" id="answer-${a.id}">
<p class="meta">${a.accepted ? '<span class="badge ok">✓ Accepted answer</span> ' : ''}<strong>${e(a.authorName)}</strong>${a.staff ? ' <span class="badge staff">Staff</span>' : ''} · ${date(a.createdAt)}${a.held ? ' <span class="badge warn">Waiting for a moderator</span>' : ''}</p>
<div class="body">${a.html}</div>
<div class="votes">${voteHtml(c, p, 'answer', a.id, a.score, a.myVote, a.mine)}${p.canAccept && !a.accepted && !a.held ? `<form class="inline" method="post" action="${b}/questions/${q.id}/accept">${csrf(c.viewer)}<input type="hidden" name="answerId" value="${a.id}"><button class="small" type="submit">Accept this answer</button></form>` : ''}</div>
${commentsHtml(c, p, a.comments, a.id)}${a.mine ? '' : reportHtml(c, 'answer', a.id)}</article>`).join('');
  const answerForm = q.locked || q.held ? '' : c.viewer
    ? `<h2>Your answer</h2><form method="post" action="${b}/questions/${q.id}/answers">${csrf(c.viewer)}<textarea name="body" maxlength="20000" required aria-label="Your answer" placeholder="Markdown works: **bold**, lists, [links](https://…)"></textarea><div class="actions"><button type="submit">Post answer</button></div></form>`
    : `<p><a class="button" href="${b}/signin?next=${encodeURIComponent(`${b}/questions/${q.id}`)}">Sign in to answer</a></p>`;
  const related = p.related.length ? `<h2>Related help articles</h2><ul class="list">${p.related.map((r) => `<li class="card"><a class="title" href="${e(r.path)}">${e(r.title)}</a><p class="excerpt">${e(r.excerpt)}</p></li>`).join('')}</ul>` : '';
  return layout(c, q.title, `${banners}<article class="card"><h1>${e(q.title)}</h1>
<p class="meta"><a href="${b}?topic=${encodeURIComponent(q.topic)}">${e(q.topicName)}</a> · asked by <strong>${e(q.authorName)}</strong> · ${date(q.createdAt)}${q.tags.map((t) => ` <a href="${b}?tag=${encodeURIComponent(t)}">#${e(t)}</a>`).join('')}</p>
<div class="body">${q.html}</div>
<div class="votes">${voteHtml(c, p, 'question', q.id, q.score, q.myVote, q.mine)}</div>
${commentsHtml(c, p, q.comments, null)}${q.mine ? '' : reportHtml(c, 'question', q.id)}</article>
<h2>${p.answers.length} ${p.answers.length === 1 ? 'answer' : 'answers'}</h2>${answers}${answerForm}${related}`);
}

export function askHtml(c: Chrome, topics: { slug: string; name: string }[], error: string | null, values: { title?: string; body?: string; tags?: string; topic?: string } = {}): string {
  const b = base(c.brandSlug);
  return layout(c, 'Ask a question', `<h1>Ask a question</h1>${error ? `<div class="notice" role="alert">${e(error)}</div>` : ''}
<form class="card" method="post" action="${b}/questions">${csrf(c.viewer)}
<label for="title">Title</label><input type="text" id="title" name="title" maxlength="200" required value="${e(values.title ?? '')}" placeholder="What do you need help with?">
<label for="body">Details</label><textarea id="body" name="body" maxlength="20000" placeholder="What happened, what you tried. Markdown works.">${e(values.body ?? '')}</textarea>
<label for="topic">Topic</label><select id="topic" name="topic">${topics.map((t) => `<option value="${e(t.slug)}"${values.topic === t.slug ? ' selected' : ''}>${e(t.name)}</option>`).join('')}</select>
<label for="tags">Tags <span class="meta">(up to 5, separated by commas)</span></label><input type="text" id="tags" name="tags" maxlength="200" value="${e(values.tags ?? '')}">
<div class="actions"><button type="submit">Post question</button><a href="${b}">Cancel</a></div></form>`);
}

export function signInHtml(c: Chrome, state: { sent?: boolean; error?: string | null; next?: string }): string {
  const b = base(c.brandSlug);
  if (state.sent) return layout(c, 'Check your email', '<h1>Check your email</h1><div class="notice ok" role="status">If the address can receive mail, a sign-in link is on its way. It works once and expires soon.</div>');
  return layout(c, 'Sign in', `<h1>Sign in</h1><p>We email you a link; no password needed.</p>${state.error ? `<div class="notice" role="alert">${e(state.error)}</div>` : ''}
<form class="card" method="post" action="${b}/signin">
<label for="email">Email</label><input type="email" id="email" name="email" maxlength="320" required autocomplete="email">
<label for="displayName">Name others see <span class="meta">(new members)</span></label><input type="text" id="displayName" name="displayName" maxlength="60" autocomplete="nickname">
${state.next ? `<input type="hidden" name="next" value="${e(state.next)}">` : ''}<div class="actions"><button type="submit">Email me a link</button></div></form>`);
}

export function profileHtml(c: Chrome, name: string, error: string | null): string {
  return layout(c, 'Your profile', `<h1>Your profile</h1>${error ? `<div class="notice" role="alert">${e(error)}</div>` : ''}<form class="card" method="post" action="${base(c.brandSlug)}/profile">${csrf(c.viewer)}
<label for="displayName">Name others see</label><input type="text" id="displayName" name="displayName" maxlength="60" required value="${e(name)}"><div class="actions"><button type="submit">Save</button></div></form>`);
}

export function confirmHtml(c: Chrome, email: string, token: string): string {
  return layout(c, 'Sign in', `<h1>Sign in</h1><form class="card" method="post" action="${base(c.brandSlug)}/signin/verify"><p>Sign in as <strong>${e(email)}</strong>?</p><input type="hidden" name="token" value="${e(token)}"><button type="submit">Sign in</button></form>`);
}

export function messageHtml(c: Chrome, title: string, text: string, link?: { href: string; label: string }): string {
  return layout(c, title, `<h1>${e(title)}</h1><div class="notice" role="alert">${e(text)}</div>${link ? `<p><a class="button" href="${e(link.href)}">${e(link.label)}</a></p>` : ''}`);
}

/** A page for a community that does not exist (no brand chrome to show). */
export function notFoundPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not found</title><style>${CSS}</style></head><body><main><h1>Not found</h1><p>This community page does not exist.</p></main></body></html>\n`;
}
