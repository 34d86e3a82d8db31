import type { Selectable, TriageCorrectionsTable, TriageLabelName } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export type TriageCorrectionRow = Selectable<TriageCorrectionsTable>;

export interface NewCorrection {
  brandId: string;
  messageId: string;
  conversationId: string;
  label: TriageLabelName;
  oldValue: unknown;
  newValue: unknown;
  agentId: string | null;
  at: Date;
}

export async function insertCorrection(db: Executor, c: NewCorrection): Promise<TriageCorrectionRow> {
  return db.insertInto('triage_corrections').values({
    brand_id: c.brandId, message_id: c.messageId, conversation_id: c.conversationId, label: c.label,
    old_value: c.oldValue === undefined ? null : JSON.stringify(c.oldValue), new_value: JSON.stringify(c.newValue), agent_id: c.agentId, created_at: c.at,
  }).returningAll().executeTakeFirstOrThrow();
}

export interface CorrectedMessage {
  id: string;
  text: string;
  /** The message's labels now, corrections applied. */
  triage: unknown;
}

/** Messages of the brand that agents corrected, newest first (bounded: a retrain reads them all). */
export function listCorrectedMessages(db: Executor, brandId: string, limit = 20_000): Promise<CorrectedMessage[]> {
  return db.selectFrom('messages').select(['messages.id', 'messages.text', 'messages.triage']).where('messages.brand_id', '=', brandId)
    .where((eb) => eb.exists(eb.selectFrom('triage_corrections').select('triage_corrections.id')
      .whereRef('triage_corrections.message_id', '=', 'messages.id').where('triage_corrections.brand_id', '=', brandId)))
    .orderBy('messages.created_at', 'desc').limit(limit).execute();
}

export async function countCorrections(db: Executor, brandId: string): Promise<number> {
  const r = await db.selectFrom('triage_corrections').select((eb) => eb.fn.countAll<string>().as('n')).where('brand_id', '=', brandId).executeTakeFirstOrThrow();
  return Number(r.n);
}
