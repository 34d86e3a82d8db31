import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChannelKind } from '@earshot/domain';
import { authErrors, IdParams, type RouteDeps } from './shared';

const ChannelView = z.object({
  id: z.string(), kind: z.string(), name: z.string(), status: z.string(), statusDetail: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()), credentialKeys: z.array(z.string()), createdAt: z.string(),
});
const ChannelName = z.string().trim().min(1).max(100);
const CredentialKey = z.string().min(1).max(64);

const ChannelPatch = z.strictObject({
  name: ChannelName.optional(),
  status: z.enum(['active', 'paused']).optional(),
  credentials: z.record(CredentialKey, z.string().max(4096).nullable()).optional(),
  rotateSecret: z.literal(true).optional(),
  settings: z.record(z.string().max(64), z.unknown()).optional(),
}).refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send name, status, credentials, settings or rotateSecret' });

const SetupField = z.object({ key: z.string(), label: z.string(), secret: z.boolean(), required: z.boolean(), help: z.string() });
const ChannelSetupView = z.object({
  channel: ChannelView, credentials: z.array(SetupField), settings: z.array(SetupField), missing: z.array(z.string()), webhookPath: z.string().nullable(),
  challenge: z.object({ kind: z.enum(['x_crc', 'meta_hub']), last: z.object({ at: z.string(), ok: z.boolean(), status: z.number() }).nullable() }).nullable(),
});

const ChannelLimitsView = z.object({
  channelId: z.string(),
  kind: z.string(),
  provider: z.object({
    limit: z.number().nullable(), remaining: z.number().nullable(), resetAt: z.string().nullable(),
    maxTextLength: z.number().nullable(), unit: z.enum(['requests', 'percent']).optional(),
  }).nullable(),
  budget: z.object({ limit: z.number().nullable(), usedLast24h: z.number(), remaining: z.number().nullable(), resetAt: z.string().nullable() }),
  polling: z.object({ lastPolledAt: z.string().nullable(), failures: z.number(), lastError: z.string().nullable(), nextPollAt: z.string().nullable() }).nullable(),
});

export async function channelRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/channels', { schema: { tags: ['channels'], summary: 'Connected channels (credentials never returned)', response: { 200: z.object({ items: z.array(ChannelView) }), ...authErrors } } },
    async (req) => ({ items: await core.channels.list(req.can('channel:read').brandId) }));

  r.post('/api/v1/channels', {
    schema: {
      tags: ['channels'], summary: 'Connect a channel; for the generic API channel the signing secret is generated and shown once',
      body: z.strictObject({ kind: ChannelKind, name: ChannelName, credentials: z.record(CredentialKey, z.string().max(4096)).optional(), settings: z.record(z.string().max(64), z.unknown()).optional() }),
      response: { 200: z.object({ channel: ChannelView, secret: z.string().nullable() }), ...authErrors },
    },
  }, async (req) => core.channels.create(req.can('channel:manage'), req.body));

  r.patch('/api/v1/channels/:id', {
    schema: {
      tags: ['channels'],
      summary: 'Rename, pause or resume a channel, or rotate its credentials (admins). Paused: no polling, no sending (replies wait for the resume); webhooks are still stored',
      params: IdParams, body: ChannelPatch,
      response: { 200: z.object({ channel: ChannelView, secret: z.string().nullable() }), ...authErrors },
    },
  }, async (req) => core.channels.update(req.can('channel:manage'), req.params.id, req.body));

  r.get('/api/v1/channels/:id/setup', {
    schema: {
      tags: ['channels'], summary: 'The set-up wizard: the fields the provider needs, what is missing, the webhook path and the last challenge that reached Earshot',
      params: IdParams, response: { 200: ChannelSetupView, ...authErrors },
    },
  }, async (req) => core.channels.setup(req.can('channel:manage').brandId, req.params.id));

  r.get('/api/v1/channels/:id/limits', {
    schema: {
      tags: ['channels'],
      summary: 'Quota meter: the provider allowance as last reported, the brand\'s daily send budget, and polling health',
      params: IdParams,
      response: { 200: ChannelLimitsView, ...authErrors },
    },
  }, async (req) => core.channelLimits.get(req.can('channel:read').brandId, req.params.id));

  // Phone: an agent logs a call on the conversation; followUpAt schedules the follow-up call task.
  r.post('/api/v1/conversations/:id/calls', {
    schema: {
      tags: ['conversations'], summary: 'Log a phone call on a conversation, optionally with a follow-up call task', params: IdParams,
      body: z.strictObject({ direction: z.enum(['inbound', 'outbound']), durationSeconds: z.number().int().min(0).max(86_400), summary: z.string().trim().min(1).max(5_000), followUpAt: z.iso.datetime({ offset: true }).optional() }),
      response: { 200: z.object({ messageId: z.string(), followUpAt: z.string().nullable() }), ...authErrors },
    },
  }, async (req) => core.phone.logCall(req.can('conversation:reply'), req.params.id, { ...req.body, followUpAt: req.body.followUpAt ? new Date(req.body.followUpAt) : undefined }));
}
