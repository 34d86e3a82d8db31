import { ImapFlow } from 'imapflow';
import { EarshotError } from '@earshot/domain';
import type { ImapConfig } from './email.settings';

/** Where the next poll starts. UIDs only mean something within one UIDVALIDITY (RFC 9051 §2.3.1.1). */
export interface ImapPollState {
  /** UIDVALIDITY as a decimal string (it is a 32-bit unsigned number; JSON has no bigint). */
  uidValidity: string;
  lastUid: number;
}

export interface FetchedEmail {
  uid: number;
  uidValidity: string;
  mailbox: string;
  /** The raw RFC 5322 message, cut at maxMessageBytes. */
  source: Buffer;
  internalDate: Date | null;
  /** Full size on the server; greater than source.length when the message was cut. */
  size: number;
}

export interface ImapPollResult {
  messages: FetchedEmail[];
  state: ImapPollState;
  /** More new messages are waiting beyond this batch: poll again without waiting. */
  more: boolean;
}

export interface ImapPollOptions {
  /** Most messages fetched in one poll; the rest come next time. */
  batchSize?: number;
  /** Bytes of each message fetched; larger messages are cut (providers cap mail at ~25 MB anyway). */
  maxMessageBytes?: number;
  /** Connection, greeting and socket-inactivity timeout. */
  timeoutMs?: number;
}

/**
 * One polling pass over a mailbox: connect, open it read-only (so nothing is marked \Seen), fetch the
 * messages with a UID above the last one seen and return them with the next state. A changed
 * UIDVALIDITY means the server renumbered the mailbox: start again from UID 1 (ingest dedupes by
 * Message-ID, so messages seen before are not stored twice).
 */
export async function pollImap(config: ImapConfig, state: ImapPollState | null, opts: ImapPollOptions = {}): Promise<ImapPollResult> {
  const batchSize = opts.batchSize ?? 50;
  const maxMessageBytes = opts.maxMessageBytes ?? 25 * 1024 * 1024;
  const client = imapClient(config, opts.timeoutMs ?? 30_000);
  // An 'error' event without a listener would crash the process; failures surface through the awaited calls.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const lock = await client.getMailboxLock(config.mailbox, { readOnly: true });
    try {
      const mailbox = client.mailbox;
      if (mailbox === false) throw new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', 'IMAP mailbox was not opened');
      const uidValidity = mailbox.uidValidity.toString();
      const lastUid = state !== null && state.uidValidity === uidValidity ? state.lastUid : 0;
      const unchanged: ImapPollResult = { messages: [], state: { uidValidity, lastUid }, more: false };
      if (mailbox.exists === 0 || mailbox.uidNext <= lastUid + 1) return unchanged;
      // `N:*` always matches the highest UID even when it is below N (RFC 9051 §6.4.4), so filter again.
      const found = (await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || [];
      const fresh = found.filter((uid) => uid > lastUid).sort((a, b) => a - b);
      const batch = fresh.slice(0, batchSize);
      if (batch.length === 0) return unchanged;
      const fetched = await client.fetchAll(
        batch.join(','),
        { uid: true, source: { maxLength: maxMessageBytes }, internalDate: true, size: true },
        { uid: true },
      );
      const messages = fetched
        .filter((m) => m.source !== undefined)
        .sort((a, b) => a.uid - b.uid)
        .map<FetchedEmail>((m) => ({
          uid: m.uid,
          uidValidity,
          mailbox: config.mailbox,
          source: m.source as Buffer,
          internalDate: m.internalDate === undefined ? null : new Date(m.internalDate),
          size: m.size ?? (m.source as Buffer).length,
        }));
      const next = { uidValidity, lastUid: batch[batch.length - 1] as number };
      return { messages, state: next, more: fresh.length > batch.length };
    } finally {
      lock.release();
    }
  } catch (err) {
    throw imapError(err);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

function imapClient(config: ImapConfig, timeoutMs: number): ImapFlow {
  return new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    doSTARTTLS: config.security === 'starttls' ? true : config.security === 'none' ? false : undefined,
    auth: { user: config.auth.user, pass: config.auth.pass },
    // imapflow's logger would print protocol traffic, which includes the login: keep it off.
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

interface ImapErrorShape {
  code?: unknown;
  authenticationFailed?: unknown;
  mailboxMissing?: unknown;
  serverResponseCode?: unknown;
}

/**
 * Bad login or a missing mailbox will not fix themselves (rejected); anything else is worth a retry.
 * The library error is not attached as `cause`: it can carry the executed command, and so the login.
 */
function imapError(err: unknown): EarshotError {
  if (err instanceof EarshotError) return err;
  const e: ImapErrorShape = typeof err === 'object' && err !== null ? err : {};
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (e.authenticationFailed === true) {
    return new EarshotError('EARSHOT_PROVIDER_REJECTED', 'IMAP login was refused', { details: { code } });
  }
  if (e.mailboxMissing === true) {
    return new EarshotError('EARSHOT_PROVIDER_REJECTED', 'IMAP mailbox does not exist', { details: { code } });
  }
  return new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', `IMAP server unavailable (${code ?? 'error'})`, { details: { code } });
}
