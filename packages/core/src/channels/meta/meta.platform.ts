import { META_TEXT_LIMITS } from '@earshot/domain';

/** What differs between a Facebook Page and an Instagram professional account on Meta's platform. */
export interface MetaPlatform {
  kind: 'facebook' | 'instagram';
  /** The webhook `object` value of deliveries for this platform. */
  object: 'page' | 'instagram';
  /** Prefix of event ids and thread keys. */
  prefix: 'fb' | 'ig';
  /** Graph edge for a public reply under a comment. */
  replyEdge: 'comments' | 'replies';
  maxCommentLength: number;
  maxDmLength: number;
  /** Message tags usable outside the 24-hour window (HUMAN_AGENT: up to 7 days, others: any time). */
  tags: readonly string[];
}

export const FACEBOOK: MetaPlatform = {
  kind: 'facebook',
  object: 'page',
  prefix: 'fb',
  replyEdge: 'comments',
  maxCommentLength: META_TEXT_LIMITS.facebook.comment,
  maxDmLength: META_TEXT_LIMITS.facebook.dm,
  tags: ['HUMAN_AGENT', 'ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE'],
};

export const INSTAGRAM: MetaPlatform = {
  kind: 'instagram',
  object: 'instagram',
  prefix: 'ig',
  replyEdge: 'replies',
  maxCommentLength: META_TEXT_LIMITS.instagram.comment,
  maxDmLength: META_TEXT_LIMITS.instagram.dm,
  tags: ['HUMAN_AGENT'],
};
