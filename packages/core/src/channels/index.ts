// Public surface of the channel layer (re-exported by packages/core/src/index.ts).
export type { ChannelContext, ChannelDriver, ChannelLimits, InboundRequest, OutboundMessage, ProviderEvent, SendResult } from './driver';
export { getDriver, hasDriver, registerDriver } from './registry';

export { createXDriver, type XDriverOptions } from './x/x.driver';
export { pollMentions, initialMentionsPollState, type MentionsPollState, type MentionsPollResult } from './x/x.poll';
export { splitForX, xWeightedLength, X_MAX_POST_LENGTH } from '@earshot/domain';
export { createFacebookDriver } from './meta/facebook.driver';
export { createInstagramDriver } from './meta/instagram.driver';
export type { MetaDriverOptions } from './meta/meta.driver';
export { messagingPolicy, STANDARD_WINDOW_MS, HUMAN_AGENT_WINDOW_MS } from './meta/meta.window';

// Local provider servers: used by tests and by the demo mode (`earshot dev providers`).
export { startXFakeServer, type XFakeServer, type XFakeOptions } from './testing/x-fake.server';
export { startMetaFakeServer, type MetaFakeServer, type MetaFakeOptions } from './testing/meta-fake.server';
export { startDriverWebhookReceiver, type DriverWebhookReceiver } from './testing/driver-webhook.receiver';
export { loadSampleTexts, type SampleText } from './testing/sample-texts';
