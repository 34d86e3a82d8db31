import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';

/**
 * A real IMAP server for tests and demo mode: Debian's Dovecot, started on a loopback port with a config
 * written into a temp folder, one Maildir per user. Nothing system-wide is touched or left running.
 */
export interface ImapTestServer {
  host: string;
  port: number;
  /** Put a raw message into a user's INBOX (IMAP APPEND as that user), as a delivery agent would. */
  deliver(user: string, raw: Buffer | string): Promise<void>;
  stop(): Promise<void>;
}

const DOVECOT = process.env.DOVECOT_BIN ?? '/usr/sbin/dovecot';
const NOBODY = 65_534;

/** Dovecot must be installed; scripts/ensure-test-services.sh installs it (and CI runs it first). */
function ensureDovecot(): void {
  if (existsSync(DOVECOT)) return;
  const script = fileURLToPath(new URL('../../../../../scripts/ensure-test-services.sh', import.meta.url));
  if (existsSync(script)) execFileSync('sh', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(DOVECOT)) throw new Error(`Dovecot not found at ${DOVECOT}: run scripts/ensure-test-services.sh`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Identity {
  uid: number;
  gid: number;
  /** Account (user, group) Dovecot's own processes run as; null as root (Debian's dovecot/dovenull users). */
  service: { user: string; group: string } | null;
}

// As root Dovecot refuses to read mail as root: mailboxes belong to nobody. Otherwise everything runs as us.
function identity(): Identity {
  const uid = process.getuid?.() ?? NOBODY;
  if (uid === 0) return { uid: NOBODY, gid: NOBODY, service: null };
  const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  return { uid, gid: process.getgid?.() ?? uid, service: { user: userInfo().username, group } };
}

function config(dir: string, port: number, who: Identity): string {
  // Without root Dovecot can neither switch users nor chroot its login and anvil processes.
  const service =
    who.service === null
      ? ''
      : `default_login_user = ${who.service.user}\ndefault_internal_user = ${who.service.user}\ndefault_internal_group = ${who.service.group}\n` +
        'service anvil {\n  chroot =\n}\n';
  const loginChroot = who.service === null ? '' : '  chroot =\n';
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
${service}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service imap-login {
${loginChroot}  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

/** Waits (bounded) until the server greets; fails fast with Dovecot's log when it exits instead. */
async function waitForGreeting(port: number, child: ChildProcess, logFile: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`Dovecot exited with ${child.exitCode}: ${log.slice(-2000)}`);
    }
    if (await greets(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('Dovecot did not greet within 10 s');
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('* OK'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Start Dovecot with these users (address → password). */
export async function startImapServer(users: Record<string, string>): Promise<ImapTestServer> {
  ensureDovecot();
  const dir = await mkdtemp(join(tmpdir(), 'earshot-dovecot-'));
  await chmod(dir, 0o755);
  const who = identity();
  const lines: string[] = [];
  let n = 0;
  for (const [user, pass] of Object.entries(users)) {
    const home = join(dir, 'mail', `u${n++}`);
    await mkdir(home, { recursive: true });
    if (process.getuid?.() === 0) await chown(home, who.uid, who.gid);
    lines.push(`${user}:{PLAIN}${pass}:${who.uid}:${who.gid}::${home}::`);
  }
  await writeFile(join(dir, 'users'), `${lines.join('\n')}\n`, { mode: 0o644 });
  const port = await freePort();
  const conf = join(dir, 'dovecot.conf');
  await writeFile(conf, config(dir, port, who));
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForGreeting(port, child, join(dir, 'dovecot.log'));
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    host: '127.0.0.1',
    port,
    async deliver(user, raw) {
      const pass = users[user];
      if (pass === undefined) throw new Error(`no mailbox for ${user}`);
      const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.append('INBOX', typeof raw === 'string' ? Buffer.from(raw) : raw);
      } finally {
        await client.logout();
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
