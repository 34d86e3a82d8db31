import { EarshotError, isEarshotError } from '@earshot/domain';
import { z } from 'zod';
import type { ChannelContext, OutboundMessage, SendResult } from '../driver';
import { parsePayload } from '../shared/parse';
import { splitText } from '@earshot/domain';
import { metaPageToken, metaSettings } from './meta.config';
import { postGraph, type GraphDeps } from './meta.graph';
import type { MetaPlatform } from './meta.platform';
import { messagingPolicy } from './meta.window';

const CommentCreated = z.looseObject({ id: z.string().min(1) });
const MessageSent = z.looseObject({ recipient_id: z.string().optional(), message_id: z.string().min(1) });

/** Public: a reply under the customer's comment. Private: Send API, inside the messaging window. */
export async function sendMeta(platform: MetaPlatform, msg: OutboundMessage, ctx: ChannelContext, deps: GraphDeps): Promise<SendResult> {
  return msg.visibility === 'public' ? sendCommentReply(platform, msg, ctx, deps) : sendPrivate(platform, msg, ctx, deps);
}

function baseCall(ctx: ChannelContext, maxTextLength: number) {
  const s = metaSettings(ctx);
  return {
    channelId: ctx.channelId,
    baseUrl: s.apiBaseUrl,
    version: s.graphVersion,
    token: metaPageToken(ctx),
    timeoutMs: s.timeoutMs,
    maxTextLength,
    rateLimitBackoffSeconds: s.rateLimitBackoffSeconds,
  };
}

async function sendCommentReply(platform: MetaPlatform, msg: OutboundMessage, ctx: ChannelContext, deps: GraphDeps): Promise<SendResult> {
  if (msg.deliveredPartIds && msg.deliveredPartIds.length > 0) return { providerMessageIds: msg.deliveredPartIds };
  if (!msg.replyToProviderId) {
    throw new EarshotError('EARSHOT_CHANNEL_RULE', 'A public reply needs the comment it answers', { field: 'replyToProviderId' });
  }
  if ([...msg.text].length > platform.maxCommentLength) {
    throw new EarshotError('EARSHOT_CHANNEL_RULE', `A comment is at most ${platform.maxCommentLength} characters`, {
      field: 'text',
      details: { maxLength: platform.maxCommentLength },
    });
  }
  const res = await postGraph(
    { ...baseCall(ctx, platform.maxCommentLength), path: `${encodeURIComponent(msg.replyToProviderId)}/${platform.replyEdge}`, body: { message: msg.text } },
    deps,
  );
  return { providerMessageIds: [parsePayload(CommentCreated, res, 'Graph comment response').id] };
}

async function sendPrivate(platform: MetaPlatform, msg: OutboundMessage, ctx: ChannelContext, deps: GraphDeps): Promise<SendResult> {
  const policy = messagingPolicy(platform, msg.lastInboundAt, msg.messageTag, deps.now());
  const parts = splitText(msg.text, { measure: (t) => [...t].length, maxLength: platform.maxDmLength, numbered: false });
  const delivered = [...(msg.deliveredPartIds ?? [])];
  const call = baseCall(ctx, platform.maxDmLength);
  for (const part of parts.slice(delivered.length)) {
    const body = { recipient: { id: msg.recipient.externalId }, messaging_type: policy.messaging_type, message: { text: part }, ...('tag' in policy ? { tag: policy.tag } : {}) };
    try {
      const res = await postGraph({ ...call, path: 'me/messages', body }, deps);
      delivered.push(parsePayload(MessageSent, res, 'Send API response').message_id);
    } catch (e) {
      if (!isEarshotError(e) || delivered.length === 0) throw e;
      throw new EarshotError(e.code, `${e.message} (after ${delivered.length} of ${parts.length} parts)`, {
        cause: e,
        details: { ...e.details, deliveredPartIds: [...delivered] },
      });
    }
  }
  return { providerMessageIds: delivered };
}
