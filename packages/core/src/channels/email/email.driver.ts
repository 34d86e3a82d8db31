import { EarshotError } from '@earshot/domain';
import type { ChannelContext, ChannelDriver, ChannelLimits, OutboundMessage, SendResult } from '../driver';
import { normalizeEmailEvent } from './email.events';
import { emailConfig } from './email.settings';
import { messageIdList, normalizeMessageId, outboundMessageId, replyReferences, replySubject } from './email.threading';
import { sendSmtp } from './smtp.sender';

function notAWebhook(): never {
  throw new EarshotError('EARSHOT_VALIDATION', 'Email channels receive mail over IMAP (pollEmailChannel), not through webhooks');
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

function recipientAddress(msg: OutboundMessage): string {
  const candidate = msg.recipient.email ?? msg.recipient.externalId;
  if (!ADDRESS.test(candidate)) {
    throw new EarshotError('EARSHOT_VALIDATION', 'Email reply needs the recipient\'s email address', { field: 'recipient.email' });
  }
  return candidate;
}

/** Email over SMTP, threaded so the customer's mail client shows it under their message. */
async function send(msg: OutboundMessage, ctx: ChannelContext): Promise<SendResult> {
  const config = emailConfig(ctx);
  const inReplyTo = normalizeMessageId(msg.replyToProviderId);
  // With no parent (a new message into an existing thread) the thread root still threads it.
  const root = inReplyTo === null ? normalizeMessageId(msg.threadKey) : null;
  const references = replyReferences(messageIdList(msg.references), inReplyTo ?? root);
  const isReply = references.length > 0;
  const messageId = outboundMessageId(msg.idempotencyKey, config.smtp.from.address);
  await sendSmtp(config.smtp, {
    to: recipientAddress(msg),
    subject: isReply ? replySubject(msg.subject, config.defaultSubject) : (msg.subject ?? config.defaultSubject),
    text: msg.text,
    messageId,
    inReplyTo,
    references,
  });
  return { providerMessageIds: [messageId] };
}

const NO_LIMITS: ChannelLimits = { limit: null, remaining: null, resetAt: null, maxTextLength: null };

export const emailDriver: ChannelDriver = {
  kind: 'email',
  verify: notAWebhook,
  split: notAWebhook,
  normalize: (payload) => normalizeEmailEvent(payload),
  send,
  limits: () => NO_LIMITS,
};
