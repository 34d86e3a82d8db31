import { SMTPServer } from 'smtp-server';
import { freePort } from './email-imap.server';

export interface ReceivedMail {
  from: string | null;
  to: string[];
  raw: Buffer;
}

/** What the server answers to a recipient: accept, or an SMTP reply code and text. */
export type RecipientPolicy = (address: string) => { code: number; message: string } | null;

export interface SmtpTestServer {
  host: string;
  port: number;
  /** Every message accepted, in order. */
  received: ReceivedMail[];
  /** Replace the recipient policy (e.g. answer 451 or 550) until set back to null. */
  setPolicy(policy: RecipientPolicy | null): void;
  /** Stop listening (an outage); start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface SmtpTestServerOptions {
  /** Where accepted mail goes, per recipient (e.g. ImapTestServer.deliver). Unknown recipients get 550. */
  deliver: (recipient: string, raw: Buffer) => Promise<void>;
  /** Recipients this server accepts mail for; any other gets 550 5.1.1. */
  mailboxes: string[];
  /** The login the brand's relay accepts. Logging in is optional (customers' mail arrives unauthenticated, as at an MX), a wrong login is refused. */
  auth?: { user: string; pass: string };
}

function replyError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * A real SMTP server on loopback (the `smtp-server` package) acting as the brand's mail relay and the
 * customers' MX at once: it accepts a message and delivers it into the IMAP test server's mailboxes.
 */
export async function startSmtpServer(opts: SmtpTestServerOptions): Promise<SmtpTestServer> {
  const port = await freePort();
  const received: ReceivedMail[] = [];
  const mailboxes = new Set(opts.mailboxes.map((m) => m.toLowerCase()));
  let policy: RecipientPolicy | null = null;
  let server: SMTPServer | null = null;

  const build = (): SMTPServer =>
    new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        const ok = opts.auth !== undefined && auth.username === opts.auth.user && auth.password === opts.auth.pass;
        if (!ok) return callback(replyError(535, '5.7.8 Authentication credentials invalid'));
        callback(null, { user: auth.username });
      },
      onRcptTo(address, _session, callback) {
        const verdict = policy?.(address.address) ?? null;
        if (verdict !== null) return callback(replyError(verdict.code, verdict.message));
        if (!mailboxes.has(address.address.toLowerCase())) return callback(replyError(550, '5.1.1 No such user here'));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', (err) => callback(err));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const to = session.envelope.rcptTo.map((r) => r.address);
          const from = session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address;
          Promise.all(to.map((rcpt) => opts.deliver(rcpt, raw)))
            .then(() => {
              received.push({ from, to, raw });
              callback();
            })
            .catch(() => callback(replyError(451, '4.3.0 Mailbox delivery failed, try again later')));
        });
      },
    });

  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = build();
      s.on('error', () => undefined);
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      const s = server;
      server = null;
      if (s === null) return resolve();
      s.close(() => resolve());
    });

  await start();
  return {
    host: '127.0.0.1',
    port,
    received,
    setPolicy(p) {
      policy = p;
    },
    stop,
    start,
  };
}
