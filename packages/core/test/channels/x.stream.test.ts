import { beforeAll, describe, expect, it } from 'vitest';
import { LimitsStore } from '../../src/channels/shared/limits-store';
import { startDriverWebhookReceiver } from '../../src/channels/testing/driver-webhook.receiver';
import { loadSampleTexts, type SampleText } from '../../src/channels/testing/sample-texts';
import { startXFakeServer } from '../../src/channels/testing/x-fake.server';
import { createXDriver } from '../../src/channels/x/x.driver';
import { xContext } from './x-test-context';

let texts: SampleText[];
beforeAll(async () => {
  texts = await loadSampleTexts();
});

describe('X demo stream', () => {
  it('posts a realistic signed stream of real customer texts that the driver accepts and normalizes', async () => {
    expect(texts.length).toBeGreaterThan(1000);
    const fake = await startXFakeServer();
    const driver = createXDriver({ limits: new LimitsStore() });
    const ctx = xContext(fake);
    const receiver = await startDriverWebhookReceiver(driver, ctx);
    const outcomes = await fake.stream(receiver.url, { texts, count: 15, seed: 3 });
    expect(outcomes.map((o) => o.status)).toEqual(Array(15).fill(200));
    const messages = receiver.accepted.flat().flatMap((e) => driver.normalize(e.payload, ctx));
    expect(messages).toHaveLength(15);
    expect(messages.filter((m) => m.visibility === 'private')).toHaveLength(3);
    const known = new Set(texts.map((t) => t.text));
    expect(messages.filter((m) => m.visibility === 'private').every((m) => known.has(m.text))).toBe(true);
    await receiver.close();
    await fake.close();
  });
});
