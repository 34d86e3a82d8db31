import type { ChannelDriver } from './driver';
import { createFacebookDriver } from './meta/facebook.driver';
import { createInstagramDriver } from './meta/instagram.driver';
import { createXDriver } from './x/x.driver';

/** The social provider drivers (X, Facebook, Instagram), registered by registry.ts. */
export const providerDrivers: ChannelDriver[] = [createXDriver(), createFacebookDriver(), createInstagramDriver()];
