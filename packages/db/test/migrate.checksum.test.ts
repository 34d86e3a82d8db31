import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listMigrations, migrate, MigrationChangedError, migrationChecksum, sql } from '@earshot/db';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';

const SHIPPED = fileURLToPath(new URL('../migrations/', import.meta.url));

describeEachDb('migration checksums: an edited migration is refused at start', (kind) => {
  let t: TestDb;
  let dir: string;
  beforeAll(async () => { t = await createTestDb(kind); });
  afterAll(async () => { await t?.drop(); if (dir) rmSync(dir, { recursive: true, force: true }); });

  const copyShipped = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'earshot-migrations-'));
    cpSync(SHIPPED, dir, { recursive: true });
    return dir;
  };
  const tableExists = async (name: string) =>
    (await sql<{ t: string | null }>`select to_regclass(${name})::text as t`.execute(t.handle.db)).rows[0]?.t !== null;

  it('keeps every applied migration\'s checksum, and a second start applies nothing', async () => {
    const rows = (await sql<{ version: number; checksum: string | null }>`select version, checksum from schema_migrations order by version`.execute(t.handle.db)).rows;
    const files = listMigrations();
    expect(rows.map((r) => r.version)).toEqual(files.map((m) => m.version));
    expect(rows.map((r) => r.checksum)).toEqual(files.map((m) => m.checksum));
    expect(await migrate(t.handle)).toEqual([]);
  });

  it('refuses a changed migration before applying anything, and names it', async () => {
    const d = copyShipped();
    const first = listMigrations(d)[0]!;
    writeFileSync(join(d, `${first.name}.sql`), `${first.sql}\n-- an edit after the fact\n`);
    writeFileSync(join(d, '9999_probe_after_edit.sql'), 'create table probe_after_edit (id int);\n');
    const err = await migrate(t.handle, undefined, d).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationChangedError);
    expect((err as MigrationChangedError).code).toBe('EARSHOT_MIGRATION_CHANGED');
    expect((err as MigrationChangedError).changed).toEqual([{ version: first.version, name: first.name }]);
    expect((err as Error).message).toContain(first.name);
    expect(await tableExists('probe_after_edit')).toBe(false);
  });

  it('treats line endings as the same text, and applies a new migration after unchanged ones', async () => {
    const d = copyShipped();
    const first = listMigrations(d)[0]!;
    writeFileSync(join(d, `${first.name}.sql`), first.sql.replace(/\n/g, '\r\n'));
    writeFileSync(join(d, '9999_probe_new.sql'), 'create table probe_new (id int);\n');
    const applied = await migrate(t.handle, undefined, d);
    expect(applied.map((m) => m.name)).toEqual(['9999_probe_new']);
    expect(await tableExists('probe_new')).toBe(true);
    expect(migrationChecksum(readFileSync(join(d, `${first.name}.sql`), 'utf8'))).toBe(first.checksum);
  });

  it('records the checksum of a migration applied before checksums were kept, then holds it to that', async () => {
    await sql`update schema_migrations set checksum = null where version = 1`.execute(t.handle.db);
    await migrate(t.handle);
    const stored = (await sql<{ checksum: string | null }>`select checksum from schema_migrations where version = 1`.execute(t.handle.db)).rows[0]?.checksum;
    expect(stored).toBe(listMigrations()[0]!.checksum);
  });
});
