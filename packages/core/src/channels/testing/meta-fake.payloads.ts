import type { MetaFakeComment, MetaFakePerson } from './meta-fake.state';

// Webhook deliveries as Meta sends them: { object, entry: [{ id, time, changes | messaging }] }.

export function feedCommentDelivery(pageId: string, c: MetaFakeComment, from: MetaFakePerson, nowMs: number): Record<string, unknown> {
  const sec = Math.floor(nowMs / 1000);
  return {
    object: 'page',
    entry: [
      {
        id: pageId,
        time: sec,
        changes: [
          {
            field: 'feed',
            value: {
              from: { id: from.id, name: from.name },
              post: { status_type: 'added_photos', is_published: true, updated_time: new Date(nowMs).toISOString().replace('Z', '+0000'), promotion_status: 'inactive', id: c.objectId },
              message: c.text,
              post_id: c.objectId,
              comment_id: c.id,
              created_time: sec,
              item: 'comment',
              parent_id: c.parentId ?? c.objectId,
              verb: 'add',
            },
          },
        ],
      },
    ],
  };
}

export function igCommentDelivery(igUserId: string, c: MetaFakeComment, from: MetaFakePerson, nowMs: number): Record<string, unknown> {
  return {
    object: 'instagram',
    entry: [
      {
        id: igUserId,
        time: Math.floor(nowMs / 1000),
        changes: [
          {
            field: 'comments',
            value: {
              from: { id: from.id, username: from.username },
              media: { id: c.objectId, media_product_type: 'FEED' },
              id: c.id,
              ...(c.parentId ? { parent_id: c.parentId } : {}),
              text: c.text,
            },
          },
        ],
      },
    ],
  };
}

export function messagingDelivery(object: 'page' | 'instagram', accountId: string, from: MetaFakePerson, mid: string, text: string, nowMs: number): Record<string, unknown> {
  return {
    object,
    entry: [{ id: accountId, time: nowMs, messaging: [{ sender: { id: from.id }, recipient: { id: accountId }, timestamp: nowMs, message: { mid, text } }] }],
  };
}

/** Meta batches several changes into one POST: entries of deliveries with the same object are concatenated. */
export function batchDeliveries(payloads: Array<Record<string, unknown>>): Record<string, unknown> {
  const object = payloads[0]?.object;
  const entry = payloads.flatMap((p) => (Array.isArray(p.entry) ? (p.entry as unknown[]) : []));
  return { object, entry };
}

export function graphError(message: string, type: string, code: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { error: { message, type, code, ...extra, fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}` } };
}
