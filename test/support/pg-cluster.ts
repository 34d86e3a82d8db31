import { execFile } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.EARSHOT_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p)) ?? null;

/**
 * A private, throwaway PostgreSQL cluster (its own data folder and port) that a test may stop and
 * start at will — the shared cluster on 5432 is never restarted. initdb refuses to run as root, so
 * as root every binary runs as the `postgres` OS user through runuser.
 */
export interface PgCluster {
  readonly port: number;
  readonly dataDir: string;
  /** postgres://postgres@127.0.0.1:<port>/<db> */
  url(db?: string): string;
  /** pg_ctl stop: `immediate` is a crash (recovery on the next start), `fast` a clean shutdown. */
  stop(mode: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  /** The server log, for failure messages. */
  log(): string;
  /** Stops the server if it runs and deletes the data folder; never throws. */
  destroy(): Promise<void>;
}

function requireTools(): void {
  for (const b of ['initdb', 'pg_ctl', 'postgres']) {
    try { accessSync(join(BIN, b), constants.X_OK); } catch {
      throw new Error(`PostgreSQL 15 binaries are needed for the database-restart test: ${join(BIN, b)} is missing (apt-get install postgresql-15, or set EARSHOT_TEST_PG_BIN)`);
    }
  }
  if (isRoot() && !RUNUSER) throw new Error('running as root, the database-restart test needs runuser (util-linux) to run initdb as the postgres user');
}

const isRoot = () => process.getuid?.() === 0;

function osUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`running as root, the database-restart test needs the "${name}" OS user (it comes with the postgresql package)`);
  return { uid: Number(uid), gid: Number(gid) };
}

async function pg(bin: string, args: string[]): Promise<string> {
  const [file, argv] = isRoot() ? [RUNUSER ?? 'runuser', ['-u', 'postgres', '--', join(BIN, bin), ...args]] : [join(BIN, bin), args];
  try {
    const r = await run(file, argv, { timeout: 120_000, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    return r.stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

function tempDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-pgcluster-'));
  if (isRoot()) {
    const u = osUser('postgres');
    chownSync(dataDir, u.uid, u.gid);
  }
  return dataDir;
}

function clusterAt(dataDir: string, port: number): PgCluster {
  const logFile = join(dataDir, 'server.log');
  let running = false;
  // The server log and socket live beside the data folder's files; initdb wants an empty folder.
  const pgdata = join(dataDir, 'data');
  return {
    port, dataDir: pgdata,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    async stop(mode) {
      await pg('pg_ctl', ['-D', pgdata, '-m', mode, '-w', 'stop']);
      running = false;
    },
    async start() {
      const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dataDir} -c max_connections=40 -c shared_buffers=16MB`;
      await pg('pg_ctl', ['-D', pgdata, '-l', logFile, '-o', opts, '-w', '-t', '120', 'start']);
      running = true;
    },
    log: () => { try { return readFileSync(logFile, 'utf8').slice(-5000); } catch { return '(no server log)'; } },
    async destroy() {
      if (running || existsSync(join(pgdata, 'postmaster.pid'))) await pg('pg_ctl', ['-D', pgdata, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startPgCluster(port: number): Promise<PgCluster> {
  requireTools();
  const dataDir = tempDataDir();
  const cluster = clusterAt(dataDir, port);
  try {
    await pg('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
    await cluster.start();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}

/**
 * A streaming replica of `primary` (pg_basebackup -R: standby.signal and primary_conninfo), hot
 * standby on its own port. initdb's default pg_hba lets local replication connections in (trust).
 */
export async function startPgReplica(primary: PgCluster, port: number): Promise<PgCluster> {
  requireTools();
  const dataDir = tempDataDir();
  const replica = clusterAt(dataDir, port);
  try {
    await pg('pg_basebackup', ['-D', replica.dataDir, '-R', '-X', 'stream', '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '--no-sync']);
    await replica.start();
  } catch (err) {
    await replica.destroy();
    throw err;
  }
  return replica;
}
