import { CanonicalMessage, EarshotError } from '@earshot/domain';
import type { ChannelDriver } from '../channels/driver';
import { parsePayload } from '../channels/shared/parse';

function notAWebhook(): never {
  throw new EarshotError('EARSHOT_VALIDATION', 'The community channel receives its questions from the community pages, not provider webhooks');
}

/**
 * The `community` channel: Earshot is the provider. An unanswered question is stored as a canonical
 * message by the escalation (community-escalation.ts); a reply from the desk is delivered by
 * CommunityService.deliverStaffAnswer (a local sender in the deliver job), which needs the database,
 * so the driver itself has no `send`.
 */
export const communityDriver: ChannelDriver = {
  kind: 'community',
  verify: notAWebhook,
  split: notAWebhook,
  normalize: (payload) => [parsePayload(CanonicalMessage, payload, 'community event')],
  limits: () => ({ limit: null, remaining: null, resetAt: null, maxTextLength: 20_000 }),
};
