import { CanonicalMessage, EarshotError, type ChannelKind } from '@earshot/domain';
import type { ChannelDriver } from '../channels/driver';
import { parsePayload } from '../channels/shared/parse';

function notAWebhook(): never {
  throw new EarshotError('EARSHOT_VALIDATION', 'This channel receives through its own public endpoints (widget, form, call-back), not provider webhooks');
}

/**
 * Web chat, web form and phone: Earshot is the provider. The public endpoints validate input and store
 * a canonical message as the event payload; there is no `send` (replies are read by the widget, or
 * made by phone), so delivery marks them sent.
 */
function siteChannelDriver(kind: ChannelKind): ChannelDriver {
  return {
    kind,
    verify: notAWebhook,
    split: notAWebhook,
    normalize: (payload) => [parsePayload(CanonicalMessage, payload, `${kind} event`)],
    limits: () => ({ limit: null, remaining: null, resetAt: null, maxTextLength: 10_000 }),
  };
}

export const siteChannelDrivers: ChannelDriver[] = (['webchat', 'webform', 'phone'] as const).map(siteChannelDriver);
