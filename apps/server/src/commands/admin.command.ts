import type { Command } from 'commander';
import { RoleEnum } from '@earshot/domain';
import { exportAudit, systemActor, verifyAuditChain, verifyAllBrands } from '@earshot/core';
import { loadConfig } from '../config';
import { openRuntime } from '../runtime';
import { DEMO_BRAND } from '../demo';

export async function withRuntime<T>(fn: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>): Promise<T> {
  const rt = await openRuntime(loadConfig(), { quiet: true, classifier: null });
  try {
    return await fn(rt);
  } finally {
    await rt.core.close();
  }
}

export async function brandId(rt: Awaited<ReturnType<typeof openRuntime>>, slug: string): Promise<string> {
  const b = await rt.core.admin.findBrandBySlug(slug);
  if (b) return b.id;
  return (await rt.core.admin.ensureBrand({ slug, name: slug === DEMO_BRAND.slug ? DEMO_BRAND.name : slug, timezone: DEMO_BRAND.timezone })).brand.id;
}

export function registerAdminCommands(program: Command): void {
  program.command('migrate').description('apply pending database migrations and exit').action(async () => {
    const rt = await openRuntime(loadConfig(), { classifier: null });
    await rt.core.close();
    process.stderr.write('Migrations are up to date.\n');
  });

  const user = program.command('user').description('manage users');
  user.command('create').description('create a user (or set their password and role)')
    .requiredOption('--email <email>', 'email address (their sign-in)')
    .option('--name <name>', 'display name', 'Agent')
    .option('--role <role>', 'admin | supervisor | agent | agency_agent | viewer', 'agent')
    .option('--password <password>', 'password (min 12 characters); read from $EARSHOT_USER_PASSWORD when omitted')
    .option('--brand <slug>', 'brand slug', DEMO_BRAND.slug)
    .action(async (o: { email: string; name: string; role: string; password?: string; brand: string }) => {
      const role = RoleEnum.safeParse(o.role);
      if (!role.success) throw new Error(`--role must be one of ${RoleEnum.options.join(', ')}`);
      const password = o.password ?? process.env.EARSHOT_USER_PASSWORD;
      if (!password || password.length < 12) throw new Error('a password of at least 12 characters is required (--password or $EARSHOT_USER_PASSWORD)');
      await withRuntime(async (rt) => {
        const id = await brandId(rt, o.brand);
        const u = await rt.core.admin.upsertUser(systemActor(id, 'cli'), { email: o.email, name: o.name, password, role: role.data });
        process.stdout.write(`${JSON.stringify({ id: u.id, email: u.email, role: u.role, brand: o.brand })}\n`);
      });
    });

  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit.command('verify').description('recompute every brand\'s hash chain; exit 1 if any row was altered')
    .option('--brand <slug>', 'only this brand')
    .action(async (o: { brand?: string }) => {
      const ok = await withRuntime(async (rt) => {
        const results = o.brand ? [await verifyAuditChain(rt.core.db, await brandId(rt, o.brand))] : await verifyAllBrands(rt.core.db);
        for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
        return results.every((r) => r.ok);
      });
      if (!ok) {
        process.stderr.write('Audit chain BROKEN: a row was altered, removed or reordered.\n');
        process.exitCode = 1;
      }
    });
  audit.command('export').description('write a brand\'s audit trail as JSON lines to stdout')
    .option('--brand <slug>', 'brand slug', DEMO_BRAND.slug)
    .action(async (o: { brand: string }) => {
      await withRuntime(async (rt) => {
        for await (const line of exportAudit(rt.core.db, await brandId(rt, o.brand))) process.stdout.write(line);
      });
    });
}
