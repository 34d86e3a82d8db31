import { describe, expect, it } from 'vitest';
import { issueVisitorToken, verifyVisitorToken } from '../../src/webchat/visitor-token';
import { pollerFor, pollIntervalSeconds } from '../../src/polling/pollers';

const SECRET = 'test-secret-key-0123456789abcdef';
const CHANNEL = '7c1f3a52-6a0e-4c55-9d1e-2f9d6a1b0c11';
const OTHER = '0b6d2c9e-1111-4c55-9d1e-2f9d6a1b0c22';

describe('web chat visitor tokens', () => {
  it('verifies a token for its own channel only', () => {
    const { visitorId, token } = issueVisitorToken(SECRET, CHANNEL);
    expect(verifyVisitorToken(SECRET, CHANNEL, token)).toBe(visitorId);
    expect(verifyVisitorToken(SECRET, OTHER, token)).toBeNull();
    expect(verifyVisitorToken('another-secret-key-0123456789abcd', CHANNEL, token)).toBeNull();
  });

  it('refuses a token whose visitor id or signature was changed', () => {
    const { token } = issueVisitorToken(SECRET, CHANNEL);
    const [, sig] = token.split('.');
    const other = issueVisitorToken(SECRET, CHANNEL).visitorId;
    expect(verifyVisitorToken(SECRET, CHANNEL, `${other}.${sig}`)).toBeNull();
    expect(verifyVisitorToken(SECRET, CHANNEL, `${token}x`)).toBeNull();
    expect(verifyVisitorToken(SECRET, CHANNEL, `${token}.extra`)).toBeNull();
    expect(verifyVisitorToken(SECRET, CHANNEL, '')).toBeNull();
  });
});

describe('which channels are polled', () => {
  it('polls email and feeds always, X only when mention polling is on, webhook channels never', () => {
    expect(pollerFor('email', {})).not.toBeNull();
    expect(pollerFor('feed', { url: 'https://example.org/feed' })).not.toBeNull();
    expect(pollerFor('x', { userId: '42' })).toBeNull();
    expect(pollerFor('x', { userId: '42', pollMentions: true })).not.toBeNull();
    expect(pollerFor('x', { pollMentions: true })).toBeNull(); // no account to poll
    expect(pollerFor('facebook', {})).toBeNull();
    expect(pollerFor('webchat', {})).toBeNull();
  });

  it('uses the channel\'s interval when valid, else the provider default', () => {
    const feed = pollerFor('feed', {});
    if (!feed) throw new Error('feed poller missing');
    expect(pollIntervalSeconds(feed, {})).toBe(300);
    expect(pollIntervalSeconds(feed, { pollIntervalSeconds: 30 })).toBe(30);
    expect(pollIntervalSeconds(feed, { pollIntervalSeconds: 1 })).toBe(300); // below the 5 s floor: ignored
  });
});
