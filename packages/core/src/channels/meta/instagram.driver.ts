import type { ChannelDriver } from '../driver';
import { createMetaDriver, type MetaDriverOptions } from './meta.driver';
import { INSTAGRAM } from './meta.platform';

/** Instagram professional account: comments and DMs in; comment replies and Send API out. */
export function createInstagramDriver(opts: MetaDriverOptions = {}): ChannelDriver {
  return createMetaDriver(INSTAGRAM, opts);
}
