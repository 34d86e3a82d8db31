import { z } from 'zod';
import type { ChannelContext } from '../driver';
import { parseConfig } from '../shared/parse';

const MetaSettings = z.object({
  /** https://graph.facebook.com in production (graph.instagram.com for Instagram Login); the fake's URL in tests. */
  apiBaseUrl: z.string().url().default('https://graph.facebook.com'),
  graphVersion: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
  timeoutMs: z.number().int().positive().default(15_000),
  /** Wait after a rate-limit error when Meta gives no estimate (its windows roll over an hour). */
  rateLimitBackoffSeconds: z.number().int().positive().default(300),
});
export type MetaSettings = z.infer<typeof MetaSettings>;

// Built once: a zod schema is costly to build, and the app secret is read on every webhook delivery.
const AppSecret = z.object({ appSecret: z.string().min(1) });
const VerifyToken = z.object({ verifyToken: z.string().min(1) });
const PageToken = z.object({ pageAccessToken: z.string().min(1) });

export function metaSettings(ctx: ChannelContext): MetaSettings {
  return parseConfig(MetaSettings, ctx.settings, 'Meta channel settings');
}

export function metaAppSecret(ctx: ChannelContext): string {
  return parseConfig(AppSecret, ctx.credentials, 'Meta credentials').appSecret;
}

export function metaVerifyToken(ctx: ChannelContext): string {
  return parseConfig(VerifyToken, ctx.credentials, 'Meta credentials').verifyToken;
}

export function metaPageToken(ctx: ChannelContext): string {
  return parseConfig(PageToken, ctx.credentials, 'Meta credentials').pageAccessToken;
}
