import type { Command } from 'commander';
import type { Worker } from '@earshot/core';
import { loadConfig } from '../config';
import { openRuntime, type Runtime } from '../runtime';
import { buildApp } from '../http/app';
import { seedDemo } from '../demo';

type Mode = 'start' | 'serve' | 'work';

async function run(mode: Mode, flags: { port?: string; demo?: boolean }): Promise<void> {
  const config = loadConfig(flags.port ? { ...process.env, PORT: flags.port } : process.env);
  const rt: Runtime = await openRuntime(config);
  let worker: Worker | null = null;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;

  const shutdown = async (signal: string) => {
    process.stderr.write(`\n${signal}: stopping…\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app?.close().catch(() => undefined);
    await rt.core.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const startWorker = () => {
    // A failed job is reported with its id; a failed round (the database went away) once per message and 10 s.
    let lastRound = { message: '', at: 0 };
    worker = rt.core.worker({
      ...(config.workerConcurrency ? { concurrency: config.workerConcurrency } : {}),
      onError: (err, job) => {
        const message = err instanceof Error ? err.message : String(err);
        if (job) { process.stderr.write(`job ${job.name}#${job.id} failed: ${message}\n`); return; }
        if (message === lastRound.message && Date.now() - lastRound.at < 10_000) return;
        lastRound = { message, at: Date.now() };
        process.stderr.write(`worker round failed (retrying in 1 s): ${message}\n`);
      },
    });
    worker.start();
  };
  if (mode === 'work') {
    startWorker();
    process.stderr.write(`Earshot worker ${worker ? (worker as Worker).id : ''} running. Ctrl-C to stop.\n`);
    return;
  }
  // Listen before the workers start: on the embedded database a busy worker shares the one
  // connection and the event loop, and the server must come up promptly whatever the backlog.
  app = await buildApp({ core: rt.core, logLevel: config.logLevel, cookieSecure: config.cookieSecure, rateLimits: config.rateLimits });
  await app.listen({ port: config.port, host: config.host });
  const seeded = mode === 'start' && config.demo && flags.demo !== false
    ? await seedDemo(rt.core, { dataDir: config.dataDir, adminEmail: config.adminEmail, adminPassword: config.adminPassword })
    : null;
  if (mode === 'start') startWorker();
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const lines = [
    '',
    `  Earshot is running: ${url}`,
    `  API docs:           ${url}/api/docs`,
    mode === 'serve' ? '  Mode: API only (run `npx earshot work` for the workers)' : '  Mode: API + workers in one process',
  ];
  if (seeded) {
    lines.push(`  Sign in as:         ${seeded.email}`);
    lines.push(seeded.password ? `  Password:           ${seeded.password}` : '  Password:           (the one you set with EARSHOT_ADMIN_PASSWORD)');
    lines.push(`  (kept in ${seeded.credentialsFile}; API channel secret in ${seeded.apiSecretFile})`);
  }
  if (seeded?.imported) lines.push(`  The ${seeded.imported} sample tweets are being processed; conversations appear in the inbox as they are.`);
  if (config.secretKeyGenerated) lines.push(`  Note: generated a local EARSHOT_SECRET_KEY in ${config.dataDir}/secret.key; set the variable in production.`);
  process.stderr.write(`${lines.join('\n')}\n\n`);
}

export function registerServerCommands(program: Command): void {
  program.command('start', { isDefault: true })
    .description('API and workers in one process, with demo data on first start (the default of `npm start`)')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)')
    .option('--no-demo', 'do not create the demo brand, admin and sample conversations')
    .action((flags: { port?: string; demo?: boolean }) => run('start', flags));
  program.command('serve')
    .description('API only (scale out: run several, plus `earshot work` processes, on one PostgreSQL)')
    .option('-p, --port <port>', 'port to listen on')
    .action((flags: { port?: string }) => run('serve', flags));
  program.command('work')
    .description('workers only: ingest, triage, routing, delivery jobs')
    .action(() => run('work', {}));
}
