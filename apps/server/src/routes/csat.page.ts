import { publicPageCsp } from './public-page-csp';
import { CSAT_LOW_SCORE, CSAT_REASONS } from '@earshot/domain';
import type { PublicSurvey } from '@earshot/core';
import { escapeHtml } from './kb.page';

// The public survey page: plain HTML forms, no script at all, one inline stylesheet allowed by its
// hash; big tap targets so it answers well on a phone. Light and dark from the reader's preference.
const CSS = `
:root { --bg: #f6f7f9; --surface: #fff; --border: #cfd5df; --text: #161b26; --text-2: #4a5468; --accent: #3730a3; --accent-text: #fff; --bad: #b42318; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --bg: #0e1117; --surface: #161b22; --border: #3a4350; --text: #e6e9ef; --text-2: #b3bac7; --accent: #a5b4fc; --accent-text: #0e1117; --bad: #fda29b; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 17px/1.5 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 560px; margin: 40px auto; padding: 28px 32px; background: var(--surface); border: 1px solid var(--border); border-radius: 14px; }
.brand { margin: 0 0 6px; color: var(--text-2); font-size: 14px; font-weight: 600; letter-spacing: .02em; }
h1 { margin: 0 0 8px; font-size: 24px; line-height: 1.25; }
p { margin: 0 0 16px; color: var(--text-2); }
fieldset { border: 0; margin: 0 0 20px; padding: 0; }
legend { font-weight: 600; margin-bottom: 10px; padding: 0; }
.scores { display: grid; grid-template-columns: repeat(5, 1fr); gap: 8px; }
.scores label { display: block; }
.scores input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.scores span { display: flex; flex-direction: column; align-items: center; justify-content: center; min-height: 64px; border: 2px solid var(--border); border-radius: 10px; font-size: 22px; font-weight: 700; cursor: pointer; }
.scores small { font-size: 11px; font-weight: 500; color: var(--text-2); }
.scores input:checked + span { border-color: var(--accent); background: var(--accent); color: var(--accent-text); }
.scores input:checked + span small { color: var(--accent-text); }
.scores input:focus-visible + span { outline: 3px solid var(--accent); outline-offset: 2px; }
.reasons label { display: flex; gap: 10px; align-items: center; min-height: 44px; }
.reasons input { width: 20px; height: 20px; }
textarea { width: 100%; min-height: 96px; padding: 10px; font: inherit; color: inherit; background: transparent; border: 1px solid var(--border); border-radius: 8px; }
button { min-height: 48px; padding: 0 22px; font: inherit; font-weight: 600; border: 0; border-radius: 10px; background: var(--accent); color: var(--accent-text); cursor: pointer; }
.error { color: var(--bad); font-weight: 600; }
footer { margin-top: 24px; color: var(--text-2); font-size: 13px; }
@media (max-width: 600px) { main { margin: 0; border: 0; border-radius: 0; min-height: 100vh; padding: 24px 18px; } .scores { gap: 6px; } }
`;

export const CSAT_CSP = publicPageCsp(CSS, { images: false, forms: true });

const LABELS = ['Very poor', 'Poor', 'Okay', 'Good', 'Great'];

function page(title: string, inner: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>${inner}</main></body></html>
`;
}

function until(s: PublicSurvey): string {
  return new Date(s.expiresAt).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

function scoreInputs(selected: number | null): string {
  return [1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="score" value="${n}" required${selected === n ? ' checked' : ''}><span>${n}<small>${LABELS[n - 1] ?? ''}</small></span></label>`).join('');
}

/** The form: score and comment (and, after a low score, the reasons). `error` is shown above it. */
export function surveyHtml(action: string, s: PublicSurvey, opts: { error?: string; askReasons?: boolean } = {}): string {
  const who = s.agentName ? `${escapeHtml(s.agentName)} from ${escapeHtml(s.brandName)}` : escapeHtml(s.brandName);
  const reasons = opts.askReasons ? `<fieldset class="reasons"><legend>Sorry about that. What went wrong?</legend>${Object.entries(CSAT_REASONS)
    .map(([k, v]) => `<label><input type="checkbox" name="reasons" value="${k}"${s.reasons.includes(k) ? ' checked' : ''}> ${escapeHtml(v)}</label>`).join('')}</fieldset>` : '';
  return page(`How did we do? · ${s.brandName}`, `<p class="brand">${escapeHtml(s.brandName)}</p>
<h1>${opts.askReasons ? 'Tell us a little more' : 'How did we do?'}</h1>
<p>${s.answered ? 'You can change your answer until ' + escapeHtml(until(s)) + '.' : `${who} helped you recently. How was it?`}</p>
${opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<fieldset><legend>Your rating, 1 (very poor) to 5 (great)</legend><div class="scores">${scoreInputs(s.score)}</div></fieldset>
${reasons}
<label for="comment"><strong>Anything you want to add?</strong> <small>(optional)</small></label>
<textarea id="comment" name="comment" maxlength="2000">${escapeHtml(s.comment ?? '')}</textarea>
<p></p><button type="submit">${s.answered ? 'Update my answer' : 'Send'}</button>
</form>
<footer>Your answer goes to ${escapeHtml(s.brandName)}'s care team.</footer>`);
}

export function thanksHtml(action: string, s: PublicSurvey, taskOpened: boolean): string {
  const low = (s.score ?? 5) <= CSAT_LOW_SCORE;
  return page(`Thank you · ${s.brandName}`, `<p class="brand">${escapeHtml(s.brandName)}</p>
<h1>Thank you</h1>
<p>You rated us <strong>${s.score ?? '–'}/5</strong>${s.comment ? ' and left a comment' : ''}.${taskOpened || low ? ' Someone from the team will get back to you.' : ''}</p>
<p>You can change your answer until ${escapeHtml(until(s))}.</p>
<form method="get" action="${escapeHtml(action)}"><button type="submit">Change my answer</button></form>`);
}

export function invalidHtml(kind: 'not_found' | 'expired'): string {
  return kind === 'expired'
    ? page('This survey has closed', '<h1>This survey has closed</h1><p>Survey links work for 28 days after we send them, and this one has expired. If something is still wrong, just write to us again in the same place and we will pick it up.</p>')
    : page('Survey link not valid', '<h1>This survey link is not valid</h1><p>The link may have been copied incompletely. Open it again from the message we sent you. If something is still wrong, just write to us again.</p>');
}
