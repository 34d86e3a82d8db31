// Composer helpers: presentation only. The channel driver on the server does the real split and
// enforces limits; these give the agent an honest preview before sending.

/** Per-post limits of public replies; private channels (DM, email) take long text. */
export function channelLimit(kind: string, visibility: 'public' | 'private'): number | null {
  if (kind === 'x') return visibility === 'public' ? 280 : 10_000;
  if (kind === 'instagram') return visibility === 'public' ? 2_200 : 1_000;
  if (kind === 'facebook') return 8_000;
  return null;
}

const URL_RE = /\bhttps?:\/\/\S+/gi;
/** X counts every link as 23 characters and wide characters (CJK, emoji) as 2. */
export function weightedLength(text: string, kind: string): number {
  if (kind !== 'x') return [...text].length;
  let n = 0;
  const plain = text.replace(URL_RE, () => { n += 23; return ''; });
  for (const ch of plain) n += (ch.codePointAt(0) ?? 0) <= 4351 ? 1 : 2;
  return n;
}

/** Splits at word boundaries into numbered posts " (1/3)" that each fit the limit. */
export function splitThread(text: string, limit: number, kind: string): string[] {
  const clean = text.trim();
  if (weightedLength(clean, kind) <= limit) return clean ? [clean] : [];
  const words = clean.split(/(\s+)/);
  for (let guess = 2; guess < 100; guess++) {
    const suffix = (i: number) => ` (${i}/${guess})`;
    const parts: string[] = [];
    let cur = '';
    for (const w of words) {
      const next = cur + w;
      if (cur && weightedLength(next.trim() + suffix(parts.length + 1), kind) > limit) { parts.push(cur.trim()); cur = w.trimStart(); } else cur = next;
    }
    if (cur.trim()) parts.push(cur.trim());
    if (parts.length <= guess) return parts.map((p, i) => `${p} (${i + 1}/${parts.length})`);
  }
  return [clean];
}

export interface VariableContext { contactName: string | null; contactHandle: string | null; agentName: string | null }

/** Fills {{contact.first_name}}, {{contact.name}}, {{agent.name}}, {{agent.first_name}}; unknown variables stay visible. */
export function fillVariables(text: string, ctx: VariableContext): string {
  const contactName = (ctx.contactName ?? '').trim() || (ctx.contactHandle ?? '').replace(/^@/, '');
  const first = (s: string) => s.split(/\s+/)[0] ?? '';
  const values: Record<string, string> = {
    'contact.first_name': first(contactName) || 'there',
    'contact.name': contactName || 'there',
    'agent.name': ctx.agentName ?? '',
    'agent.first_name': first(ctx.agentName ?? ''),
  };
  return text.replace(/\{\{\s*([a-z_.]+)\s*\}\}/gi, (m, key: string) => values[key.toLowerCase()] ?? m);
}

/** The named-agent signature on public replies: "— Dana". */
export function withSignature(text: string, agentName: string | null, on: boolean): string {
  const first = (agentName ?? '').split(/\s+/)[0];
  if (!on || !first) return text;
  const sig = `— ${first}`;
  return text.trimEnd().endsWith(sig) ? text : `${text.trimEnd()} ${sig}`;
}
