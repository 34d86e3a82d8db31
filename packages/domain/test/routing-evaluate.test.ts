import { describe, expect, it } from 'vitest';
import { compileRules, evaluateRules } from '../src';
import { facts, rules } from './routing-helpers';

const legal = {
  id: 'r-legal',
  name: 'Legal threats',
  when: {
    type: 'all',
    conditions: [
      { type: 'keywords', any: ['lawyer', 'sue'] },
      { type: 'number', field: 'urgency', op: 'gte', value: 70 },
    ],
  },
  then: [{ type: 'set_priority', priority: 'urgent' }, { type: 'escalate', reason: 'legal' }],
};

describe('evaluateRules', () => {
  it('explains a match in words a human can read, with the 1-based rule number', () => {
    const set = rules([
      { id: 'a', name: 'Email only', when: { type: 'channel', in: ['email'] }, then: [{ type: 'add_tags', tags: ['email'] }] },
      { id: 'b', name: 'VIP', when: { type: 'vip', is: true }, then: [{ type: 'add_tags', tags: ['vip'] }] },
      legal,
    ]);
    const r = evaluateRules(set, facts({ text: 'I will call my LAWYER today', triage: { urgency: 82 } }));
    expect(r.matched).toHaveLength(1);
    expect(r.matched[0]).toMatchObject({ ruleId: 'r-legal', index: 2, name: 'Legal threats' });
    expect(r.matched[0]?.explanation).toBe("matched rule 3 'Legal threats' because text contains 'lawyer' and urgency 82 ≥ 70");
    expect(r.actions.priority).toBe('urgent');
    expect(r.actions.escalate).toBe(true);
    expect(r.actions.escalationReasons).toEqual(['legal']);
  });

  it('does not match when one condition of an all fails', () => {
    const r = evaluateRules(rules([legal]), facts({ text: 'my lawyer says hi', triage: { urgency: 40 } }));
    expect(r.matched).toEqual([]);
    expect(r.actions.priority).toBeNull();
  });

  it('matches keywords as whole words only, case-insensitively, including phrases', () => {
    const set = rules([{ id: 'k', name: 'K', when: { type: 'keywords', any: ['sue', 'legal action'] }, then: [{ type: 'add_tags', tags: ['k'] }] }]);
    expect(evaluateRules(set, facts({ text: 'The issue persists' })).matched).toHaveLength(0);
    expect(evaluateRules(set, facts({ text: 'pursuing LEGAL   Action now' })).matched[0]?.explanation).toContain("text contains 'legal   action'");
    expect(evaluateRules(set, facts({ text: 'I will sue.' })).matched).toHaveLength(1);
  });

  it('explains any/not combinations by the reason that decided them', () => {
    const set = rules([
      {
        id: 'x',
        name: 'Public complaint outside email',
        when: {
          type: 'all',
          conditions: [
            { type: 'any', conditions: [{ type: 'label', label: 'intent', in: ['complaint'] }, { type: 'label', label: 'sentiment', in: ['negative'], minConfidence: 0.8 }] },
            { type: 'not', condition: { type: 'channel', in: ['email'] } },
            { type: 'business_hours', inside: false },
          ],
        },
        then: [{ type: 'set_priority', priority: 'high' }],
      },
    ]);
    const r = evaluateRules(
      set,
      facts({ channelKind: 'facebook', insideBusinessHours: false, triage: { intent: { value: 'question', confidence: 0.9 }, sentiment: { value: 'negative', confidence: 0.91 } } }),
    );
    expect(r.matched[0]?.explanation).toBe(
      "matched rule 1 'Public complaint outside email' because sentiment is negative (confidence 0.91 ≥ 0.8) and channel facebook is not 'email' and outside business hours",
    );
    // Low confidence does not count.
    const low = evaluateRules(set, facts({ channelKind: 'facebook', insideBusinessHours: false, triage: { sentiment: { value: 'negative', confidence: 0.5 } } }));
    expect(low.matched).toHaveLength(0);
  });

  it('raises priority to the highest of all matches and takes team and assignment from the first rule that sets them', () => {
    const set = rules([
      { id: '1', name: 'Low for praise', when: { type: 'label', label: 'intent', in: ['praise'] }, then: [{ type: 'set_priority', priority: 'low' }, { type: 'set_team', teamId: 'team-social' }] },
      { id: '2', name: 'VIP', when: { type: 'vip', is: true }, then: [{ type: 'set_priority', priority: 'high' }, { type: 'set_team', teamId: 'team-vip' }, { type: 'assign', mode: 'agent', agentId: 'ag-1' }] },
      { id: '3', name: 'Normal', when: { type: 'always' }, then: [{ type: 'set_priority', priority: 'normal' }, { type: 'assign', mode: 'auto' }, { type: 'add_tags', tags: ['seen', 'vip-ish'] }] },
      { id: '4', name: 'Tags', when: { type: 'always' }, then: [{ type: 'add_tags', tags: ['seen'] }] },
    ]);
    const r = evaluateRules(set, facts({ contact: { vip: true }, triage: { intent: { value: 'praise', confidence: 1 } } }));
    expect(r.actions.priority).toBe('high');
    expect(r.actions.team).toEqual({ teamId: 'team-social' });
    expect(r.actions.assign).toEqual({ mode: 'agent', agentId: 'ag-1' });
    expect(r.actions.tags).toEqual(['seen', 'vip-ish']);
    expect(r.matched.map((m) => m.ruleId)).toEqual(['1', '2', '3', '4']);
  });

  it('stops evaluating after a rule with a stop action', () => {
    const set = rules([
      { id: 's', name: 'Spam', when: { type: 'label', label: 'intent', in: ['spam'] }, then: [{ type: 'mark_no_response_needed' }, { type: 'stop' }] },
      { id: 'after', name: 'After', when: { type: 'always' }, then: [{ type: 'assign', mode: 'auto' }] },
    ]);
    const r = evaluateRules(set, facts({ triage: { intent: { value: 'spam', confidence: 0.99 } } }));
    expect(r.matched.map((m) => m.ruleId)).toEqual(['s']);
    expect(r.actions).toMatchObject({ noResponseNeeded: true, assign: null, stoppedByRuleId: 's' });
  });

  it('skips disabled rules but keeps their position in explanations of later rules', () => {
    const set = rules([
      { id: 'off', name: 'Off', enabled: false, when: { type: 'always' }, then: [{ type: 'stop' }] },
      { id: 'on', name: 'On', when: { type: 'always' }, then: [{ type: 'acknowledge', templateId: 'ack' }] },
    ]);
    const r = evaluateRules(set, facts());
    expect(r.matched).toHaveLength(1);
    expect(r.matched[0]?.explanation).toBe("matched rule 2 'On' because it applies to every message");
    expect(r.actions.acknowledgeTemplateId).toBe('ack');
  });

  it('evaluates contact tags, attributes, reach, repeat contacts, visibility and needs-response', () => {
    const set = rules([
      { id: 't', name: 'Churn risk', when: { type: 'contact_tag', any: ['churn-risk'] }, then: [{ type: 'add_tags', tags: ['t'] }] },
      { id: 'a', name: 'Gold plan', when: { type: 'contact_attribute', key: 'plan', op: 'in', value: ['gold', 'platinum'] }, then: [{ type: 'add_tags', tags: ['a'] }] },
      { id: 'n', name: 'Big spender', when: { type: 'contact_attribute', key: 'ltv', op: 'gte', value: 1000 }, then: [{ type: 'add_tags', tags: ['n'] }] },
      { id: 'f', name: 'Reach', when: { type: 'number', field: 'author_followers', op: 'gte', value: 10000 }, then: [{ type: 'add_tags', tags: ['f'] }] },
      { id: 'r', name: 'Repeat', when: { type: 'number', field: 'repeat_contacts', op: 'gt', value: 2 }, then: [{ type: 'add_tags', tags: ['r'] }] },
      { id: 'v', name: 'DM', when: { type: 'visibility', is: 'private' }, then: [{ type: 'add_tags', tags: ['v'] }] },
      { id: 'nr', name: 'Noise', when: { type: 'needs_response', is: false, minConfidence: 0.7 }, then: [{ type: 'mark_no_response_needed' }] },
    ]);
    const r = evaluateRules(
      set,
      facts({
        visibility: 'public',
        author: { followers: 25_000 },
        contact: { tags: ['Churn-Risk'], attributes: { plan: 'gold', ltv: 999 }, repeatContacts: 3 },
        triage: { needsResponse: { value: false, confidence: 0.9 } },
      }),
    );
    expect(r.actions.tags).toEqual(['t', 'a', 'f', 'r']);
    expect(r.actions.noResponseNeeded).toBe(true);
    const byId = Object.fromEntries(r.matched.map((m) => [m.ruleId, m.explanation]));
    expect(byId.f).toContain('author reach 25,000 ≥ 10,000');
    expect(byId.a).toContain("contact plan is 'gold'");
    expect(byId.t).toContain("contact has tag 'Churn-Risk'");
  });

  it('treats unknown facts as not matching, and not(unknown) as matching', () => {
    const set = rules([
      { id: 'u', name: 'Urgent', when: { type: 'number', field: 'urgency', op: 'gte', value: 50 }, then: [{ type: 'add_tags', tags: ['u'] }] },
      { id: 'nu', name: 'Not urgent', when: { type: 'not', condition: { type: 'number', field: 'urgency', op: 'gte', value: 50 } }, then: [{ type: 'add_tags', tags: ['nu'] }] },
    ]);
    const r = evaluateRules(set, facts());
    expect(r.actions.tags).toEqual(['nu']);
    expect(r.matched[0]?.explanation).toContain('urgency is unknown');
  });

  it('runs a user regex compiled once and caps the text it sees', () => {
    const set = rules([{ id: 'rx', name: 'Order number', when: { type: 'regex', pattern: 'order #?\\d{6}' }, then: [{ type: 'add_tags', tags: ['order'] }] }]);
    const compiled = compileRules(set);
    expect(evaluateRules(compiled, facts({ text: 'Where is ORDER #123456?' })).matched[0]?.explanation).toBe(
      "matched rule 1 'Order number' because text matches /order #?\\d{6}/ at 'ORDER #123456'",
    );
    const late = `${'x'.repeat(5000)} order 123456`;
    expect(evaluateRules(compiled, facts({ text: late })).matched).toHaveLength(0);
  });

  it('is pure: the same facts give the same result and facts are not mutated', () => {
    const set = rules([legal]);
    const f = facts({ text: 'lawyer', triage: { urgency: 90 } });
    const frozen = JSON.stringify(f);
    expect(evaluateRules(set, f)).toEqual(evaluateRules(set, f));
    expect(JSON.stringify(f)).toBe(frozen);
  });
});
