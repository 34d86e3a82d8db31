import type { DB, Kysely } from '@earshot/db';
import { EarshotError } from '@earshot/domain';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { findCanned, listCanned, titleTaken, type CannedRow } from './canned.repository';
import { countPublicRepeats, type RepeatCount } from './repeats.query';

export interface CannedView { id: string; title: string; shortcut: string | null; text: string; createdAt: string; updatedAt: string }
export interface CannedInput { title: string; shortcut?: string | null | undefined; text: string }

const view = (r: CannedRow): CannedView => ({ id: r.id, title: r.title, shortcut: r.shortcut, text: r.text, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });

/**
 * A brand's saved replies. The text keeps its {{variables}} ({{contact.first_name}}, {{agent.name}}):
 * the desk fills them in the composer, where the agent still reads and edits the result.
 */
export class CannedService {
  constructor(private readonly db: Kysely<DB>, private readonly clock: Clock) {}

  /** How often this exact public reply was sent lately (the composer's repeat warning). */
  repeats(actor: Actor, text: string): Promise<RepeatCount> {
    return countPublicRepeats(this.db, this.clock, actor, text);
  }

  async list(actor: Actor): Promise<CannedView[]> {
    return (await listCanned(this.db, actor.brandId)).map(view);
  }

  create(actor: Actor, input: CannedInput): Promise<CannedView> {
    return transact(this.db, async (uow) => {
      if (await titleTaken(uow.tx, actor.brandId, input.title, null)) throw new EarshotError('EARSHOT_CONFLICT', 'a canned response with this title exists', { field: 'body.title' });
      const row = await uow.tx.insertInto('canned_responses').values({
        brand_id: actor.brandId, title: input.title, shortcut: input.shortcut ?? null, text: input.text, created_by: actor.userId ?? null,
      }).returningAll().executeTakeFirstOrThrow();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'canned_response.created', subjectType: 'canned_response', subjectId: row.id, after: { title: row.title, text: row.text }, at: this.clock.now() });
      return view(row);
    });
  }

  update(actor: Actor, id: string, patch: Partial<CannedInput>): Promise<CannedView> {
    return transact(this.db, async (uow) => {
      const prior = await findCanned(uow.tx, actor.brandId, id);
      if (!prior) throw new EarshotError('EARSHOT_NOT_FOUND', 'canned response not found', { field: 'params.id' });
      if (patch.title !== undefined && await titleTaken(uow.tx, actor.brandId, patch.title, id)) throw new EarshotError('EARSHOT_CONFLICT', 'a canned response with this title exists', { field: 'body.title' });
      const row = await uow.tx.updateTable('canned_responses').set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.text !== undefined ? { text: patch.text } : {}),
        ...(patch.shortcut !== undefined ? { shortcut: patch.shortcut } : {}),
        updated_at: this.clock.now(),
      }).where('brand_id', '=', actor.brandId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'canned_response.updated', subjectType: 'canned_response', subjectId: id, before: { title: prior.title, text: prior.text }, after: { title: row.title, text: row.text }, at: this.clock.now() });
      return view(row);
    });
  }

  remove(actor: Actor, id: string): Promise<void> {
    return transact(this.db, async (uow) => {
      const prior = await findCanned(uow.tx, actor.brandId, id);
      if (!prior) throw new EarshotError('EARSHOT_NOT_FOUND', 'canned response not found', { field: 'params.id' });
      await uow.tx.deleteFrom('canned_responses').where('brand_id', '=', actor.brandId).where('id', '=', id).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'canned_response.deleted', subjectType: 'canned_response', subjectId: id, before: { title: prior.title, text: prior.text }, at: this.clock.now() });
    });
  }
}
