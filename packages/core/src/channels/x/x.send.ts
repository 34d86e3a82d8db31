import { EarshotError, isEarshotError } from '@earshot/domain';
import type { ChannelContext, OutboundMessage, SendResult } from '../driver';
import { parsePayload } from '../shared/parse';
import { xSettings, xUserToken } from './x.config';
import { callX, type XCallDeps } from './x.http';
import { splitForX, X_MAX_DM_LENGTH, X_MAX_POST_LENGTH, xWeightedLength } from '@earshot/domain';
import { XCreateDmResponse, XCreatePostResponse } from './x.v2-schemas';

/** Public: POST /2/tweets (a thread when long), private: POST /2/dm_conversations/with/:id/messages. */
export async function sendX(msg: OutboundMessage, ctx: ChannelContext, deps: XCallDeps): Promise<SendResult> {
  return msg.visibility === 'private' ? sendDm(msg, ctx, deps) : sendPosts(msg, ctx, deps);
}

async function sendPosts(msg: OutboundMessage, ctx: ChannelContext, deps: XCallDeps): Promise<SendResult> {
  const settings = xSettings(ctx);
  const token = xUserToken(ctx);
  if (!settings.splitLongReplies && xWeightedLength(msg.text) > X_MAX_POST_LENGTH) {
    throw new EarshotError('EARSHOT_CHANNEL_RULE', `An X post is at most ${X_MAX_POST_LENGTH} characters`, {
      field: 'text',
      details: { length: xWeightedLength(msg.text), maxLength: X_MAX_POST_LENGTH },
    });
  }
  const parts = splitForX(msg.text);
  const delivered = [...(msg.deliveredPartIds ?? [])];
  // Each part replies to the previous one, so the thread hangs under the customer's post.
  let inReplyTo = delivered.at(-1) ?? msg.replyToProviderId;
  for (const part of parts.slice(delivered.length)) {
    const body = inReplyTo ? { text: part, reply: { in_reply_to_tweet_id: inReplyTo } } : { text: part };
    try {
      const res = await callX(
        { channelId: ctx.channelId, baseUrl: settings.apiBaseUrl, token, timeoutMs: settings.timeoutMs, method: 'POST', path: '/2/tweets', body, bucket: 'tweets', maxTextLength: X_MAX_POST_LENGTH },
        deps,
      );
      const id = parsePayload(XCreatePostResponse, res, 'X create post response').data.id;
      delivered.push(id);
      inReplyTo = id;
    } catch (e) {
      throw withDeliveredParts(e, delivered, parts.length);
    }
  }
  return { providerMessageIds: delivered };
}

async function sendDm(msg: OutboundMessage, ctx: ChannelContext, deps: XCallDeps): Promise<SendResult> {
  if (msg.deliveredPartIds && msg.deliveredPartIds.length > 0) return { providerMessageIds: msg.deliveredPartIds };
  if ([...msg.text].length > X_MAX_DM_LENGTH) {
    throw new EarshotError('EARSHOT_CHANNEL_RULE', `An X direct message is at most ${X_MAX_DM_LENGTH} characters`, {
      field: 'text',
      details: { maxLength: X_MAX_DM_LENGTH },
    });
  }
  const settings = xSettings(ctx);
  const participant = encodeURIComponent(msg.recipient.externalId);
  const res = await callX(
    {
      channelId: ctx.channelId,
      baseUrl: settings.apiBaseUrl,
      token: xUserToken(ctx),
      timeoutMs: settings.timeoutMs,
      method: 'POST',
      path: `/2/dm_conversations/with/${participant}/messages`,
      body: { text: msg.text },
      bucket: 'dm',
      maxTextLength: X_MAX_DM_LENGTH,
    },
    deps,
  );
  return { providerMessageIds: [parsePayload(XCreateDmResponse, res, 'X create DM response').data.dm_event_id] };
}

/** A failure mid-thread must tell the retry which parts are already public. */
function withDeliveredParts(e: unknown, delivered: string[], total: number): unknown {
  if (!isEarshotError(e) || delivered.length === 0) return e;
  return new EarshotError(e.code, `${e.message} (after ${delivered.length} of ${total} parts)`, {
    field: e.field,
    cause: e,
    details: { ...e.details, deliveredPartIds: [...delivered] },
  });
}
