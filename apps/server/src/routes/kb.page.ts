import { publicPageCsp } from './public-page-csp';
import type { PublicArticle } from '@earshot/core';

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

/** `a.html` is the renderer's output (raw HTML escaped, unsafe links refused); everything else is escaped here. */
export function articleHtml(a: PublicArticle): { html: string; csp: string } {
  const updated = new Date(a.updatedAt).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  // The brand's look (colours checked as #rrggbb, logo an https URL when saved) on its own pages.
  const css = `${CSS}main { border-top: 4px solid ${a.look.primaryColor}; } .brand { color: ${a.look.primaryColor}; display: flex; align-items: center; gap: 8px; } .brand img { height: 28px; width: auto; } a { color: ${a.look.accentColor}; }\n`;
  const logo = a.look.logoUrl ? `<img src="${escapeHtml(a.look.logoUrl)}" alt="">` : '';
  const html = page(`${escapeHtml(a.title)} · ${escapeHtml(a.brandName)}`, `<main>
<p class="brand">${logo}${escapeHtml(a.brandName)} · Help</p>
<article><h1>${escapeHtml(a.title)}</h1>
<div class="body">${a.html}</div></article>
<footer>Last updated ${escapeHtml(updated)}</footer>
</main>`, css);
  return { html, csp: cspFor(css) };
}

export function notFoundHtml(): string {
  return page('Article not found', `<main><h1>Article not found</h1><p>This help article does not exist or is no longer published.</p></main>`);
}
