import { z } from 'zod';

/** Channel kinds Earshot knows. A channel row has exactly one. */
export const ChannelKind = z.enum(['api', 'x', 'facebook', 'instagram', 'email', 'webchat', 'webform', 'phone', 'feed', 'import', 'community']);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const Attachment = z.object({
  url: z.string().max(2048).optional(),
  name: z.string().max(512).optional(),
  contentType: z.string().max(255).optional(),
  size: z.number().int().nonnegative().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

/**
 * One message in Earshot's own shape, whatever provider it came from.
 * Drivers produce these from provider payloads (normalize); ingest resolves them into
 * contacts, conversations and messages.
 */
export const CanonicalMessage = z.object({
  providerMessageId: z.string().min(1).max(512),
  /** DM thread / conversation id / email root: messages with the same key share a conversation. */
  threadKey: z.string().max(1024).nullish(),
  /** Provider id of the message this one replies to (tweet id, comment id, Message-ID). */
  replyToProviderId: z.string().max(1024).nullish(),
  /** More provider ids that may lead to the conversation (email References). */
  references: z.array(z.string().max(1024)).max(100).optional(),
  direction: z.enum(['inbound', 'outbound']).default('inbound'),
  visibility: z.enum(['public', 'private']),
  author: z.object({
    externalId: z.string().min(1).max(512),
    handle: z.string().max(512).nullish(),
    displayName: z.string().max(512).nullish(),
    email: z.string().max(512).nullish(),
    followers: z.number().int().nonnegative().nullish(),
  }),
  text: z.string().max(100_000),
  subject: z.string().max(1000).nullish(),
  sentAt: z.string().datetime({ offset: true }),
  attachments: z.array(Attachment).max(50).optional(),
});
export type CanonicalMessage = z.infer<typeof CanonicalMessage>;
