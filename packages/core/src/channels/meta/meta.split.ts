import { EarshotError } from '@earshot/domain';
import type { ProviderEvent } from '../driver';
import { parsePayload } from '../shared/parse';
import type { MetaPlatform } from './meta.platform';
import { FacebookFeedValue, InstagramCommentValue, MetaDelivery, type MetaEntry } from './meta.webhook-schemas';

/**
 * One Meta delivery (possibly several entries, batched) → one stored event per new comment or
 * message, each kept in the delivery's own shape with a single entry. Ids: comment id or message mid.
 * Reactions, edits, read and delivery receipts are acknowledged and not stored.
 */
export function splitMetaDelivery(platform: MetaPlatform, body: unknown): ProviderEvent[] {
  const delivery = parsePayload(MetaDelivery, body, 'Meta delivery');
  if (delivery.object !== platform.object) {
    throw new EarshotError('EARSHOT_VALIDATION', `expected a "${platform.object}" delivery, got "${delivery.object}"`, { field: 'object' });
  }
  const events: ProviderEvent[] = [];
  for (const entry of delivery.entry) {
    const single = (part: Partial<MetaEntry>) => ({ object: delivery.object, entry: [{ id: entry.id, time: entry.time, ...part }] });
    for (const change of entry.changes ?? []) {
      const id = commentIdOf(platform, change.field, change.value);
      if (id) events.push({ providerEventId: `${platform.prefix}:comment:${id}`, payload: single({ changes: [change] }) });
    }
    for (const m of entry.messaging ?? []) {
      if (m.message) events.push({ providerEventId: `${platform.prefix}:mid:${m.message.mid}`, payload: single({ messaging: [m] }) });
    }
  }
  return events;
}

function commentIdOf(platform: MetaPlatform, field: string, value: unknown): string | null {
  if (platform.kind === 'facebook') {
    if (field !== 'feed') return null;
    const v = FacebookFeedValue.safeParse(value);
    return v.success && v.data.item === 'comment' && v.data.verb === 'add' ? (v.data.comment_id ?? null) : null;
  }
  if (field !== 'comments') return null;
  const v = InstagramCommentValue.safeParse(value);
  return v.success ? v.data.id : null;
}
