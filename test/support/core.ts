import { Core, signApiBody, systemActor, ManualClock, type Clock, type MessageClassifier, type WebhookOptions } from '@earshot/core';
import type { DbKind } from '@earshot/db';
import { createTestDb, type TestDb } from './db';

export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef-0123456789';

export interface TestCore { core: Core; db: TestDb; drop(): Promise<void> }

export async function createTestCore(kind: DbKind, opts: { clock?: Clock; classifier?: MessageClassifier | null; webhooks?: WebhookOptions; analytics?: { live?: boolean; debounceMs?: number } } = {}): Promise<TestCore> {
  const db = await createTestDb(kind);
  // Test receivers listen on 127.0.0.1: tests allow private webhook and CRM targets unless they say otherwise.
  // Analytics catch-ups are off unless a test asks (they would add jobs and batches to tests that count them).
  const core = await Core.create({ handle: db.handle, secretKey: TEST_SECRET_KEY, ...opts, webhooks: { allowPrivate: true, ...opts.webhooks }, analytics: { live: false, ...opts.analytics } });
  return { core, db, async drop() { await core.bus.close(); await db.drop(); } };
}

export interface SeededBrand {
  brandId: string;
  slug: string;
  adminId: string;
  agentId: string;
  agencyId: string;
  viewerId: string;
  password: string;
  emails: { admin: string; agent: string; agency: string; viewer: string };
  apiChannelId: string;
  apiSecret: string;
}

/** A brand with one user per role and a generic API channel. */
export async function seedBrand(core: Core, slug: string): Promise<SeededBrand> {
  const { brand } = await core.admin.ensureBrand({ slug, name: `Brand ${slug}`, timezone: 'Europe/Berlin' });
  const actor = systemActor(brand.id, 'test');
  const password = 'correct horse battery staple';
  const emails = { admin: `admin@${slug}.test`, agent: `agent@${slug}.test`, agency: `agency@${slug}.test`, viewer: `viewer@${slug}.test` };
  const admin = await core.admin.upsertUser(actor, { email: emails.admin, name: `Admin ${slug}`, password, role: 'admin' });
  const agent = await core.admin.upsertUser(actor, { email: emails.agent, name: `Agent ${slug}`, password, role: 'agent' });
  const agency = await core.admin.upsertUser(actor, { email: emails.agency, name: `Agency ${slug}`, password, role: 'agency_agent' });
  const viewer = await core.admin.upsertUser(actor, { email: emails.viewer, name: `Viewer ${slug}`, password, role: 'viewer' });
  const { channel, secret } = await core.channels.create(actor, { kind: 'api', name: 'API' });
  return { brandId: brand.id, slug, adminId: admin.id, agentId: agent.id, agencyId: agency.id, viewerId: viewer.id, password, emails, apiChannelId: channel.id, apiSecret: secret ?? '' };
}

export interface ApiMessageInput {
  id: string;
  author?: string;
  text?: string;
  replyTo?: string | null;
  threadKey?: string | null;
  visibility?: 'public' | 'private';
  followers?: number;
  sentAt?: string;
  /** `outbound`: the brand's own reply seen on the provider (an echo). */
  direction?: 'inbound' | 'outbound';
}

/** A generic-API delivery body for one or more messages, with its signature header. */
export function apiDelivery(secret: string, events: ApiMessageInput[]): { body: string; signature: string } {
  const body = JSON.stringify({
    events: events.map((e) => ({
      id: `evt-${e.id}`,
      message: {
        providerMessageId: e.id, replyToProviderId: e.replyTo ?? null, threadKey: e.threadKey ?? null, direction: e.direction ?? 'inbound',
        visibility: e.visibility ?? 'public', author: { externalId: e.author ?? 'cust-1', handle: `@${e.author ?? 'cust-1'}`, followers: e.followers ?? 10 },
        text: e.text ?? `message ${e.id}`, sentAt: e.sentAt ?? new Date().toISOString(),
      },
    })),
  });
  return { body, signature: signApiBody(secret, body) };
}

export { ManualClock };
