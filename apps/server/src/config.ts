import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const perMinute = (name: string) => z.coerce.number().int(`${name} must be a whole number of requests per minute`)
  .min(1, `${name} must be at least 1 (requests per minute)`).max(100_000_000, `${name} is too large`).optional();

/** Configuration comes from the environment only, validated once at start with messages a person can act on. */
const Env = z.object({
  PORT: z.coerce.number().int().min(0, 'PORT must be 0..65535').max(65535, 'PORT must be 0..65535').default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://').optional(),
  DATABASE_REPLICA_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_REPLICA_URL must start with postgres:// or postgresql://').optional(),
  EARSHOT_REPLICA_MAX_LAG_S: z.coerce.number().int('EARSHOT_REPLICA_MAX_LAG_S must be whole seconds').min(0).max(86_400, 'EARSHOT_REPLICA_MAX_LAG_S must be 0..86400').default(30),
  EARSHOT_DATA_DIR: z.string().min(1).default('.earshot'),
  EARSHOT_SECRET_KEY: z.string().min(32, 'EARSHOT_SECRET_KEY must be at least 32 characters (e.g. `openssl rand -base64 48`)').optional(),
  EARSHOT_ADMIN_EMAIL: z.email('EARSHOT_ADMIN_EMAIL must be an email address').optional(),
  EARSHOT_ADMIN_PASSWORD: z.string().min(12, 'EARSHOT_ADMIN_PASSWORD must be at least 12 characters').optional(),
  EARSHOT_DEMO: z.enum(['0', '1', 'true', 'false']).optional(),
  EARSHOT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EARSHOT_COOKIE_SECURE: z.enum(['0', '1', 'true', 'false']).optional(),
  EARSHOT_RATE_LIMIT_IP: perMinute('EARSHOT_RATE_LIMIT_IP'),
  EARSHOT_RATE_LIMIT_CALLER: perMinute('EARSHOT_RATE_LIMIT_CALLER'),
  EARSHOT_RATE_LIMIT_INGEST: perMinute('EARSHOT_RATE_LIMIT_INGEST'),
  EARSHOT_WORKER_CONCURRENCY: z.coerce.number().int('EARSHOT_WORKER_CONCURRENCY must be a whole number of batches at a time')
    .min(1, 'EARSHOT_WORKER_CONCURRENCY must be 1..16').max(16, 'EARSHOT_WORKER_CONCURRENCY must be 1..16').optional(),
  EARSHOT_PUBLIC_URL: z.url('EARSHOT_PUBLIC_URL must be the address customers reach this server at, e.g. https://care.example.com').optional(),
  EARSHOT_WEBHOOK_ALLOW_PRIVATE: z.enum(['0', '1', 'true', 'false'], 'EARSHOT_WEBHOOK_ALLOW_PRIVATE must be 0 or 1').optional(),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** A streaming replica of DATABASE_URL that analytics and exports read from (ADR 0023). */
  replicaUrl: string | undefined;
  /** Further behind than this, the replica is skipped (reads go to the primary). */
  replicaMaxLagS: number;
  dataDir: string;
  dbDir: string;
  secretKey: string;
  secretKeyGenerated: boolean;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  logLevel: string;
  cookieSecure: boolean;
  /** Requests per minute; unset ones keep the server's defaults (docs/operations.md, Limits). */
  rateLimits: { perIp?: number; perCaller?: number; ingest?: number };
  /** Worker batches a process runs at once (each on its own connection); unset: the database's default. */
  workerConcurrency: number | undefined;
  /** Webhook and CRM-hook URLs may point at loopback/private/link-local addresses and use plain http (local receivers only). */
  webhookAllowPrivate: boolean;
  /** The address customers reach this server at (survey links); default http://localhost:<port>. */
  publicUrl: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Earshot cannot start: the configuration is not valid.\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if ((e.EARSHOT_ADMIN_EMAIL === undefined) !== (e.EARSHOT_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Earshot cannot start: set both EARSHOT_ADMIN_EMAIL and EARSHOT_ADMIN_PASSWORD, or neither.');
  }
  if (e.DATABASE_REPLICA_URL && !e.DATABASE_URL) throw new ConfigError('Earshot cannot start: DATABASE_REPLICA_URL needs DATABASE_URL (the embedded database has no replicas).');
  const dataDir = resolve(e.EARSHOT_DATA_DIR);
  const { key, generated } = e.EARSHOT_SECRET_KEY ? { key: e.EARSHOT_SECRET_KEY, generated: false } : localSecretKey(dataDir);
  const truthy = (v: string | undefined) => v === '1' || v === 'true';
  return {
    port: e.PORT, host: e.HOST, databaseUrl: e.DATABASE_URL, replicaUrl: e.DATABASE_REPLICA_URL, replicaMaxLagS: e.EARSHOT_REPLICA_MAX_LAG_S, dataDir, dbDir: join(dataDir, 'db'),
    secretKey: key, secretKeyGenerated: generated, adminEmail: e.EARSHOT_ADMIN_EMAIL, adminPassword: e.EARSHOT_ADMIN_PASSWORD,
    demo: e.EARSHOT_DEMO === undefined ? true : truthy(e.EARSHOT_DEMO),
    logLevel: e.EARSHOT_LOG_LEVEL, cookieSecure: truthy(e.EARSHOT_COOKIE_SECURE),
    rateLimits: {
      ...(e.EARSHOT_RATE_LIMIT_IP ? { perIp: e.EARSHOT_RATE_LIMIT_IP } : {}),
      ...(e.EARSHOT_RATE_LIMIT_CALLER ? { perCaller: e.EARSHOT_RATE_LIMIT_CALLER } : {}),
      ...(e.EARSHOT_RATE_LIMIT_INGEST ? { ingest: e.EARSHOT_RATE_LIMIT_INGEST } : {}),
    },
    workerConcurrency: e.EARSHOT_WORKER_CONCURRENCY,
    webhookAllowPrivate: truthy(e.EARSHOT_WEBHOOK_ALLOW_PRIVATE),
    publicUrl: e.EARSHOT_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
  };
}

/**
 * Without EARSHOT_SECRET_KEY a laptop install still works: a key is generated once and kept in the
 * data folder (mode 0600). Production sets the variable.
 */
function localSecretKey(dataDir: string): { key: string; generated: boolean } {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(48).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, generated: true };
}
