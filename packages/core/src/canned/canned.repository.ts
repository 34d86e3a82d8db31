import type { Selectable, CannedResponsesTable } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export type CannedRow = Selectable<CannedResponsesTable>;

export function listCanned(db: Executor, brandId: string): Promise<CannedRow[]> {
  return db.selectFrom('canned_responses').selectAll().where('brand_id', '=', brandId).orderBy('title').limit(1000).execute();
}

export function findCanned(db: Executor, brandId: string, id: string): Promise<CannedRow | undefined> {
  return db.selectFrom('canned_responses').selectAll().where('brand_id', '=', brandId).where('id', '=', id).executeTakeFirst();
}

export function titleTaken(db: Executor, brandId: string, title: string, exceptId: string | null): Promise<{ id: string } | undefined> {
  let q = db.selectFrom('canned_responses').select('id').where('brand_id', '=', brandId).where('title', '=', title);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return q.executeTakeFirst();
}
