import { describe, expect, it } from 'vitest';
import { AgentCandidate, EMPTY_CURSOR, canTakeConversation, freeCapacity, pickAgent } from '../src';

const agent = (over: Partial<AgentCandidate> & { id: string }): AgentCandidate => AgentCandidate.parse({ availability: 'online', ...over });

describe('pickAgent', () => {
  it('picks the online agent with the needed skill and the most free capacity', () => {
    const agents = [
      agent({ id: 'a', skills: ['billing'], openByChannel: { x: 8 } }),
      agent({ id: 'b', skills: ['billing'], openByChannel: { x: 2 } }),
      agent({ id: 'c', skills: ['technical'], openByChannel: {} }),
      agent({ id: 'd', skills: ['billing'], availability: 'away' }),
    ];
    const r = pickAgent({ agents, channelKind: 'x', skill: 'Billing', cursor: EMPTY_CURSOR });
    expect(r).toMatchObject({ agentId: 'b', reason: 'most_free_capacity', cursor: { lastAgentId: 'b' } });
    expect(r.explanation).toBe('assigned to b with 8 free x slots');
  });

  it('counts capacity per channel kind, with default covering unlisted kinds', () => {
    const a = agent({ id: 'a', capacity: { default: 5, x: 2 }, openByChannel: { x: 2, email: 3, webchat: 1 } });
    expect(freeCapacity(a, 'x')).toBe(0);
    expect(freeCapacity(a, 'email')).toBe(1);
    expect(canTakeConversation(a, 'x')).toBe(false);
    expect(canTakeConversation(a, 'facebook')).toBe(true);
    const noPhone = agent({ id: 'p', capacity: { email: 3 } });
    expect(canTakeConversation(noPhone, 'phone')).toBe(false);
  });

  it('goes round-robin among equally free agents, deterministically from the cursor', () => {
    const agents = ['c', 'a', 'b'].map((id) => agent({ id }));
    const seq: (string | null)[] = [];
    let cursor = EMPTY_CURSOR;
    for (let i = 0; i < 6; i += 1) {
      const r = pickAgent({ agents, channelKind: 'email', cursor });
      seq.push(r.agentId);
      cursor = r.cursor;
    }
    // Loads are not updated here, so all stay equal: pure rotation in id order.
    expect(seq).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(pickAgent({ agents, channelKind: 'email', cursor: { lastAgentId: 'b' } }).agentId).toBe('c');
    expect(pickAgent({ agents, channelKind: 'email', cursor: { lastAgentId: 'gone-agent' } }).agentId).toBe('a');
  });

  it('returns null instead of going above capacity, with the reason', () => {
    const full = [agent({ id: 'a', capacity: { default: 1 }, openByChannel: { x: 1 } }), agent({ id: 'b', capacity: { default: 0 } })];
    const r = pickAgent({ agents: full, channelKind: 'x', cursor: { lastAgentId: 'a' } });
    expect(r).toMatchObject({ agentId: null, reason: 'all_at_capacity', cursor: { lastAgentId: 'a' } });
    expect(pickAgent({ agents: [agent({ id: 'a', availability: 'offline' })], channelKind: 'x', cursor: EMPTY_CURSOR }).reason).toBe('no_agent_online');
    expect(pickAgent({ agents: [agent({ id: 'a' })], channelKind: 'x', skill: 'legal', cursor: EMPTY_CURSOR }).reason).toBe('no_agent_with_skill');
  });

  it('sticks to the previous agent of the contact when available with capacity, without moving the cursor', () => {
    const agents = [agent({ id: 'a' }), agent({ id: 'b', openByChannel: { x: 9 } })];
    const sticky = pickAgent({ agents, channelKind: 'x', previousAgentId: 'b', cursor: { lastAgentId: 'a' } });
    expect(sticky).toMatchObject({ agentId: 'b', reason: 'sticky', cursor: { lastAgentId: 'a' } });
  });

  it('does not stick to a previous agent who is away, full or lacks the skill', () => {
    const base = [agent({ id: 'a' })];
    expect(pickAgent({ agents: [...base, agent({ id: 'b', availability: 'away' })], channelKind: 'x', previousAgentId: 'b', cursor: EMPTY_CURSOR }).agentId).toBe('a');
    expect(pickAgent({ agents: [...base, agent({ id: 'b', openByChannel: { x: 10 } })], channelKind: 'x', previousAgentId: 'b', cursor: EMPTY_CURSOR }).agentId).toBe('a');
    expect(
      pickAgent({ agents: [agent({ id: 'a', skills: ['billing'] }), agent({ id: 'b' })], channelKind: 'x', skill: 'billing', previousAgentId: 'b', cursor: EMPTY_CURSOR }).agentId,
    ).toBe('a');
  });
});
