import { afterAll, beforeAll, expect, it } from 'vitest';
import { JOB_NAMES, JobPayloads } from '@earshot/domain';
import { createTestCore, type TestCore } from '../../../test/support/core';
import { jobPayload, PermanentJobError, type JobRow } from '../src/jobs/job.types';
import { describeEachDb } from '../../../test/support/db';

describeEachDb('the job contract (JobPayloads in packages/domain)', (kind) => {
  let t: TestCore;
  beforeAll(async () => { t = await createTestCore(kind); });
  afterAll(async () => { await t?.drop(); });

  it('every kind the worker runs has a payload schema, and every schema a handler', () => {
    const handled = t.core.jobs().map((j) => j.name).sort();
    expect(handled).toEqual([...JOB_NAMES].sort());
    expect(new Set(handled).size).toBe(handled.length);
  });

  it('a payload that does not fit its kind is a permanent failure, naming the field', () => {
    const job = (payload: Record<string, unknown>): JobRow => ({ id: '1', name: 'message.deliver', brand_id: null, payload, attempts: 0, max_attempts: 8 });
    expect(jobPayload(job({ messageId: '0b6f1f9e-3c1b-4f55-9d0e-1f2a3b4c5d6e' }), 'message.deliver')).toEqual({ messageId: '0b6f1f9e-3c1b-4f55-9d0e-1f2a3b4c5d6e' });
    expect(() => jobPayload(job({ messageId: 42 }), 'message.deliver')).toThrow(PermanentJobError);
    expect(() => jobPayload(job({}), 'message.deliver')).toThrow(/messageId/);
    expect(JobPayloads['ingest.process'].safeParse({ eventId: '12; drop table jobs' }).success).toBe(false);
  });

  it('a stored job with a broken payload goes dead at once instead of being retried', async () => {
    await t.core.db.insertInto('jobs').values({ name: 'message.deliver', payload: JSON.stringify({ messageId: 'nope' }), max_attempts: 8 }).execute();
    await t.core.worker().drain();
    const row = await t.core.db.selectFrom('jobs').select(['state', 'attempts', 'last_error']).where('name', '=', 'message.deliver').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'dead', attempts: 1, last_error: expect.stringContaining('messageId') });
  });
});
