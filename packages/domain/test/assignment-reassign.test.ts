import { describe, expect, it } from 'vitest';
import { AgentCandidate, type AssignedConversation, EMPTY_CURSOR, conversationsToReassign, planReassignment } from '../src';

const conv = (over: Partial<AssignedConversation> & { id: string }): AssignedConversation => ({
  assigneeId: 'gone',
  status: 'open',
  channelKind: 'x',
  priority: 'normal',
  waitingSince: '2026-03-01T10:00:00Z',
  ...over,
});

describe('reassignment when an agent goes offline', () => {
  const convs = [
    conv({ id: 'c1', waitingSince: '2026-03-01T09:00:00Z' }),
    conv({ id: 'c2', priority: 'urgent', waitingSince: '2026-03-01T11:00:00Z' }),
    conv({ id: 'c3', status: 'pending' }),
    conv({ id: 'c4', assigneeId: 'other' }),
    conv({ id: 'c5', status: 'resolved' }),
    conv({ id: 'c6', waitingSince: '2026-03-01T08:00:00Z', channelKind: 'email' }),
  ];

  it('lists the agent’s open conversations, most urgent then longest waiting first', () => {
    expect(conversationsToReassign('gone', convs).map((c) => c.id)).toEqual(['c2', 'c6', 'c1']);
    expect(conversationsToReassign('gone', convs, { includePending: true }).map((c) => c.id)).toEqual(['c2', 'c6', 'c1', 'c3']);
  });

  it('plans new owners within capacity and leaves the rest unassigned', () => {
    const agents = [
      AgentCandidate.parse({ id: 'gone', availability: 'offline' }),
      AgentCandidate.parse({ id: 'a', availability: 'online', capacity: { default: 1 } }),
      AgentCandidate.parse({ id: 'b', availability: 'online', capacity: { default: 1 } }),
    ];
    const plan = planReassignment(conversationsToReassign('gone', convs), agents, EMPTY_CURSOR);
    expect(plan.assignments.map((a) => [a.conversationId, a.agentId])).toEqual([
      ['c2', 'a'],
      ['c6', 'b'],
      ['c1', null],
    ]);
    expect(plan.cursor).toEqual({ lastAgentId: 'b' });
    expect(plan.agents.find((a) => a.id === 'a')?.openByChannel).toEqual({ x: 1 });
  });
});
