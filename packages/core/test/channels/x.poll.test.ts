import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EarshotError } from '@earshot/domain';
import type { ChannelContext } from '../../src/channels/driver';
import { LimitsStore } from '../../src/channels/shared/limits-store';
import { startXFakeServer, type XFakeServer } from '../../src/channels/testing/x-fake.server';
import { initialMentionsPollState, pollMentions, type MentionsPollState } from '../../src/channels/x/x.poll';
import { splitXDelivery } from '../../src/channels/x/x.split';
import { xContext } from './x-test-context';

let fake: XFakeServer;
let ctx: ChannelContext;
let limits: LimitsStore;
let clock = Date.parse('2026-11-25T12:00:00Z');

beforeEach(async () => {
  fake = await startXFakeServer({ now: () => clock });
  ctx = xContext(fake, { pollPageSize: 5 });
  limits = new LimitsStore();
});
afterEach(() => fake.close());

const poll = (state: MentionsPollState) => pollMentions(ctx, state, fetch, { limits, now: () => new Date(clock) });

/** Polls until the cycle is complete, collecting tweet ids in the order read. */
async function drain(state: MentionsPollState): Promise<{ ids: string[]; state: MentionsPollState; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  for (;;) {
    const res = await poll(state);
    pages += 1;
    ids.push(...res.messages.map((m) => m.providerMessageId));
    state = res.nextState;
    if (!res.hasMore) return { ids, state, pages };
  }
}

describe('X mention polling', () => {
  it('pages through mentions with next_token, then reads only newer ones with since_id', async () => {
    const ann = fake.addCustomer({ username: 'ann', followers: 777 });
    const first = Array.from({ length: 12 }, (_, i) => fake.mention({ from: ann, text: `problem number ${i}` }).tweet.id);

    const cycle1 = await drain(initialMentionsPollState);
    expect(cycle1.pages).toBe(3);
    expect(cycle1.ids).toEqual([...first].reverse());
    expect(cycle1.state).toEqual({ sinceId: first.at(-1), paginationToken: null, cycleNewestId: null });

    const later = [fake.mention({ from: ann, text: 'any news?' }).tweet.id, fake.mention({ from: ann, text: 'hello??' }).tweet.id];
    const cycle2 = await drain(cycle1.state);
    expect(cycle2.ids).toEqual([...later].reverse());
    expect(cycle2.state.sinceId).toBe(later[1]);

    const cycle3 = await drain(cycle2.state);
    expect(cycle3.ids).toEqual([]);
    expect(cycle3.state.sinceId).toBe(later[1]);
  });

  it('normalizes polled mentions with author reach and the same event ids as webhooks', async () => {
    const ann = fake.addCustomer({ username: 'ann', name: 'Ann', followers: 777 });
    const root = fake.mention({ from: ann, text: 'bags & delays' });
    const reply = fake.mention({ from: ann, text: 'still nothing', inReplyTo: root.tweet.id });
    const res = await poll(initialMentionsPollState);
    expect(res.messages[0]).toMatchObject({
      providerMessageId: reply.tweet.id,
      replyToProviderId: root.tweet.id,
      threadKey: `x:conv:${root.tweet.id}`,
      visibility: 'public',
      author: { externalId: ann.id, handle: 'ann', followers: 777 },
    });
    expect(res.messages[1]).toMatchObject({ threadKey: `x:conv:${root.tweet.id}`, text: `@${fake.brand.username} bags & delays` });
    expect(res.events.map((e) => e.providerEventId)).toEqual(splitXDelivery(reply.payload).concat(splitXDelivery(root.payload)).map((e) => e.providerEventId));
  });

  it('keeps its place when rate limited mid-cycle and resumes on the next call', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const ids = Array.from({ length: 8 }, (_, i) => fake.mention({ from: ann, text: `m${i}` }).tweet.id);
    const page1 = await poll(initialMentionsPollState);
    fake.failNext(1, { status: 429, resetInSeconds: 1 });
    let error: unknown;
    try {
      await poll(page1.nextState);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EarshotError);
    expect((error as EarshotError).code).toBe('EARSHOT_PROVIDER_RATE_LIMITED');
    expect((error as EarshotError).details?.retryAt).toEqual(expect.any(String));

    clock += 60_000; // a later run, after the window reset
    limits = new LimitsStore();
    const rest = await drain(page1.nextState);
    expect([...page1.messages.map((m) => m.providerMessageId), ...rest.ids]).toEqual([...ids].reverse());
    expect(rest.state.sinceId).toBe(ids.at(-1));
  });
});
