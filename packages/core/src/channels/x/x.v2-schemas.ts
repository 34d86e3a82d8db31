import { z } from 'zod';

// X API v2 response shapes used by polling and sending.

export const XV2User = z.looseObject({
  id: z.string().min(1),
  username: z.string().optional(),
  name: z.string().optional(),
  public_metrics: z.looseObject({ followers_count: z.number().int().nonnegative() }).optional(),
});
export type XV2User = z.infer<typeof XV2User>;

export const XV2Tweet = z.looseObject({
  id: z.string().min(1),
  text: z.string(),
  author_id: z.string().optional(),
  conversation_id: z.string().optional(),
  created_at: z.string().optional(),
  in_reply_to_user_id: z.string().optional(),
  referenced_tweets: z.array(z.looseObject({ type: z.string(), id: z.string() })).optional(),
});
export type XV2Tweet = z.infer<typeof XV2Tweet>;

export const XMentionsPage = z.looseObject({
  data: z.array(XV2Tweet).optional(),
  includes: z.looseObject({ users: z.array(XV2User).optional() }).optional(),
  meta: z.looseObject({
    result_count: z.number().int().nonnegative(),
    newest_id: z.string().optional(),
    oldest_id: z.string().optional(),
    next_token: z.string().optional(),
  }),
});

/** A polled mention as stored in inbound_events: one tweet with its author, like a one-tweet page. */
export const XPolledMention = z.looseObject({
  for_user_id: z.string().min(1),
  data: z.array(XV2Tweet).length(1),
  includes: z.looseObject({ users: z.array(XV2User).optional() }).optional(),
});
export type XPolledMention = z.infer<typeof XPolledMention>;

export const XCreatePostResponse = z.looseObject({ data: z.looseObject({ id: z.string().min(1), text: z.string().optional() }) });
export const XCreateDmResponse = z.looseObject({
  data: z.looseObject({ dm_event_id: z.string().min(1), dm_conversation_id: z.string().optional() }),
});
