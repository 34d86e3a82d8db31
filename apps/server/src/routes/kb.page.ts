import { publicPageCsp } from './public-page-csp';
import type { PublicArticle, PublicHelpIndex } from '@earshot/core';

// The public article page: plain HTML with one inline stylesheet (allowed by its hash) and no
// script of any kind. Colours are the desk's tokens, light and dark from the reader's preference.
const CSS = `
:root { --bg: #f6f7f9; --surface: #fff; --border: #dfe3ea; --text: #161b26; --text-2: #4a5468; --text-3: #667085; --link: #3730a3; --code: #f1f3f6; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --bg: #0e1117; --surface: #161b22; --border: #2a313c; --text: #e6e9ef; --text-2: #b3bac7; --text-3: #8d96a7; --link: #c7ccff; --code: #1c222c; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 16px/1.6 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 720px; margin: 32px auto; padding: 32px 40px; background: var(--surface); border: 1px solid var(--border); border-radius: 12px; }
.brand { margin: 0 0 8px; color: var(--text-3); font-size: 14px; font-weight: 600; letter-spacing: .02em; }
h1 { margin: 0 0 16px; font-size: 28px; line-height: 1.25; }
.body h1, .body h2, .body h3 { line-height: 1.3; margin: 1.4em 0 .5em; }
.body h1 { font-size: 22px; } .body h2 { font-size: 19px; } .body h3 { font-size: 17px; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; background: var(--code); border-radius: 4px; }
code { padding: 1px 4px; } pre { padding: 12px; overflow: auto; } pre code { padding: 0; }
img { max-width: 100%; height: auto; }
blockquote { margin: 0; padding-left: 16px; border-left: 3px solid var(--border); color: var(--text-2); }
table { border-collapse: collapse; } th, td { border: 1px solid var(--border); padding: 4px 8px; }
nav.crumbs { font-size: 14px; margin: 0 0 12px; }
.related { margin-top: 28px; } .related h2 { font-size: 17px; margin: 0 0 8px; } .related ul, .cat ul { margin: 0; padding-left: 20px; }
form.search { display: flex; gap: 8px; margin: 0 0 24px; } form.search input { flex: 1; min-width: 0; font: inherit; padding: 8px 12px; border: 1px solid var(--border); border-radius: 8px; background: var(--surface); color: var(--text); }
form.search button { font: inherit; font-weight: 600; padding: 8px 16px; border: 0; border-radius: 8px; background: var(--link); color: var(--surface); cursor: pointer; }
.cat { margin: 0 0 24px; } .cat h2 { font-size: 18px; margin: 0 0 8px; } .cat li, .results li { margin: 0 0 8px; } .excerpt { display: block; color: var(--text-2); font-size: 14px; }
.results { list-style: none; padding: 0; margin: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 32px; padding-top: 12px; border-top: 1px solid var(--border); color: var(--text-3); font-size: 14px; }
@media (max-width: 760px) { main { margin: 0; border: 0; border-radius: 0; padding: 24px 20px; } }
`;

/**
 * No script may run (default-src 'none', and a sandbox on top), no form may post, no page may
 * frame it, the only style is the one above, images only over https.
 */
export const ARTICLE_CSP = cspFor(CSS);

/** The page's one stylesheet is allowed by its hash: a brand's colours are part of it, so each brand's page has its own. */
function cspFor(css: string): string {
  return publicPageCsp(css, { images: true, forms: false, sandbox: true });
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

function page(title: string, inner: string, css = CSS): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${title}</title><style>${css}</style></head>
<body>${inner}</body></html>
`;
}

/** The brand's look (colours checked as #rrggbb, logo an https URL when saved) on its own pages. */
function brandCss(look: PublicArticle['look']): string {
  return `${CSS}main { border-top: 4px solid ${look.primaryColor}; } .brand { color: ${look.primaryColor}; display: flex; align-items: center; gap: 8px; } .brand img { height: 28px; width: auto; } a { color: ${look.accentColor}; } form.search button { background: ${look.accentColor}; }\n`;
}

const brandLine = (name: string, look: PublicArticle['look']) => `<p class="brand">${look.logoUrl ? `<img src="${escapeHtml(look.logoUrl)}" alt="">` : ''}${escapeHtml(name)} · Help</p>`;

/**
 * The help centre's front page: a search box (a plain GET form back to this page), then the
 * articles by category, or a search's matches. Everything from the database is escaped here.
 */
export function helpIndexHtml(h: PublicHelpIndex): { html: string; csp: string } {
  const css = brandCss(h.look);
  const link = (a: { title: string; path: string; excerpt: string }) => `<a href="${escapeHtml(a.path)}">${escapeHtml(a.title)}</a><span class="excerpt">${escapeHtml(a.excerpt)}</span>`;
  const body = h.q
    ? `<h2>${h.results.length ? `${h.results.length} article${h.results.length === 1 ? '' : 's'} for “${escapeHtml(h.q)}”` : `Nothing found for “${escapeHtml(h.q)}”`}</h2>
<ul class="results">${h.results.map((a) => `<li>${link(a)}</li>`).join('')}</ul>
<p><a href="${escapeHtml(`/kb/${encodeURIComponent(h.brandSlug)}`)}">All articles</a></p>`
    : h.categories.length
      ? h.categories.map((c) => `<section class="cat"><h2>${escapeHtml(c.name)}</h2><ul>${c.articles.map((a) => `<li>${link(a)}</li>`).join('')}</ul></section>`).join('\n')
      : '<p>No articles are published yet.</p>';
  const html = page(`Help · ${escapeHtml(h.brandName)}`, `<main>
${brandLine(h.brandName, h.look)}
<h1>How can we help?</h1>
<form class="search" method="get" role="search"><label for="q" class="visually-hidden">Search help articles</label><input id="q" name="q" type="search" maxlength="200" value="${escapeHtml(h.q)}" placeholder="Search help articles"><button type="submit">Search</button></form>
${body}
</main>`, css);
  // Forms post (GET) back here only; no sandbox, which would stop the search form.
  return { html, csp: publicPageCsp(css, { images: true, forms: true }) };
}

/** `a.html` is the renderer's output (raw HTML escaped, unsafe links refused); everything else is escaped here. */
export function articleHtml(a: PublicArticle): { html: string; csp: string } {
  const updated = new Date(a.updatedAt).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  const css = brandCss(a.look);
  const related = a.related.length ? `<aside class="related"><h2>Related articles</h2><ul>${a.related.map((r) => `<li><a href="${escapeHtml(r.path)}">${escapeHtml(r.title)}</a></li>`).join('')}</ul></aside>` : '';
  const html = page(`${escapeHtml(a.title)} · ${escapeHtml(a.brandName)}`, `<main>
${brandLine(a.brandName, a.look)}
<nav class="crumbs"><a href="${escapeHtml(`/kb/${encodeURIComponent(a.brandSlug)}`)}">All help articles</a></nav>
<article><h1>${escapeHtml(a.title)}</h1>
<div class="body">${a.html}</div></article>
${related}
<footer>Last updated ${escapeHtml(updated)}</footer>
</main>`, css);
  return { html, csp: cspFor(css) };
}

export function notFoundHtml(): string {
  return page('Article not found', `<main><h1>Article not found</h1><p>This help article does not exist or is no longer published.</p></main>`);
}
