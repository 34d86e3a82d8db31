import { z } from 'zod';

const Topic = z.object({ slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(40), name: z.string().trim().min(1).max(60) });

/**
 * A brand's community, as the settings of its `community` channel (one per brand): when an
 * unanswered question goes to the queue, its topics, whether first posts wait for a moderator, the
 * posting limits, and which email channel sends sign-in links. Parsed at the edge; defaults are a
 * care team's usual ones.
 */
export const CommunitySettings = z.object({
  /** A question without an accepted or staff answer after this many hours becomes a conversation in the queue. */
  escalateAfterHours: z.coerce.number().min(0.01).max(24 * 90).default(24),
  topics: z.array(Topic).min(1).max(30).default([{ slug: 'general', name: 'General' }]),
  /** A new member's first post waits for a moderator (approving it trusts the member). */
  holdFirstPosts: z.boolean().default(true),
  /** Posts (questions, answers, comments) per member, and per address, in any hour. */
  postsPerHourPerMember: z.coerce.number().int().min(1).max(10_000).default(20),
  postsPerHourPerIp: z.coerce.number().int().min(1).max(100_000).default(60),
  /** Sign-in links sent to one address in any hour. */
  linksPerHourPerEmail: z.coerce.number().int().min(1).max(100).default(5),
  /** How long a sign-in link works. */
  linkTtlMinutes: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** The email channel whose SMTP server sends sign-in links; the brand's first active email channel when absent. */
  emailChannelId: z.uuid().optional(),
  /** Where links in emails point (the public address of this Earshot), e.g. https://care.example.com. */
  publicUrl: z.url().optional(),
});
export type CommunitySettings = z.infer<typeof CommunitySettings>;

export function communitySettings(raw: Record<string, unknown> | null | undefined): CommunitySettings {
  const r = CommunitySettings.safeParse(raw ?? {});
  return r.success ? r.data : CommunitySettings.parse({});
}
