import { z } from 'zod';

// Meta webhook deliveries (Pages and Instagram). Loose objects: raw events are stored as received.

const Attachment = z.looseObject({ type: z.string().optional(), payload: z.looseObject({ url: z.string().optional() }).nullish() });

export const MetaMessagingEvent = z.looseObject({
  sender: z.looseObject({ id: z.string().min(1) }),
  recipient: z.looseObject({ id: z.string().min(1) }),
  timestamp: z.number(),
  message: z
    .looseObject({
      mid: z.string().min(1),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      attachments: z.array(Attachment).optional(),
      reply_to: z.looseObject({ mid: z.string().optional() }).optional(),
    })
    .optional(),
});
export type MetaMessagingEvent = z.infer<typeof MetaMessagingEvent>;

export const MetaChange = z.looseObject({ field: z.string(), value: z.unknown() });

export const MetaEntry = z.looseObject({
  id: z.string().min(1),
  time: z.number(),
  changes: z.array(MetaChange).optional(),
  messaging: z.array(MetaMessagingEvent).optional(),
});
export type MetaEntry = z.infer<typeof MetaEntry>;

export const MetaDelivery = z.looseObject({ object: z.string(), entry: z.array(MetaEntry) });

/** Page `feed` change value for comments (item: 'comment'). */
export const FacebookFeedValue = z.looseObject({
  item: z.string(),
  verb: z.string(),
  comment_id: z.string().optional(),
  parent_id: z.string().optional(),
  post_id: z.string().optional(),
  from: z.looseObject({ id: z.string().min(1), name: z.string().optional() }).optional(),
  message: z.string().optional(),
  photo: z.string().optional(),
  created_time: z.number().optional(),
});
export type FacebookFeedValue = z.infer<typeof FacebookFeedValue>;

/** Instagram `comments` change value. */
export const InstagramCommentValue = z.looseObject({
  id: z.string().min(1),
  text: z.string().optional(),
  parent_id: z.string().optional(),
  from: z.looseObject({ id: z.string().min(1), username: z.string().optional() }).optional(),
  media: z.looseObject({ id: z.string().min(1), media_product_type: z.string().optional() }).optional(),
});
export type InstagramCommentValue = z.infer<typeof InstagramCommentValue>;
