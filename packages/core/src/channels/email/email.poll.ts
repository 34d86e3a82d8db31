import type { ChannelContext, ProviderEvent } from '../driver';
import { emailEvent } from './email.events';
import { emailConfig } from './email.settings';
import { pollImap, type ImapPollOptions, type ImapPollState } from './imap.poller';

export interface EmailPollResult {
  /** Ready for IngestService.store: ids are Message-IDs, payloads carry raw + parsed message. */
  events: ProviderEvent[];
  /** Save this only after the events are stored: a crash in between re-fetches, and ingest dedupes. */
  state: ImapPollState;
  more: boolean;
}

/** One poll of an email channel's mailbox, from its settings and credentials. */
export async function pollEmailChannel(ctx: ChannelContext, state: ImapPollState | null, opts: ImapPollOptions = {}): Promise<EmailPollResult> {
  const config = emailConfig(ctx);
  const result = await pollImap(config.imap, state, opts);
  const events: ProviderEvent[] = [];
  for (const fetched of result.messages) events.push(await emailEvent(fetched, { ownAddress: config.smtp.from.address }));
  return { events, state: result.state, more: result.more };
}
