import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomToken, systemActor, type Core } from '@earshot/core';
import { progress } from './progress';
import { seedDemoArticles } from './demo-articles';

export const DEMO_BRAND = { slug: 'demo', name: 'Earshot Demo', timezone: 'America/New_York' };
export const TWCS_SAMPLE = fileURLToPath(new URL('../../../data/twcs/twcs.csv', import.meta.url));

export interface DemoResult { brandId: string; email: string; password: string | null; credentialsFile: string; imported: number; apiChannelId: string; apiSecretFile: string }

/**
 * First start: a demo brand, an admin whose credentials are printed (and kept in the data folder,
 * mode 0600), a generic API channel, help articles for the sample's common questions, and the TWCS
 * sample imported as demo conversations.
 */
export async function seedDemo(core: Core, opts: { dataDir: string; adminEmail?: string | undefined; adminPassword?: string | undefined; importSample?: boolean }): Promise<DemoResult> {
  const { brand } = await core.admin.ensureBrand(DEMO_BRAND);
  const actor = systemActor(brand.id, 'setup');
  const credentialsFile = join(opts.dataDir, 'admin-credentials.txt');
  const email = (opts.adminEmail ?? 'admin@earshot.local').toLowerCase();
  let password: string | null = opts.adminPassword ?? null;
  const existing = await core.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (!existing || opts.adminPassword) {
    password ??= randomToken(12);
    await core.admin.upsertUser(actor, { email, name: 'Admin', password, role: 'admin' });
    if (!opts.adminPassword) writeFileSync(credentialsFile, `email: ${email}\npassword: ${password}\n`, { mode: 0o600 });
  } else if (existsSync(credentialsFile)) {
    password = /password: (\S+)/.exec(readFileSync(credentialsFile, 'utf8'))?.[1] ?? null;
  }

  const apiSecretFile = join(opts.dataDir, 'api-channel-secret.txt');
  let api = (await core.channels.list(brand.id)).find((c) => c.kind === 'api');
  if (!api) {
    const created = await core.channels.create(actor, { kind: 'api', name: 'Generic API' });
    api = created.channel;
    writeFileSync(apiSecretFile, `channel: ${api.id}\nsecret: ${created.secret ?? ''}\n`, { mode: 0o600 });
  }

  await seedDemoArticles(core, brand.id);

  let imported = 0;
  if (opts.importSample !== false && existsSync(TWCS_SAMPLE)) {
    const bar = progress('Importing TWCS sample');
    // The sample is from 2017: move it so its newest tweet arrived 20 minutes ago.
    const r = await core.imports.importTwcs(actor, readFileSync(TWCS_SAMPLE, 'utf8'), (p) => bar.update(p.done, p.total), { rebaseTo: new Date(core.clock.now().getTime() - 20 * 60_000) });
    imported = r.accepted;
    bar.done(r.accepted ? `Queued ${r.accepted} sample tweets for processing.` : undefined);
  }
  return { brandId: brand.id, email, password, credentialsFile, imported, apiChannelId: api.id, apiSecretFile };
}
