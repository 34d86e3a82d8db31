import { simpleParser, type ParsedMail, type Attachment as MailAttachment } from 'mailparser';
import { CanonicalMessage, EarshotError, type Attachment } from '@earshot/domain';
import { htmlToPlainText, trimQuotedHistory } from './email.body';
import { emailThreadKey, messageIdList, normalizeMessageId, syntheticMessageId } from './email.threading';

export interface ParseEmailOptions {
  /** When the message reached our mailbox (IMAP INTERNALDATE); used when the Date header is missing or bad. */
  receivedAt?: Date;
  /** The channel's own address: a message from it (a copy of our reply) is outbound, not a customer's. */
  ownAddress?: string;
}

const MAX_TEXT = 100_000;
const MAX_ATTACHMENTS = 50;

/**
 * A raw RFC 5322 message → one CanonicalMessage. Threading fields come from Message-ID,
 * In-Reply-To and References; the body is plain text with the quoted history trimmed; attachments are
 * kept as metadata only (their bytes stay in the stored raw message).
 */
export async function parseEmail(raw: Buffer, opts: ParseEmailOptions = {}): Promise<CanonicalMessage> {
  const mail = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  const from = mail.from?.value.find((a) => typeof a.address === 'string' && a.address.includes('@'));
  if (from?.address === undefined) {
    throw new EarshotError('EARSHOT_VALIDATION', 'Email has no From address', { field: 'payload.raw' });
  }
  const messageId = normalizeMessageId(mail.messageId) ?? syntheticMessageId(raw);
  const inReplyTo = messageIdList(mail.inReplyTo)[0] ?? null;
  const references = messageIdList(mail.references);
  const sentAt = validDate(mail.date) ?? validDate(opts.receivedAt) ?? new Date();
  return CanonicalMessage.parse({
    providerMessageId: messageId,
    threadKey: emailThreadKey(messageId, inReplyTo, references),
    replyToProviderId: inReplyTo,
    references: references.slice(-100),
    direction: opts.ownAddress?.toLowerCase() === from.address.toLowerCase() ? 'outbound' : 'inbound',
    visibility: 'private',
    author: {
      externalId: from.address.toLowerCase(),
      handle: null,
      displayName: from.name.trim().length > 0 ? from.name.trim().slice(0, 512) : null,
      email: from.address,
    },
    text: bodyText(mail).slice(0, MAX_TEXT),
    subject: mail.subject?.slice(0, 1000) ?? null,
    sentAt: sentAt.toISOString(),
    attachments: attachmentMetadata(mail.attachments),
  });
}

/** The text part when there is one, else the HTML part reduced to text; then the quoted history trimmed. */
function bodyText(mail: ParsedMail): string {
  const plain = mail.text?.trim() ?? '';
  const text = plain.length > 0 ? plain : typeof mail.html === 'string' ? htmlToPlainText(mail.html) : '';
  return trimQuotedHistory(text);
}

/** Files the customer attached. Inline parts referenced from the HTML (logos, signature images) are not. */
function attachmentMetadata(attachments: MailAttachment[]): Attachment[] {
  return attachments
    .filter((a) => a.related !== true)
    .slice(0, MAX_ATTACHMENTS)
    .map((a) => ({
      name: (a.filename ?? 'attachment').slice(0, 512),
      contentType: a.contentType.slice(0, 255),
      size: a.size,
    }));
}

function validDate(d: Date | undefined): Date | null {
  return d !== undefined && !Number.isNaN(d.getTime()) ? d : null;
}
