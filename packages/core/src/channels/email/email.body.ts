import { convert } from 'html-to-text';

const SKIP = ['head', 'title', 'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'form'];

/**
 * HTML body → plain text with no markup at all: scripts, styles and embedded objects are dropped with
 * their content, images become nothing (tracking pixels), and Gmail/Outlook quote containers are dropped
 * because they only hold the quoted history.
 */
export function htmlToPlainText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      ...SKIP.map((selector) => ({ selector, format: 'skip' })),
      { selector: 'img', format: 'skip' },
      { selector: '.gmail_quote', format: 'skip' },
      { selector: 'blockquote[type=cite]', format: 'skip' },
      { selector: '#divRplyFwdMsg', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}

// "On Tue, 4 Jun 2024 at 10:12, Jane <jane@example.com> wrote:" (often wrapped over two or three lines),
// and the usual translations of it.
const REPLY_HEADER =
  /^(on|le|am|el|op|il|em|den|på)\s[\s\S]{0,300}(wrote|a écrit|schrieb|escribió|schreef|ha scritto|escreveu|skrev)\s?:$/i;
const OUTLOOK_SEPARATORS = [
  /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}$/i,
  /^_{10,}$/,
];
const HEADER_BLOCK_START = /^(from|von|de|van)\s?:\s*\S/i;
const HEADER_BLOCK_NEXT = /^(sent|date|gesendet|envoyé|enviado|verzonden|to|an|à|para|aan)\s?:\s*\S/i;

/** Index of the first line of the quoted history, or -1 when there is none. */
function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line.length === 0) continue;
    if (OUTLOOK_SEPARATORS.some((re) => re.test(line))) return i;
    if (HEADER_BLOCK_START.test(line) && lines.slice(i + 1, i + 4).some((l) => HEADER_BLOCK_NEXT.test(l.trim()))) {
      return i;
    }
    if (isAttribution(lines.slice(i, i + 3))) return i;
  }
  return -1;
}

/** Whether the first one, two or three lines form an attribution line ("On <date>, <name> wrote:"). */
function isAttribution(window: string[]): boolean {
  for (let n = 1; n <= window.length; n++) {
    const joined = window
      .slice(0, n)
      .map((l) => l.trim())
      .join(' ');
    if (REPLY_HEADER.test(joined) && /\d/.test(joined)) return true;
  }
  return false;
}

/**
 * Drop the quoted history a mail client appends to a reply ("On … wrote:" and everything after it,
 * Outlook's separator and header block, and `>`-quoted lines) so agents and triage read only what the
 * customer wrote. A message that is nothing but quotes is returned whole rather than emptied.
 */
export function trimQuotedHistory(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = quoteStart(lines);
  const kept = (cut === -1 ? lines : lines.slice(0, cut)).filter((l) => !/^\s*>/.test(l));
  const trimmed = kept
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return trimmed.length > 0 ? trimmed : text.trim();
}
