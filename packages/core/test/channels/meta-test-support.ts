import { EarshotError } from '@earshot/domain';
import type { ChannelContext, OutboundMessage } from '../../src/channels/driver';
import type { MetaFakeServer } from '../../src/channels/testing/meta-fake.server';

export function metaContext(fake: MetaFakeServer, settings: Record<string, unknown> = {}): ChannelContext {
  return {
    channelId: `ch-meta-${Math.random().toString(36).slice(2)}`,
    brandId: 'brand-1',
    credentials: { ...fake.credentials },
    settings: { apiBaseUrl: fake.url, graphVersion: 'v21.0', ...settings },
  };
}

export function outbound(text: string, extra: Partial<OutboundMessage>): OutboundMessage {
  return { messageId: 'm1', idempotencyKey: 'm1', text, visibility: 'public', replyToProviderId: null, threadKey: null, recipient: { externalId: '' }, ...extra };
}

export async function failure(p: Promise<unknown>): Promise<EarshotError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EarshotError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof EarshotError ? e.code : 'not an EarshotError';
  }
  return 'did not throw';
}
