import type { ChannelDriver } from '../driver';
import { createMetaDriver, type MetaDriverOptions } from './meta.driver';
import { FACEBOOK } from './meta.platform';

/** Facebook Page: feed comments and Messenger in; comment replies and Send API out. */
export function createFacebookDriver(opts: MetaDriverOptions = {}): ChannelDriver {
  return createMetaDriver(FACEBOOK, opts);
}
