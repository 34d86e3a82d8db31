export { feedDriver } from './feed.driver';
export { pollFeed, pollFeedChannel, type FeedPollState, type FeedPollResult, type FeedPollOptions } from './feed.poller';
export { parseFeed } from './feed.parse';
export { normalizeFeedItem } from './feed.normalize';
export { FeedItem, FeedFormatError, type ParsedFeed } from './feed.item';
export { feedConfig, FeedSettings, FeedCredentials, type FeedConfig } from './feed.settings';
