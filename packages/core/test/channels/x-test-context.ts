import type { ChannelContext } from '../../src/channels/driver';
import type { XFakeServer } from '../../src/channels/testing/x-fake.server';

export function xContext(fake: XFakeServer, settings: Record<string, unknown> = {}): ChannelContext {
  return {
    channelId: `ch-x-${Math.random().toString(36).slice(2)}`,
    brandId: 'brand-1',
    credentials: { ...fake.credentials },
    settings: { apiBaseUrl: fake.url, userId: fake.brand.id, ...settings },
  };
}
