import MarkdownIt from 'markdown-it';

/**
 * Article Markdown to HTML, for the public page and the desk's preview (one renderer, so the
 * preview is what a customer sees). Raw HTML in the source is escaped (`html: false`), and links
 * and images go only to http(s), mailto: and tel: or stay relative: javascript:, data:, vbscript:,
 * file: and every other scheme leave the text as it was written. See docs/adr/0011-kb-markdown.md.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const ALLOWED_SCHEME = /^(https?:\/\/|mailto:|tel:)/i;
// A relative URL has no scheme: no ':' before the first '/', '?' or '#'.
const RELATIVE = /^[^:/?#]*(?:[/?#]|$)/;

export function isSafeLink(url: string): boolean {
  const u = url.trim();
  if (ALLOWED_SCHEME.test(u)) return true;
  // Protocol-relative (//host) would inherit the page's scheme: fine, but say it with https.
  if (u.startsWith('//')) return false;
  return RELATIVE.test(u);
}

md.validateLink = isSafeLink;

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const t = tokens[idx];
  // Links written by the brand to other sites: no referrer, no ranking credit, no window.opener.
  if (t && /^(https?:)?\/\//i.test(String(t.attrGet('href') ?? ''))) t.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string): string {
  return md.render(source);
}

/** The words of an article without its Markdown: for excerpts in lists and suggestions. */
export function markdownText(source: string): string {
  const out: string[] = [];
  for (const t of md.parse(source, {})) {
    if (t.type === 'inline') {
      for (const c of t.children ?? []) {
        if (c.type === 'text' || c.type === 'code_inline') out.push(c.content);
        else if (c.type === 'softbreak' || c.type === 'hardbreak') out.push(' ');
        else if (c.type === 'image') out.push(c.content);
      }
      out.push(' ');
    } else if (t.type === 'code_block' || t.type === 'fence') {
      out.push(t.content, ' ');
    }
  }
  return out.join('').replace(/\s+/g, ' ').trim();
}

/** The first words of an article, cut at a word boundary. */
export function excerpt(source: string, max = 200): string {
  const text = markdownText(source);
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}
