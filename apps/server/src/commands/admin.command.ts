import type { Command } from 'commander';
import { CreateBrandInput, EarshotError, RoleEnum } from '@earshot/domain';
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
    .option('--operator', 'also make them an operator of this installation (creates brands in the desk and API)')
    .action(async (o: { email: string; name: string; role: string; password?: string; brand: string; operator?: boolean }) => {
      const role = RoleEnum.safeParse(o.role);
      if (!role.success) throw new Error(`--role must be one of ${RoleEnum.options.join(', ')}`);
      const password = o.password ?? process.env.EARSHOT_USER_PASSWORD;
      if (!password || password.length < 12) throw new Error('a password of at least 12 characters is required (--password or $EARSHOT_USER_PASSWORD)');
      await withRuntime(async (rt) => {
        const id = await brandId(rt, o.brand);
        const u = await rt.core.admin.upsertUser(systemActor(id, 'cli'), { email: o.email, name: o.name, password, role: role.data });
        if (o.operator) await rt.core.brands.setOperator(u.email, true);
        process.stdout.write(`${JSON.stringify({ id: u.id, email: u.email, role: u.role, brand: o.brand, ...(o.operator ? { operator: true } : {}) })}\n`);
      });
    });

  const brand = program.command('brand').description('brands (tenants) of this installation');
  brand.command('create').description('create a brand and its first admin')
    .requiredOption('--slug <slug>', 'short name used in links and sign-in (a-z, 0-9, -)')
    .requiredOption('--name <name>', 'display name')
    .option('--timezone <zone>', 'IANA time zone of its business hours', 'UTC')
    .requiredOption('--admin-email <email>', 'the first admin (a new account, or an existing one that joins this brand)')
    .option('--admin-name <name>', 'the first admin\'s display name', 'Admin')
    .option('--admin-password <password>', 'a new admin\'s password (min 12 characters); read from $EARSHOT_USER_PASSWORD when omitted')
    .action(async (o: { slug: string; name: string; timezone: string; adminEmail: string; adminName: string; adminPassword?: string }) => {
      const password = o.adminPassword ?? process.env.EARSHOT_USER_PASSWORD;
      const input = CreateBrandInput.safeParse({ slug: o.slug, name: o.name, timezone: o.timezone, admin: { email: o.adminEmail, name: o.adminName, ...(password ? { password } : {}) } });
      if (!input.success) throw new Error(input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      await withRuntime(async (rt) => {
        let res;
        try {
          res = await rt.core.brands.create({ type: 'system', id: 'cli', operator: true }, input.data);
        } catch (err) {
          // An existing account joins with its own password: the CLI may have read one from the environment.
          if (o.adminPassword || !(err instanceof EarshotError && err.field === 'body.admin.password' && err.code === 'EARSHOT_CONFLICT')) throw err;
          const { password: _ignored, ...admin } = input.data.admin;
          res = await rt.core.brands.create({ type: 'system', id: 'cli', operator: true }, { ...input.data, admin });
        }
        process.stdout.write(`${JSON.stringify({ id: res.brand.id, slug: res.brand.slug, name: res.brand.name, timezone: res.brand.timezone, admin: res.admin })}\n`);
      });
    });
  brand.command('list').description('every brand as JSON lines: id, slug, name, time zone, members, admins')
    .action(async () => {
      await withRuntime(async (rt) => {
        for (const b of await rt.core.brands.listAll({ type: 'system', id: 'cli', operator: true })) process.stdout.write(`${JSON.stringify(b)}\n`);
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
