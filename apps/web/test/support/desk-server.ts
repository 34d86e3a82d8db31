import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { Core, signApiBody, systemActor, type MessageClassifier, type WebhookOptions, type Worker } from '@earshot/core';
import { migrate, openDatabase } from '@earshot/db';
import { parseModel, triage, DEFAULT_MODEL_URL } from '@earshot/triage';
import { buildApp } from '../../../server/src/http/app';
import { seedDemo } from '../../../server/src/demo';
import { loadClassifier } from '../../../server/src/triage-classifier';
import { createTestDb, type TestDb } from '../../../../test/support/db';
import { TEST_SECRET_KEY } from '../../../../test/support/core';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const WEB_DIST = join(ROOT, 'apps/web/dist');

/** Builds the desk when missing or stale, the same way `npm start` does. */
export function ensureDeskBuilt(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`desk build failed: ${r.stderr || r.stdout}`);
}

export interface DeskUser { id: string; email: string; name: string }
export interface DeskServer {
  url: string;
  core: Core;
  app: FastifyInstance;
  brandId: string;
  password: string;
  users: { admin: DeskUser; supervisor: DeskUser; agent: DeskUser; agent2: DeskUser; agency: DeskUser };
  apiChannelId: string;
  apiSecret: string;
  /** Posts signed inbound messages to the generic API channel, as an integration would. */
  postInbound(events: { id: string; author: string; text: string; followers?: number; name?: string; visibility?: 'public' | 'private' }[]): Promise<number>;
  /** Runs queued jobs (ingest, delivery) to completion. */
  drain(): Promise<void>;
  /**
   * Waits (at most `timeoutMs`) until the running workers have no due job left, or none of the
   * named kinds: screenshot scripts use it to start from a settled demo.
   */
  waitForJobs(opts?: { names?: string[]; timeoutMs?: number }): Promise<void>;
  /** The newest conversation of the customer with this handle (without the @). */
  conversationOf(handle: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The triage integration wires the real classifier through loadClassifier(); until it does, the
 * desk's tests and screenshots classify with the default model directly so labels are real.
 */
async function classifier(): Promise<MessageClassifier | null> {
  const wired = await loadClassifier();
  if (wired) return wired;
  const model = parseModel(JSON.parse(readFileSync(DEFAULT_MODEL_URL, 'utf8')) as unknown);
  return {
    classify(input) {
      const r = triage(model, input);
      const priority = r.urgency.score >= 80 ? 'urgent' : r.urgency.score >= 60 ? 'high' : undefined;
      return { labels: r as unknown as Record<string, unknown>, needsResponse: r.needsResponse.value, ...(priority ? { priority } : {}) };
    },
  };
}

/** Inside Vitest: a copy of the migrated template. Outside (the benchmark): a fresh embedded database. */
async function freshDb(): Promise<Pick<TestDb, 'handle' | 'drop'>> {
  if (process.env.EARSHOT_TEST_PGLITE_TEMPLATE) return createTestDb('pglite');
  const dir = mkdtempSync(join(tmpdir(), 'earshot-desk-db-'));
  const handle = await openDatabase({ dataDir: dir });
  await migrate(handle);
  return { handle, async drop() { await handle.close().catch(() => undefined); rmSync(dir, { recursive: true, force: true }); } };
}

export async function startDeskServer(opts: { demo?: boolean; worker?: boolean; webhooks?: WebhookOptions } = {}): Promise<DeskServer> {
  ensureDeskBuilt();
  const db = await freshDb();
  const core = await Core.create({ handle: db.handle, secretKey: TEST_SECRET_KEY, classifier: await classifier(), ...(opts.webhooks ? { webhooks: opts.webhooks } : {}) });
  const password = 'correct horse battery staple';
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-desk-'));
  const demo = await seedDemo(core, { dataDir, adminEmail: 'admin@earshot.local', adminPassword: password, importSample: opts.demo ?? false });
  const actor = systemActor(demo.brandId, 'test');
  const mk = async (email: string, name: string, role: 'admin' | 'supervisor' | 'agent' | 'agency_agent') => {
    const u = await core.admin.upsertUser(actor, { email, name, password, role });
    return { id: u.id, email, name };
  };
  const admin = { ...(await mk('admin@earshot.local', 'Alex Morgan', 'admin')) };
  const users = {
    admin,
    supervisor: await mk('supervisor@earshot.local', 'Priya Natarajan', 'supervisor'),
    agent: await mk('dana@earshot.local', 'Dana Reyes', 'agent'),
    agent2: await mk('lee@earshot.local', 'Lee Chen', 'agent'),
    agency: await mk('sam@agency.example', 'Sam Okafor', 'agency_agent'),
  };
  const { channel, secret } = await core.channels.create(actor, { kind: 'api', name: 'Web chat bridge' });
  const app = await buildApp({ core, webDist: WEB_DIST, loginRateLimit: 10_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  let worker: Worker | null = null;
  if (opts.worker !== false) { worker = core.worker({ pollMs: 50 }); worker.start(); }

  return {
    url, core, app, brandId: demo.brandId, password, users, apiChannelId: channel.id, apiSecret: secret ?? '',
    async postInbound(events) {
      const body = JSON.stringify({
        events: events.map((e) => ({
          id: `evt-${e.id}`,
          message: {
            providerMessageId: e.id, direction: 'inbound', visibility: e.visibility ?? 'public', text: e.text, sentAt: new Date().toISOString(),
            author: { externalId: e.author, handle: `@${e.author}`, displayName: e.name ?? null, followers: e.followers ?? 120 },
          },
        })),
      });
      const res = await fetch(`${url}/api/v1/channels/${channel.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-earshot-signature': signApiBody(secret ?? '', body) }, body });
      if (!res.ok) throw new Error(`inbound rejected: ${res.status} ${await res.text()}`);
      return res.status;
    },
    async drain() { await core.worker().drain(); },
    async waitForJobs({ names, timeoutMs = 600_000 } = {}) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        let q = core.db.selectFrom('jobs').select((e) => e.fn.countAll<string>().as('n')).where('state', 'in', ['queued', 'running']).where('run_at', '<=', new Date());
        if (names?.length) q = q.where('name', 'in', names);
        const left = await q.executeTakeFirstOrThrow();
        if (Number(left.n) === 0 || Date.now() > until) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async conversationOf(handle) {
      const row = await core.db.selectFrom('conversations as c').innerJoin('contact_identities as i', 'i.contact_id', 'c.contact_id')
        .select('c.id').where('c.brand_id', '=', demo.brandId).where('i.handle', '=', `@${handle}`).orderBy('c.created_at', 'desc').executeTakeFirstOrThrow();
      return row.id;
    },
    async close() {
      await app.close();
      await worker?.stop();
      await core.bus.close();
      await db.drop();
    },
  };
}
