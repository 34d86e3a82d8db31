import { existsSync, readFileSync } from 'node:fs';
import { openDatabase, migrate, type DbHandle } from '@earshot/db';
import { Core, type MessageClassifier } from '@earshot/core';
import type { Config } from './config';
import { progress } from './progress';
import { createTrainer, loadClassifier } from './triage-classifier';

export interface Runtime { handle: DbHandle; core: Core; config: Config }

/** Opens the database (embedded unless DATABASE_URL), applies migrations, wires the services. */
export async function openRuntime(config: Config, opts: { quiet?: boolean; classifier?: MessageClassifier | null } = {}): Promise<Runtime> {
  const say = (s: string) => { if (!opts.quiet) process.stderr.write(`${s}\n`); };
  const firstOpen = !config.databaseUrl && !existsSync(`${config.dbDir}/PG_VERSION`);
  say(config.databaseUrl ? `Database: PostgreSQL server (${redactUrl(config.databaseUrl)})` : `Database: embedded PostgreSQL in ${config.dbDir}${firstOpen ? ' (first start: creating it takes a few seconds)' : ''}`);
  const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dbDir });
  const bar = opts.quiet ? null : progress('Migrations');
  const applied = await migrate(handle, (_m, i, total) => bar?.update(i + 1, total));
  if (applied.length) bar?.done(`Applied ${applied.length} migration(s).`);
  const classifier = opts.classifier === undefined ? await loadClassifier() : opts.classifier;
  // The replica pool opens lazily: a replica that is down at start only sends analytics to the primary.
  const replica = config.replicaUrl ? { handle: await openDatabase({ url: config.replicaUrl, poolSize: 4, failFast: false }), maxLagSeconds: config.replicaMaxLagS } : undefined;
  if (config.replicaUrl) say(`Analytics read from the replica ${redactUrl(config.replicaUrl)} while it is at most ${config.replicaMaxLagS} s behind.`);
  const core = await Core.create({ handle, secretKey: config.secretKey, classifier, trainer: createTrainer(), crossProcessEvents: true, webhooks: { allowPrivate: config.webhookAllowPrivate }, ...(replica ? { replica } : {}), publicUrl: config.publicUrl });
  return { handle, core, config };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
