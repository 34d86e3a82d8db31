import type { DB, Kysely } from '@earshot/db';
import { EarshotError, type ConversationView } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import type { RoutingService } from '../routing/routing.service';
import type { SlaService } from '../sla/sla.service';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { assignWaiting } from '../routing/assign-waiting';
import { lockConversation, updateConversation } from './conversation.repository';
import { getConversationView } from './conversation.query';

/**
 * Transfer to another team: the conversation (and its whole history) stays as it is; the team
 * changes, an internal note says why, and auto-assignment runs again within the new team.
 */
export class TransferService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock, private readonly routing: RoutingService, private readonly sla: SlaService) {}

  async transfer(actor: Actor, id: string, input: { teamId: string; note: string }): Promise<ConversationView> {
    await transact(this.db, async (uow) => {
      const { tx } = uow;
      const c = await lockConversation(tx, actor.brandId, id);
      if (!c) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
      const team = await tx.selectFrom('teams').select(['id', 'name']).where('brand_id', '=', actor.brandId).where('id', '=', input.teamId).executeTakeFirst();
      if (!team) throw new EarshotError('EARSHOT_TEAM_NOT_FOUND', 'team not found', { field: 'body.teamId' });
      if (c.team_id === team.id) throw new EarshotError('EARSHOT_INVALID_STATE', 'the conversation is already in that team', { field: 'body.teamId' });
      const now = this.clock.now();
      const from = c.team_id ? await tx.selectFrom('teams').select('name').where('id', '=', c.team_id).executeTakeFirst() : undefined;
      const note = await tx.insertInto('messages').values({
        brand_id: actor.brandId, conversation_id: id, channel_id: c.channel_id, direction: 'outbound', visibility: 'private', kind: 'note',
        author_user_id: actor.userId ?? null, text: `Transferred from ${from?.name ?? 'no team'} to ${team.name}: ${input.note}`, sent_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      const moved = await updateConversation(tx, actor.brandId, id, { team_id: team.id, assignee_id: null, message_count: c.message_count + 1, last_activity_at: now });
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'conversation.transferred', subjectType: 'conversation', subjectId: id, before: { teamId: c.team_id, assigneeId: c.assignee_id }, after: { teamId: team.id, note: input.note, noteId: note.id }, at: now });
      // The previous agent's slot goes to the queue first; the new team's pool is locked with theirs, in order, for the reassignment below.
      if (c.assignee_id && (c.status === 'open' || c.status === 'pending')) {
        await assignWaiting(uow, { brandId: actor.brandId, agentId: c.assignee_id, teamIds: [team.id], excludeConversationIds: [id], now, bus: this.bus });
      }
      const r = c.status === 'resolved' ? null : await this.routing.reassign(uow, moved, { sticky: false });
      await this.sla.refresh(uow, actor.brandId, id); // the new team may have its own policy and hours
      const at = now.toISOString();
      uow.onCommit(() => {
        this.bus.publish({ type: 'conversation.transferred', brandId: actor.brandId, conversationId: id, userId: actor.userId ?? undefined, at, data: { teamId: team.id, assigneeId: r?.agentId ?? null } });
        this.bus.publish({ type: 'message.created', brandId: actor.brandId, conversationId: id, messageId: note.id, at });
      });
    });
    return getConversationView(this.db, actor.brandId, id);
  }
}
