// How each channel measures and splits the text of a reply: one rule, used by the channel drivers
// when they send and by the desk's composer for its preview (they drifted apart when each had its
// own: the desk counted `example.com` as 11 characters, X as 23).
import { splitText } from './text-split';
import { splitForX, X_MAX_DM_LENGTH, X_MAX_POST_LENGTH, xWeightedLength } from './x-text';

export * from './text-split';
export * from './x-text';

/** Meta's limits in characters: a public comment, and one private message (longer ones go as several). */
export const META_TEXT_LIMITS = {
  facebook: { comment: 8000, dm: 2000 },
  instagram: { comment: 2200, dm: 1000 },
} as const;

/** A reply's length as its channel counts it: X weighs URLs and wide characters; others count code points. */
export function measureReply(kind: string, text: string): number {
  return kind === 'x' ? xWeightedLength(text) : [...text].length;
}

/** The most one post or message may hold on this channel, or null when the channel takes long text. */
export function replyLimit(kind: string, visibility: 'public' | 'private'): number | null {
  if (kind === 'x') return visibility === 'public' ? X_MAX_POST_LENGTH : X_MAX_DM_LENGTH;
  if (kind === 'facebook' || kind === 'instagram') return visibility === 'public' ? META_TEXT_LIMITS[kind].comment : META_TEXT_LIMITS[kind].dm;
  return null;
}

/**
 * The posts or messages a reply goes out as: a long public X reply as a numbered thread, a long
 * Meta private message as several; otherwise the reply as it is (a channel that refuses it says so
 * when it is sent).
 */
export function replyParts(kind: string, visibility: 'public' | 'private', text: string): string[] {
  const clean = text.trim();
  if (!clean) return [];
  if (kind === 'x' && visibility === 'public') return splitForX(clean);
  if ((kind === 'facebook' || kind === 'instagram') && visibility === 'private') {
    return splitText(clean, { measure: (t) => [...t].length, maxLength: META_TEXT_LIMITS[kind].dm, numbered: false });
  }
  return [clean];
}
