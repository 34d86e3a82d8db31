import { createTransport } from 'nodemailer';
import type { SmtpConfig } from './email.settings';
import { smtpError } from './smtp.errors';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
}

export interface SmtpSendOptions {
  /** Connection, greeting and socket-inactivity timeout. */
  timeoutMs?: number;
}

/** Hand one message to the channel's SMTP server. Resolves once the server accepted it (250 after DATA). */
export async function sendSmtp(config: SmtpConfig, mail: OutgoingEmail, opts: SmtpSendOptions = {}): Promise<{ messageId: string }> {
  const timeout = opts.timeoutMs ?? 30_000;
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    ...(config.auth === null ? {} : { auth: { user: config.auth.user, pass: config.auth.pass } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // Protocol logs would include the AUTH exchange.
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    await transport.sendMail({
      from: config.from.name === undefined ? config.from.address : { name: config.from.name, address: config.from.address },
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      ...(mail.inReplyTo === null ? {} : { inReplyTo: mail.inReplyTo }),
      ...(mail.references.length === 0 ? {} : { references: mail.references }),
    });
    return { messageId: mail.messageId };
  } catch (err) {
    throw smtpError(err);
  } finally {
    transport.close();
  }
}
