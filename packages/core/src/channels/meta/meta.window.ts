import { EarshotError } from '@earshot/domain';
import type { MetaPlatform } from './meta.platform';

const HOUR = 3_600_000;
export const STANDARD_WINDOW_MS = 24 * HOUR;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;

export type MessagingPolicy = { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: string };

/**
 * Meta's messaging window: a private reply is free within 24 hours of the person's last message;
 * after that only with a message tag (HUMAN_AGENT: a person answering, up to 7 days). A person who
 * never wrote cannot be messaged at all.
 */
export function messagingPolicy(platform: MetaPlatform, lastInboundAt: string | null | undefined, tag: string | null | undefined, now: Date): MessagingPolicy {
  if (!lastInboundAt) {
    throw new EarshotError('EARSHOT_CHANNEL_RULE', 'This person has not written to the account; Meta only allows replies to people who wrote first', {
      details: { rule: 'meta.messaging_window' },
    });
  }
  const age = now.getTime() - Date.parse(lastInboundAt);
  if (age <= STANDARD_WINDOW_MS) return { messaging_type: 'RESPONSE' };
  if (tag && platform.tags.includes(tag) && (tag !== 'HUMAN_AGENT' || age <= HUMAN_AGENT_WINDOW_MS)) {
    return { messaging_type: 'MESSAGE_TAG', tag };
  }
  throw new EarshotError('EARSHOT_CHANNEL_RULE', 'The 24-hour messaging window is closed; reply with the HUMAN_AGENT tag (within 7 days) or move to another channel', {
    details: {
      rule: 'meta.messaging_window',
      lastInboundAt,
      windowClosedAt: new Date(Date.parse(lastInboundAt) + STANDARD_WINDOW_MS).toISOString(),
      humanAgentUntil: new Date(Date.parse(lastInboundAt) + HUMAN_AGENT_WINDOW_MS).toISOString(),
      allowedTags: platform.tags,
      givenTag: tag ?? null,
    },
  });
}
