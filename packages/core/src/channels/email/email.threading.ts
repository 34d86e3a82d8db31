import { createHash } from 'node:crypto';

/**
 * Message-IDs are kept in header form, `<id@host>`, everywhere in Earshot (providerMessageId,
 * replyToProviderId, references, threadKey) so that what we store is exactly what we send back.
 */
export function normalizeMessageId(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const inner = value.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  if (inner.length === 0 || /[\s<>]/.test(inner)) return null;
  return `<${inner}>`;
}

/** Split a References / In-Reply-To header value (or mailparser's parsed form) into Message-IDs, in order, unique. */
export function messageIdList(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => v.match(/<[^<>\s]+>/g) ?? v.split(/\s+/));
  const ids: string[] = [];
  for (const part of parts) {
    const id = normalizeMessageId(part);
    if (id !== null && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The conversation key of an email: the root of its References, else what it replies to, else itself. */
export function emailThreadKey(messageId: string, inReplyTo: string | null, references: string[]): string {
  return references[0] ?? inReplyTo ?? messageId;
}

const MAX_REFERENCES = 20;

/**
 * References for a reply: the parent's References plus the parent (RFC 5322 §3.6.4). Long chains keep
 * the root and the most recent ids, as RFC 5322 suggests, so headers stay a sane length.
 */
export function replyReferences(parentReferences: string[], parentId: string | null): string[] {
  const all = messageIdList([...parentReferences, ...(parentId === null ? [] : [parentId])]);
  if (all.length <= MAX_REFERENCES) return all;
  return [all[0] as string, ...all.slice(all.length - (MAX_REFERENCES - 1))];
}

/**
 * A Message-ID derived from the outbound message's idempotency key: a retried send carries the same id,
 * so mail clients and our own ingest recognise the duplicate.
 */
export function outboundMessageId(idempotencyKey: string, fromAddress: string): string {
  const domain = fromAddress.split('@')[1]?.toLowerCase() ?? 'earshot.invalid';
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<earshot.${digest}@${domain}>`;
}

/** A stable id for a message that arrived without a Message-ID header (rare, but ingest needs one). */
export function syntheticMessageId(raw: Buffer): string {
  return `<sha256.${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@earshot.invalid>`;
}

/** `Re: <subject>` unless the subject already is a reply. */
export function replySubject(subject: string | null | undefined, fallback: string): string {
  const s = (subject ?? '').trim();
  if (s.length === 0) return `Re: ${fallback}`;
  return /^re\s*:/i.test(s) ? s : `Re: ${s}`;
}
