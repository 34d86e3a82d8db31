import { EarshotError } from '@earshot/domain';
import type { ChannelDriver, ChannelLimits } from '../driver';
import { normalizeFeedItem } from './feed.normalize';

function notAWebhook(): never {
  throw new EarshotError('EARSHOT_VALIDATION', 'Feed channels are polled (pollFeedChannel), not pushed through webhooks');
}

const NO_LIMITS: ChannelLimits = { limit: null, remaining: null, resetAt: null, maxTextLength: null };

/**
 * Review and monitoring feeds: read-only. There is no `send`: answers go out on the site itself or through
 * a private hand-off to another channel.
 */
export const feedDriver: ChannelDriver = {
  kind: 'feed',
  verify: notAWebhook,
  split: notAWebhook,
  normalize: (payload) => normalizeFeedItem(payload),
  limits: () => NO_LIMITS,
};
