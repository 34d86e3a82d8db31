import type { CanonicalMessage, ChannelKind } from '@earshot/domain';

/** What a webhook route hands a driver: the request exactly as received. */
export interface InboundRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
  /** The raw body bytes: signatures are computed over these, never over re-serialised JSON. */
  rawBody: Buffer;
}

/** One provider event split out of a webhook delivery (a delivery may carry several). */
export interface ProviderEvent {
  providerEventId: string;
  payload: unknown;
}

export interface ChannelContext {
  channelId: string;
  brandId: string;
  /** Decrypted credentials (app secret, tokens). Never log them. */
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
}

export interface OutboundMessage {
  messageId: string;
  /** Stable key for the provider, so a retried send is never sent twice. */
  idempotencyKey: string;
  text: string;
  visibility: 'public' | 'private';
  /** Provider id of the customer's message this replies to. */
  replyToProviderId: string | null;
  threadKey: string | null;
  recipient: { externalId: string; handle?: string | null; email?: string | null };
  subject?: string | null;
  references?: string[];
  /** When the recipient last wrote to us (ISO). Meta only allows private replies inside its messaging window. */
  lastInboundAt?: string | null;
  /** Meta message tag for a private reply outside the 24-hour window, e.g. 'HUMAN_AGENT' for a person answering. */
  messageTag?: string | null;
  /**
   * Provider ids of the parts of this message already delivered by an earlier attempt (from the
   * failed attempt's error `details.deliveredPartIds`): a retry continues after them, never repeats them.
   */
  deliveredPartIds?: string[];
}

export interface SendResult {
  /** Provider ids of what was sent (several when a long reply was split). */
  providerMessageIds: string[];
}

/** Provider allowance as last reported by the provider (rate-limit headers) or our own budget. */
export interface ChannelLimits {
  limit: number | null;
  remaining: number | null;
  resetAt: string | null;
  maxTextLength: number | null;
  /** 'requests' (default) or 'percent' when the provider reports usage as a share (Meta's usage headers). */
  unit?: 'requests' | 'percent';
}

/**
 * One driver per provider. Thrown errors are EarshotError (from @earshot/domain):
 * EARSHOT_SIGNATURE_INVALID for verification failures, EARSHOT_PROVIDER_RATE_LIMITED (with retryAt)
 * and EARSHOT_PROVIDER_UNAVAILABLE for transient send failures, EARSHOT_PROVIDER_REJECTED for permanent ones,
 * EARSHOT_CHANNEL_RULE when a provider rule forbids the send (length, Meta's messaging window).
 * A transient failure after some parts of a split message went out carries `details.deliveredPartIds`.
 */
export interface ChannelDriver {
  readonly kind: ChannelKind;
  /** GET challenges (X CRC, Meta hub.challenge). Return null when the request is not a challenge. */
  challenge?(req: InboundRequest, ctx: ChannelContext): { status: number; contentType: string; body: string } | null;
  /** Verify a POSTed delivery (signature over rawBody, constant time). Throw when it is not authentic. */
  verify(req: InboundRequest, ctx: ChannelContext): void;
  /** Split a verified delivery into provider events with stable ids (used for dedupe). */
  split(body: unknown, ctx: ChannelContext): ProviderEvent[];
  /** Turn one stored provider event into zero or more canonical messages. Pure. */
  normalize(payload: unknown, ctx: ChannelContext): CanonicalMessage[];
  /** Send one outbound message. */
  send?(msg: OutboundMessage, ctx: ChannelContext): Promise<SendResult>;
  limits?(ctx: ChannelContext): ChannelLimits;
}
