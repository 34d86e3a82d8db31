export { emailDriver } from './email.driver';
export { pollEmailChannel, type EmailPollResult } from './email.poll';
export { pollImap, type ImapPollState, type ImapPollOptions, type ImapPollResult, type FetchedEmail } from './imap.poller';
export { parseEmail, type ParseEmailOptions } from './email.parse';
export { emailEvent, normalizeEmailEvent, normalizeEmailEventAsync, EmailEventPayload } from './email.events';
export { htmlToPlainText, trimQuotedHistory } from './email.body';
export { emailConfig, EmailSettings, EmailCredentials, type EmailConfig, type ImapConfig, type SmtpConfig } from './email.settings';
export { sendSmtp, type OutgoingEmail } from './smtp.sender';
export { normalizeMessageId, messageIdList, outboundMessageId } from './email.threading';
