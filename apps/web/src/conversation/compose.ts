// Composer helpers: presentation only. How a channel measures and splits a reply is the channel
// drivers' own rule, imported from packages/domain (measureReply, replyLimit, replyParts), so the
// preview shows what will be sent.

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
