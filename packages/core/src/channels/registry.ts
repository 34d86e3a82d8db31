import { EarshotError, type ChannelKind } from '@earshot/domain';
import type { ChannelDriver } from './driver';
import { apiDriver } from './api/api.driver';
import { providerDrivers } from './provider-drivers';
import { importDriver } from './api/import.driver';
import { emailDriver } from './email/email.driver';
import { feedDriver } from './feed/feed.driver';
import { siteChannelDrivers } from '../webchat/site-channels.driver';
import { communityDriver } from '../community/community.driver';

// One driver per provider kind: generic API and import, the social providers, email (IMAP/SMTP) and feeds.
const drivers = new Map<ChannelKind, ChannelDriver>([['api', apiDriver], ['import', importDriver], ['email', emailDriver], ['feed', feedDriver]]);

for (const d of [...providerDrivers, ...siteChannelDrivers, communityDriver]) drivers.set(d.kind, d);

export function registerDriver(driver: ChannelDriver): void {
  drivers.set(driver.kind, driver);
}

export function getDriver(kind: string): ChannelDriver {
  const d = drivers.get(kind as ChannelKind);
  if (!d) throw new EarshotError('EARSHOT_CHANNEL_RULE', `no driver for channel kind "${kind}"`);
  return d;
}

export function hasDriver(kind: string): boolean {
  return drivers.has(kind as ChannelKind);
}
