import { describe, expect, it } from 'vitest';
import { createFacebookDriver } from '../../src/channels/meta/facebook.driver';
import { createInstagramDriver } from '../../src/channels/meta/instagram.driver';
import { startDriverWebhookReceiver } from '../../src/channels/testing/driver-webhook.receiver';
import { startMetaFakeServer } from '../../src/channels/testing/meta-fake.server';
import { loadSampleTexts } from '../../src/channels/testing/sample-texts';
import { metaContext } from './meta-test-support';

describe('Meta demo stream', () => {
  it('posts realistic signed Facebook and Instagram streams that the drivers accept and normalize', async () => {
    const texts = await loadSampleTexts();
    const known = new Set(texts.map((t) => t.text));
    const fake = await startMetaFakeServer();
    for (const [platform, driver] of [['facebook', createFacebookDriver()], ['instagram', createInstagramDriver()]] as const) {
      const ctx = metaContext(fake);
      const receiver = await startDriverWebhookReceiver(driver, ctx);
      const outcomes = await fake.stream(receiver.url, { platform, texts, count: 12, seed: 5 });
      expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill(200));
      const messages = receiver.accepted.flat().flatMap((e) => driver.normalize(e.payload, ctx));
      expect(messages).toHaveLength(12);
      expect(messages.filter((m) => m.visibility === 'private')).toHaveLength(3);
      expect(messages.every((m) => known.has(m.text))).toBe(true);
      expect(messages.some((m) => m.visibility === 'public' && m.threadKey !== `${platform === 'facebook' ? 'fb' : 'ig'}:comment:${m.providerMessageId}`)).toBe(true);
      await receiver.close();
    }
    await fake.close();
  });
});
