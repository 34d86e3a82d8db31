// Agents correct triage labels; brands' retrained models are listed, promoted and rolled back.
import type { DB, Kysely } from '@earshot/db';
import { EarshotError, type MessageView } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { enqueueJob } from '../jobs/job.queue';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { lockConversation, updateConversation } from '../conversations/conversation.repository';
import { messageViews } from '../conversations/conversation.query';
import { insertCorrection } from './triage-correction.repository';
import { listModels, lockModels, setModelState, type TriageModelSummary } from './triage-model.repository';
import { JOB_TRIAGE_RETRAIN } from './retrain.job';
import type { TriageLabel } from './triage.types';

export interface CorrectionInput {
  label: TriageLabel;
  /** sentiment: negative|neutral|positive; topic: a category name or null; intent: one of the intents; needsResponse: boolean. */
  value: string | boolean | null;
}

export interface TriageServiceOptions {
  /** Corrections within this window share one retrain. */
  retrainDebounceMs: number;
  wakeWorker: () => void;
}

const SENTIMENTS = new Set(['negative', 'neutral', 'positive']);
const INTENTS = new Set(['complaint', 'question', 'praise', 'feedback', 'spam', 'other']);

function checkValue(c: CorrectionInput): void {
  const bad = (why: string): never => {
    throw new EarshotError('EARSHOT_VALIDATION', why, { field: 'body.value' });
  };
  if (c.label === 'needsResponse') {
    if (typeof c.value !== 'boolean') bad('needsResponse takes true or false');
  } else if (c.label === 'topic') {
    if (c.value !== null && (typeof c.value !== 'string' || c.value.trim() === '' || c.value.length > 100)) bad('topic takes a category name (1–100 characters) or null');
  } else if (c.label === 'sentiment') {
    if (typeof c.value !== 'string' || !SENTIMENTS.has(c.value)) bad('sentiment takes negative, neutral or positive');
  } else if (typeof c.value !== 'string' || !INTENTS.has(c.value)) bad('intent takes complaint, question, praise, feedback, spam or other');
}

function labelsOf(raw: unknown): Record<string, unknown> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
}

function valueOf(label: unknown): unknown {
  return label && typeof label === 'object' && 'value' in label ? (label as { value: unknown }).value : null;
}

export class TriageService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock, private readonly opts: TriageServiceOptions) {}

  /**
   * Sets one label of an inbound message as an agent says it is, keeps the conversation's copy in
   * step when it is the latest inbound message, records the correction and schedules a retrain.
   */
  async correct(actor: Actor, conversationId: string, messageId: string, input: CorrectionInput): Promise<MessageView> {
    checkValue(input);
    const value = input.label === 'topic' && typeof input.value === 'string' ? input.value.trim() : input.value;
    const now = this.clock.now();
    await transact(this.db, async (uow) => {
      const { tx } = uow;
      const conv = await lockConversation(tx, actor.brandId, conversationId);
      if (!conv) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
      const message = await tx.selectFrom('messages').select(['id', 'triage', 'direction', 'kind']).where('brand_id', '=', actor.brandId)
        .where('conversation_id', '=', conversationId).where('id', '=', messageId).forUpdate().executeTakeFirst();
      if (!message || message.direction !== 'inbound' || message.kind !== 'message') {
        throw new EarshotError('EARSHOT_MESSAGE_NOT_FOUND', 'no inbound message with that id in this conversation', { field: 'params.messageId' });
      }
      const labels = labelsOf(message.triage);
      const oldValue = valueOf(labels[input.label]);
      labels[input.label] = { value, confidence: 1, reasons: ['corrected by an agent'], corrected: { by: actor.userId ?? actor.id, at: now.toISOString(), was: oldValue } };
      // The desk marks corrected labels from this map (apps/web/src/api/triage.ts).
      labels.corrections = { ...labelsOf(labels.corrections), [input.label]: value };
      await tx.updateTable('messages').set({ triage: JSON.stringify(labels) }).where('brand_id', '=', actor.brandId).where('id', '=', messageId).execute();

      const latest = await tx.selectFrom('messages').select('id').where('brand_id', '=', actor.brandId).where('conversation_id', '=', conversationId)
        .where('direction', '=', 'inbound').where('kind', '=', 'message').orderBy('sent_at', 'desc').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
      if (latest?.id === messageId) {
        await updateConversation(tx, actor.brandId, conversationId, {
          triage: JSON.stringify(labels), ...(input.label === 'needsResponse' ? { needs_response: value === true } : {}),
        });
      }
      await insertCorrection(tx, { brandId: actor.brandId, messageId, conversationId, label: input.label, oldValue, newValue: value, agentId: actor.userId ?? null, at: now });
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'triage.corrected', subjectType: 'message', subjectId: messageId, before: { [input.label]: oldValue }, after: { [input.label]: value, conversationId }, at: now });
      await enqueueJob(tx, JOB_TRIAGE_RETRAIN, { brandId: actor.brandId }, { brandId: actor.brandId, key: `retrain:${actor.brandId}`, runAt: new Date(now.getTime() + this.opts.retrainDebounceMs), maxAttempts: 20 });
      uow.onCommit(() => {
        this.bus.publish({ type: 'message.updated', brandId: actor.brandId, conversationId, messageId, at: now.toISOString(), data: { triage: { [input.label]: value } } });
        if (this.opts.retrainDebounceMs <= 0) this.opts.wakeWorker();
      });
    });
    const row = await this.db.selectFrom('messages').selectAll().where('brand_id', '=', actor.brandId).where('id', '=', messageId).executeTakeFirstOrThrow();
    const [view] = await messageViews(this.db, actor.brandId, [row]);
    if (!view) throw new EarshotError('EARSHOT_MESSAGE_NOT_FOUND', 'message not found');
    return view;
  }

  models(actor: Actor): Promise<TriageModelSummary[]> {
    return listModels(this.db, actor.brandId);
  }

  /** Makes a candidate or retired model the brand's model; the one it replaces is kept, retired. */
  async promote(actor: Actor, id: string): Promise<TriageModelSummary[]> {
    const now = this.clock.now();
    await transact(this.db, async (uow) => {
      const models = await lockModels(uow.tx, actor.brandId);
      const target = models.find((m) => m.id === id);
      if (!target) throw new EarshotError('EARSHOT_NOT_FOUND', 'no triage model with that id', { field: 'params.id' });
      if (target.state === 'promoted') return;
      const current = models.find((m) => m.state === 'promoted');
      if (current) await setModelState(uow.tx, actor.brandId, current.id, 'retired');
      await setModelState(uow.tx, actor.brandId, id, 'promoted', now);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'triage.model_promoted', subjectType: 'triage_model', subjectId: id, before: { modelId: current?.id ?? null }, after: { modelId: id, version: target.version }, at: now });
      uow.onCommit(() => this.bus.publish({ type: 'triage.model_promoted', brandId: actor.brandId, at: now.toISOString(), data: { modelId: id } }));
    });
    return listModels(this.db, actor.brandId);
  }

  /**
   * Goes back to the model promoted before the current one (or to the shipped default when there
   * was none); the current one is retired, so it can be promoted again by hand.
   */
  async rollback(actor: Actor): Promise<TriageModelSummary[]> {
    const now = this.clock.now();
    await transact(this.db, async (uow) => {
      const models = await lockModels(uow.tx, actor.brandId);
      const current = models.find((m) => m.state === 'promoted');
      if (!current) throw new EarshotError('EARSHOT_INVALID_STATE', 'the brand already uses the default model');
      // A stack: the previous model is the one promoted last before the current one was, and it
      // keeps its promotion time, so rolling back again goes further back (finally to the default).
      const since = current.promoted_at?.getTime() ?? Infinity;
      const previous = models
        .filter((m) => m.state === 'retired' && m.promoted_at !== null && m.promoted_at.getTime() < since)
        .sort((a, b) => (b.promoted_at?.getTime() ?? 0) - (a.promoted_at?.getTime() ?? 0))[0];
      await setModelState(uow.tx, actor.brandId, current.id, 'retired');
      if (previous) await setModelState(uow.tx, actor.brandId, previous.id, 'promoted');
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'triage.model_rolled_back', subjectType: 'triage_model', subjectId: current.id, before: { modelId: current.id }, after: { modelId: previous?.id ?? null }, at: now });
      uow.onCommit(() => this.bus.publish({ type: 'triage.model_rolled_back', brandId: actor.brandId, at: now.toISOString(), data: { modelId: previous?.id ?? null } }));
    });
    return listModels(this.db, actor.brandId);
  }
}
