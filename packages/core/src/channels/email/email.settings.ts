import { z } from 'zod';
import { EarshotError } from '@earshot/domain';
import type { ChannelContext } from '../driver';

/** How a connection is protected: implicit TLS, upgrade with STARTTLS (required), or plain (loopback/dev only). */
export const TransportSecurity = z.enum(['tls', 'starttls', 'none']);
export type TransportSecurity = z.infer<typeof TransportSecurity>;

const Port = z.coerce.number().int().min(1).max(65_535);

/** Non-secret channel settings of an email channel. */
export const EmailSettings = z.object({
  /** The support address customers write to; replies are sent from it. */
  fromAddress: z.email(),
  fromName: z.string().trim().max(200).optional(),
  imapHost: z.string().trim().min(1),
  imapPort: Port.default(993),
  imapSecurity: TransportSecurity.default('tls'),
  imapMailbox: z.string().min(1).default('INBOX'),
  smtpHost: z.string().trim().min(1),
  smtpPort: Port.default(587),
  smtpSecurity: TransportSecurity.default('starttls'),
  /** Subject for a message that starts a new email thread (no customer subject to answer). */
  defaultSubject: z.string().trim().min(1).max(200).default('Your message'),
});
export type EmailSettings = z.infer<typeof EmailSettings>;

/** Secrets: one login for both protocols, or separate IMAP and SMTP logins. */
export const EmailCredentials = z
  .object({
    user: z.string().min(1).optional(),
    pass: z.string().min(1).optional(),
    imapUser: z.string().min(1).optional(),
    imapPass: z.string().min(1).optional(),
    smtpUser: z.string().min(1).optional(),
    smtpPass: z.string().min(1).optional(),
  })
  .transform((c) => ({
    imap: login(c.imapUser ?? c.user, c.imapPass ?? c.pass),
    smtp: login(c.smtpUser ?? c.user, c.smtpPass ?? c.pass),
  }));

function login(user: string | undefined, pass: string | undefined): { user: string; pass: string } | null {
  return user !== undefined && pass !== undefined ? { user, pass } : null;
}

export interface ImapConfig {
  host: string;
  port: number;
  security: TransportSecurity;
  mailbox: string;
  auth: { user: string; pass: string };
}

export interface SmtpConfig {
  host: string;
  port: number;
  security: TransportSecurity;
  auth: { user: string; pass: string } | null;
  from: { address: string; name: string | undefined };
}

export interface EmailConfig {
  imap: ImapConfig;
  smtp: SmtpConfig;
  defaultSubject: string;
}

/** Parse a channel's settings and credentials at the edge. Error messages name fields, never values. */
export function emailConfig(ctx: ChannelContext): EmailConfig {
  const settings = EmailSettings.safeParse(ctx.settings);
  if (!settings.success) throw invalid('settings', settings.error);
  const creds = EmailCredentials.safeParse(ctx.credentials);
  if (!creds.success) throw invalid('credentials', creds.error);
  const s = settings.data;
  const imapAuth = creds.data.imap;
  if (imapAuth === null) {
    throw new EarshotError('EARSHOT_CONFIG', 'Email channel needs an IMAP login (credentials user/pass or imapUser/imapPass)', {
      field: 'credentials.imapUser',
    });
  }
  return {
    imap: { host: s.imapHost, port: s.imapPort, security: s.imapSecurity, mailbox: s.imapMailbox, auth: imapAuth },
    smtp: {
      host: s.smtpHost,
      port: s.smtpPort,
      security: s.smtpSecurity,
      auth: creds.data.smtp,
      from: { address: s.fromAddress, name: s.fromName },
    },
    defaultSubject: s.defaultSubject,
  };
}

function invalid(where: 'settings' | 'credentials', error: z.ZodError): EarshotError {
  const issue = error.issues[0];
  const field = `${where}.${issue?.path.join('.') ?? ''}`;
  // Only the path and zod's message: a credentials issue message never echoes the secret itself.
  return new EarshotError('EARSHOT_CONFIG', `Invalid email channel ${where}: ${field} ${issue?.message ?? ''}`.trim(), { field });
}
