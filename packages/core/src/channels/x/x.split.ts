import type { ProviderEvent } from '../driver';
import { parsePayload } from '../shared/parse';
import { xDmEventId, xTweetEventId } from './x.ids';
import { XActivityDelivery } from './x.webhook-schemas';

/**
 * One Account Activity delivery → one stored event per post or DM. Each event keeps the delivery's
 * shape (for_user_id, the single event, the users it needs) so normalize reads one format.
 * Other activity (likes, follows, typing…) is acknowledged and not stored.
 */
export function splitXDelivery(body: unknown): ProviderEvent[] {
  const delivery = parsePayload(XActivityDelivery, body, 'X activity delivery');
  const events: ProviderEvent[] = [];
  for (const tweet of delivery.tweet_create_events ?? []) {
    events.push({
      providerEventId: xTweetEventId(tweet.id_str),
      payload: { for_user_id: delivery.for_user_id, tweet_create_events: [tweet] },
    });
  }
  for (const dm of delivery.direct_message_events ?? []) {
    if (dm.type !== 'message_create' || !dm.message_create) continue;
    const ids = [dm.message_create.sender_id, dm.message_create.target.recipient_id];
    const users = Object.fromEntries(ids.flatMap((id) => (delivery.users?.[id] ? [[id, delivery.users[id]]] : [])));
    events.push({
      providerEventId: xDmEventId(dm.id),
      payload: { for_user_id: delivery.for_user_id, direct_message_events: [dm], users },
    });
  }
  return events;
}
