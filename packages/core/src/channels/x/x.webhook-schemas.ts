import { z } from 'zod';

// Account Activity API delivery objects (v1.1 shapes). Loose objects: the raw event is stored as received.

const UrlEntity = z.looseObject({ url: z.string(), expanded_url: z.string().nullish() });
const Entities = z.looseObject({ urls: z.array(UrlEntity).optional() });
const Media = z.looseObject({ media_url_https: z.string().optional(), type: z.string().optional() });
const ExtendedEntities = z.looseObject({ media: z.array(Media).optional() });

export const XV1User = z.looseObject({
  id_str: z.string().min(1),
  screen_name: z.string().optional(),
  name: z.string().optional(),
  followers_count: z.number().int().nonnegative().optional(),
});

export const XV1Tweet = z.looseObject({
  id_str: z.string().min(1),
  created_at: z.string().optional(),
  timestamp_ms: z.string().optional(),
  text: z.string().optional(),
  full_text: z.string().optional(),
  truncated: z.boolean().optional(),
  extended_tweet: z
    .looseObject({ full_text: z.string(), entities: Entities.optional(), extended_entities: ExtendedEntities.optional() })
    .optional(),
  user: XV1User,
  in_reply_to_status_id_str: z.string().nullish(),
  in_reply_to_user_id_str: z.string().nullish(),
  is_quote_status: z.boolean().optional(),
  quoted_status_id_str: z.string().nullish(),
  retweeted_status: z.unknown().optional(),
  /** Not in classic v1.1 objects; honoured when a delivery carries it. */
  conversation_id_str: z.string().nullish(),
  entities: Entities.optional(),
  extended_entities: ExtendedEntities.optional(),
});
export type XV1Tweet = z.infer<typeof XV1Tweet>;

export const XDmEvent = z.looseObject({
  type: z.string(),
  id: z.string().min(1),
  created_timestamp: z.string(),
  message_create: z
    .looseObject({
      target: z.looseObject({ recipient_id: z.string().min(1) }),
      sender_id: z.string().min(1),
      message_data: z.looseObject({
        text: z.string(),
        entities: Entities.optional(),
        attachment: z.looseObject({ media: Media.optional() }).optional(),
      }),
    })
    .optional(),
});
export type XDmEvent = z.infer<typeof XDmEvent>;

export const XDmUser = z.looseObject({
  id: z.string().min(1),
  screen_name: z.string().optional(),
  name: z.string().optional(),
  followers_count: z.number().int().nonnegative().optional(),
});
export type XDmUser = z.infer<typeof XDmUser>;

export const XActivityDelivery = z.looseObject({
  for_user_id: z.string().min(1),
  tweet_create_events: z.array(XV1Tweet).optional(),
  direct_message_events: z.array(XDmEvent).optional(),
  users: z.record(z.string(), XDmUser).optional(),
});
export type XActivityDelivery = z.infer<typeof XActivityDelivery>;
