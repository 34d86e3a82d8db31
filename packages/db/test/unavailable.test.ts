import { afterAll, beforeAll, expect, it } from 'vitest';
import { isDatabaseUnavailable, openDatabase, sql } from '@earshot/db';
import { freePort } from '../../../bench/support/earshot-process';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';

it('a server that is not there is "unavailable" (the API answers 503, not 500)', async () => {
  const port = await freePort(); // nothing listens there
  const err = await openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/x`, poolSize: 1 }).then(() => null, (e: unknown) => e);
  expect(err).not.toBeNull();
  expect(isDatabaseUnavailable(err)).toBe(true);
});

it('the server shutting down, crashing or starting up is "unavailable"; anything else is not', () => {
  const pgError = (code: string) => Object.assign(new Error('from the server'), { code });
  for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300']) expect(isDatabaseUnavailable(pgError(code)), code).toBe(true);
  expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  expect(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }))).toBe(true);
  for (const code of ['23505', '40001', '22P02', '42601']) expect(isDatabaseUnavailable(pgError(code)), code).toBe(false);
  expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  expect(isDatabaseUnavailable(null)).toBe(false);
});

describeEachDb('isDatabaseUnavailable on real statement errors', (kind) => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(kind); });
  afterAll(async () => { await t?.drop(); });

  it('a failing statement on a working database is not "unavailable" (it stays a 500 or its own code)', async () => {
    const syntax = await sql`selec 1`.execute(t.handle.db).then(() => null, (e: unknown) => e);
    const cast = await sql`select 'x'::int`.execute(t.handle.db).then(() => null, (e: unknown) => e);
    expect(syntax).not.toBeNull();
    expect(cast).not.toBeNull();
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    expect(isDatabaseUnavailable(cast)).toBe(false);
  });
});
