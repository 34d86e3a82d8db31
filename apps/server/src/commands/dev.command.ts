import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadSampleTexts, startFeedServer, startMetaFakeServer, startXFakeServer, textPicker, type FakeFeedItem } from '@earshot/core';
import { loadConfig } from '../config';

const Flags = z.object({
  url: z.string().url(),
  count: z.coerce.number().int().min(1).max(10_000),
  seconds: z.coerce.number().int().min(1).max(86_400),
  portBase: z.coerce.number().int().min(1024).max(65_000),
  email: z.string().optional(),
  password: z.string().optional(),
});
type Flags = z.infer<typeof Flags>;

/** Kept in the data folder (mode 600) so a second run reuses the same channels and fake credentials. */
const DevState = z.object({
  earshotUrl: z.string(),
  x: z.object({ consumerSecret: z.string(), accessToken: z.string(), bearerToken: z.string() }),
  meta: z.object({ appSecret: z.string(), verifyToken: z.string(), pageAccessToken: z.string() }),
  channels: z.record(z.string(), z.string()),
});
type DevState = z.infer<typeof DevState>;

const say = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const short = (s: string) => (s.length > 70 ? `${s.slice(0, 67)}…` : s);

/** A signed-in admin session against the running server (the REST API, so it works on either database). */
async function signIn(base: string, email: string, password: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`cannot sign in to ${base} as ${email} (HTTP ${res.status}); pass --email and --password`);
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('earshot_session=')) ?? '').split(';')[0] ?? '';
  const { csrfToken } = z.object({ csrfToken: z.string() }).parse(await res.json());
  return async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${base}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
    return r.json();
  };
}

function adminLogin(flags: Flags, dataDir: string): { email: string; password: string } {
  const file = join(dataDir, 'admin-credentials.txt');
  const saved = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const email = flags.email ?? process.env.EARSHOT_ADMIN_EMAIL ?? /email: (\S+)/.exec(saved)?.[1];
  const password = flags.password ?? process.env.EARSHOT_ADMIN_PASSWORD ?? /password: (\S+)/.exec(saved)?.[1];
  if (!email || !password) throw new Error('no admin login: pass --email and --password (or start Earshot once so it writes admin-credentials.txt)');
  return { email, password };
}

async function run(raw: Record<string, unknown>): Promise<void> {
  const flags = Flags.parse(raw);
  const base = flags.url.replace(/\/$/, '');
  const config = loadConfig(process.env);
  const stateFile = join(config.dataDir, 'dev-providers.json');
  const prior = existsSync(stateFile) ? DevState.safeParse(JSON.parse(readFileSync(stateFile, 'utf8'))) : null;
  const reuse = prior?.success && prior.data.earshotUrl === base ? prior.data : null;

  const x = await startXFakeServer({ ...(reuse?.x ?? {}), port: flags.portBase });
  const meta = await startMetaFakeServer({ ...(reuse?.meta ?? {}), port: flags.portBase + 1 });
  const feeds = await startFeedServer({ port: flags.portBase + 2 });
  feeds.setFeed('/reviews.atom', 'atom', [], { title: 'Earshot Air reviews' });
  const stop = async () => { await Promise.allSettled([x.close(), meta.close(), feeds.stop()]); };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const { email, password } = adminLogin(flags, config.dataDir);
    const api = await signIn(base, email, password);
    const listed = z.object({ items: z.array(z.object({ id: z.string() })) }).parse(await api('GET', '/api/v1/channels'));
    const existing = new Set(listed.items.map((c) => c.id));
    const wanted = {
      x: { kind: 'x', name: 'X @EarshotAir (local provider)', credentials: x.credentials, settings: { apiBaseUrl: x.url, userId: x.brand.id } },
      facebook: { kind: 'facebook', name: 'Facebook Page (local provider)', credentials: meta.credentials, settings: { apiBaseUrl: meta.url } },
      instagram: { kind: 'instagram', name: 'Instagram (local provider)', credentials: meta.credentials, settings: { apiBaseUrl: meta.url } },
      feed: { kind: 'feed', name: 'Review feed (local provider)', settings: { url: feeds.url('/reviews.atom'), pollIntervalSeconds: 15 } },
    } as const;
    const channels: Record<string, string> = {};
    for (const [key, body] of Object.entries(wanted)) {
      const known = reuse?.channels[key];
      if (known && existing.has(known)) { channels[key] = known; continue; }
      channels[key] = z.object({ channel: z.object({ id: z.string() }) }).parse(await api('POST', '/api/v1/channels', body)).channel.id;
      say(`Connected ${body.name} (${channels[key]})`);
    }
    const state: DevState = { earshotUrl: base, x: x.credentials, meta: meta.credentials, channels };
    writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
    const hook = (key: string) => `${base}/api/v1/channels/${channels[key] ?? ''}/events`;
    say(`Local providers: X ${x.url}, Meta ${meta.url}, feeds ${feeds.baseUrl}`);
    if (!(await x.crc(hook('x'))).ok || !(await meta.verifySubscription(hook('facebook'))).ok) throw new Error('the webhook challenge failed: is the server at --url the one these channels belong to?');

    await stream(flags, { x, meta, feeds, hook });
  } finally {
    await stop();
  }
}

async function stream(flags: Flags, p: { x: Awaited<ReturnType<typeof startXFakeServer>>; meta: Awaited<ReturnType<typeof startMetaFakeServer>>; feeds: Awaited<ReturnType<typeof startFeedServer>>; hook: (key: string) => string }): Promise<void> {
  const { x, meta, feeds, hook } = p;
  const pick = textPicker(await loadSampleTexts(), Date.now() % 10_000);
  const xUsers = Array.from({ length: 8 }, (_, i) => x.addCustomer({ username: `traveller_${i + 1}`, followers: (i * 7919) % 40_000 }));
  const fbPeople = Array.from({ length: 5 }, (_, i) => meta.addPerson({ name: `Facebook Customer ${i + 1}`, platform: 'facebook' }));
  const igPeople = Array.from({ length: 5 }, (_, i) => meta.addPerson({ name: `Instagram Customer ${i + 1}`, platform: 'instagram' }));
  const reviews: FakeFeedItem[] = [];
  const lastTweet = new Map<string, string>();
  const gap = Math.max(200, Math.floor((flags.seconds * 1000) / flags.count));
  const deadline = Date.now() + flags.seconds * 1000;
  let sentSeen = x.sent.length + meta.sent.length;
  say(`Streaming ${flags.count} events over at most ${flags.seconds} s. Open the desk to watch them arrive; replies you send go to the local providers.`);
  for (let i = 0; i < flags.count && Date.now() < deadline; i++) {
    const text = pick();
    const slot = i % 8;
    let line: string;
    if (slot <= 2) {
      const from = xUsers[i % xUsers.length] ?? xUsers[0];
      if (!from) break;
      const m = x.mention({ from, text, inReplyTo: slot === 2 ? lastTweet.get(from.id) : undefined });
      lastTweet.set(from.id, m.tweet.id);
      line = `X mention @${from.username}: ${short(text)} → ${(await x.deliver(hook('x'), m.payload))[0]?.status}`;
    } else if (slot === 3) {
      const from = xUsers[(i + 3) % xUsers.length] ?? xUsers[0];
      if (!from) break;
      line = `X DM @${from.username}: ${short(text)} → ${(await x.deliver(hook('x'), x.dm({ from, text }).payload))[0]?.status}`;
    } else if (slot === 4 || slot === 5) {
      const from = fbPeople[i % fbPeople.length] ?? fbPeople[0];
      if (!from) break;
      const payload = slot === 4 ? meta.facebookComment({ from, text }).payload : meta.messengerMessage({ from, text }).payload;
      line = `Facebook ${slot === 4 ? 'comment' : 'message'} ${from.name}: ${short(text)} → ${(await meta.deliver(hook('facebook'), payload))[0]?.status}`;
    } else if (slot === 6) {
      const from = igPeople[i % igPeople.length] ?? igPeople[0];
      if (!from) break;
      line = `Instagram comment ${from.name}: ${short(text)} → ${(await meta.deliver(hook('instagram'), meta.instagramComment({ from, text }).payload))[0]?.status}`;
    } else {
      const n = reviews.length + 1;
      reviews.push({ id: `urn:earshot:dev-review:${Date.now()}-${n}`, title: `Review ${n}`, html: `<p>${text.replace(/[<>&]/g, ' ')}</p>`, url: `https://reviews.example/earshot-air/${n}`, author: { name: `Reviewer ${n}` }, published: new Date().toISOString() });
      feeds.setFeed('/reviews.atom', 'atom', reviews, { title: 'Earshot Air reviews' });
      line = `Review feed item ${n}: ${short(text)} (picked up at the next poll)`;
    }
    say(line);
    const sends = [...x.sent, ...meta.sent];
    for (const s of sends.slice(sentSeen)) say(`  ← reply from the desk reached the provider: ${short(s.text)}`);
    sentSeen = sends.length;
    await sleep(Math.min(gap, Math.max(0, deadline - Date.now())));
  }
  if (reviews.length > 0) {
    // The feed is pulled, not pushed: stay up for one poll interval so the last reviews are read.
    say('Waiting 16 s for Earshot to poll the review feed…');
    await sleep(16_000);
  }
  say('Done. Run it again to send more; the channels are reused.');
}

export function registerDevCommands(program: Command): void {
  const dev = program.command('dev').description('developer tools');
  dev.command('providers')
    .description('start local fake providers (X, Facebook/Instagram, a review feed), connect them to the demo brand and stream real customer texts to a running Earshot')
    .option('--url <url>', 'the running Earshot server', 'http://127.0.0.1:3000')
    .option('--count <n>', 'how many events to send', '40')
    .option('--seconds <n>', 'stop after this many seconds', '120')
    .option('--port-base <port>', 'fake X on this port, Meta on +1, feeds on +2', '4101')
    .option('--email <email>', 'admin email (default: EARSHOT_ADMIN_EMAIL or the data folder\'s admin-credentials.txt)')
    .option('--password <password>', 'admin password (same defaults)')
    .action((flags: Record<string, unknown>) => run(flags));
}
