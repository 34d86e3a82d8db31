import type { CanonicalMessage } from '@earshot/domain';
import { parsePayload } from '../shared/parse';
import { normalizeFacebookComment } from './facebook.normalize';
import { normalizeInstagramComment } from './instagram.normalize';
import { normalizeMetaMessage } from './meta.messaging.normalize';
import type { MetaPlatform } from './meta.platform';
import { FacebookFeedValue, InstagramCommentValue, MetaDelivery } from './meta.webhook-schemas';

/** A stored Meta event (one entry, as split produced it) → canonical messages. Pure. */
export function normalizeMetaEvent(platform: MetaPlatform, payload: unknown): CanonicalMessage[] {
  const delivery = parsePayload(MetaDelivery, payload, 'Meta event');
  const out: CanonicalMessage[] = [];
  for (const entry of delivery.entry) {
    for (const change of entry.changes ?? []) {
      const msg =
        platform.kind === 'facebook'
          ? change.field === 'feed'
            ? normalizeFacebookComment(entry.id, entry.time, parsePayload(FacebookFeedValue, change.value, 'Page feed change'))
            : null
          : change.field === 'comments'
            ? normalizeInstagramComment(entry.id, entry.time, parsePayload(InstagramCommentValue, change.value, 'Instagram comment'))
            : null;
      if (msg) out.push(msg);
    }
    for (const m of entry.messaging ?? []) {
      const msg = normalizeMetaMessage(platform, entry.id, m);
      if (msg) out.push(msg);
    }
  }
  return out;
}
