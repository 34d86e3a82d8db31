import { createHash } from 'node:crypto';
import { htmlToPlainText } from '../email/email.body';

// Small readers for loosely shaped parsed feed values: XML text nodes arrive as strings, or as objects
// with a '#text' key when the element has attributes.

export function str(value: unknown): string | null {
  if (typeof value === 'string') return value.trim().length > 0 ? value.trim() : null;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return str(value[0]);
  if (typeof value === 'object' && value !== null && '#text' in value) return str((value as Record<string, unknown>)['#text']);
  return null;
}

export function attr(value: unknown, name: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return str((value as Record<string, unknown>)[`@_${name}`]);
}

export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** A feed date (RFC 822 in RSS, RFC 3339 in Atom and JSON Feed) → ISO, or null when absent or unreadable. */
export function isoDate(value: unknown): string | null {
  const s = str(value);
  if (s === null) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Feed content is HTML unless the feed says it is text; either way the result carries no markup. */
export function contentText(value: string | null, isHtml: boolean): string {
  if (value === null) return '';
  return (isHtml ? htmlToPlainText(value) : value).trim().slice(0, 100_000);
}

/** Every string inside an XML subtree, for Atom's inline XHTML content. */
export function flattenText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(flattenText).join(' ');
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([k]) => !k.startsWith('@_'))
      .map(([, v]) => flattenText(v))
      .join(' ');
  }
  return '';
}

/** A stable item id: the feed's own when it fits our 512-character limit, else a hash of it. */
export function itemId(candidates: (string | null)[], fallback: string): string {
  const id = candidates.find((c): c is string => c !== null) ?? `sha256:${sha(fallback)}`;
  return id.length <= 512 ? id : `sha256:${sha(id)}`;
}

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
