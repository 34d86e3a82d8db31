// @mentions in the note composer and the timeline: presentation only. The server stores the ids
// the composer sends and checks that each belongs to the brand.

export interface Mentionable { id: string; name: string }

/** The `@query` being typed just before the caret, if any (a mention starts a word). */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(?:^|\s)@([^\s@]{0,40}(?: [^\s@]{0,40})?)$/u.exec(before);
  if (!m) return null;
  const query = m[1] ?? '';
  return { start: caret - query.length - 1, query };
}

/** Colleagues whose name (or one of its words) starts with the query; at most `limit`. */
export function matchUsers<T extends Mentionable>(users: readonly T[], query: string, limit = 6): T[] {
  const q = query.trim().toLowerCase();
  const hit = (u: T) => {
    const n = u.name.toLowerCase();
    return n.startsWith(q) || n.split(/\s+/).some((w) => w.startsWith(q));
  };
  return users.filter(hit).sort((a, b) => Number(!a.name.toLowerCase().startsWith(q)) - Number(!b.name.toLowerCase().startsWith(q)) || a.name.localeCompare(b.name)).slice(0, limit);
}

/** Replaces `@query` (from `start` to the caret) with `@Full Name `; returns the new text and caret. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const token = `@${name} `;
  return { text: text.slice(0, start) + token + text.slice(caret).replace(/^ /, ''), caret: start + token.length };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const BOUNDARY = '(?=$|[^\\p{L}\\p{N}_])';

/**
 * The users a note mentions, in the order they appear: `@Full Name` as a whole name, the longest
 * name winning (`@Dana Reyes` mentions Dana Reyes, not also a colleague called Dana).
 */
export function mentionedIn<T extends Mentionable>(text: string, users: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const part of splitMentions(text, users)) {
    if (!('user' in part) || seen.has(part.user.id)) continue;
    const u = users.find((x) => x.id === part.user.id);
    if (u) { seen.add(u.id); out.push(u); }
  }
  return out;
}

/** Splits note text into plain parts and `@Name` parts of the mentioned users (longest names first). */
export function splitMentions(text: string, mentions: readonly Mentionable[]): ({ text: string } | { text: string; user: Mentionable })[] {
  const named = [...mentions].filter((m) => m.name.trim()).sort((a, b) => b.name.length - a.name.length);
  if (!named.length) return [{ text }];
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])@(${named.map((m) => escapeRe(m.name)).join('|')})${BOUNDARY}`, 'gu');
  const out: ({ text: string } | { text: string; user: Mentionable })[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const user = named.find((u) => u.name === m[1]);
    if (!user) continue;
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: m[0], user });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
