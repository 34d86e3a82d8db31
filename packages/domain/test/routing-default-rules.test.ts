import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_RULES, RoutingRules, evaluateRules } from '../src';
import { facts } from './routing-helpers';

describe('default routing rules', () => {
  it('are valid rule data', () => {
    expect(RoutingRules.safeParse(DEFAULT_ROUTING_RULES).success).toBe(true);
  });

  it('make legal threats urgent and escalate them, then still auto-assign', () => {
    const r = evaluateRules(DEFAULT_ROUTING_RULES, facts({ text: '@acme my attorney will hear about this', triage: { sentiment: { value: 'negative', confidence: 0.9 } } }));
    expect(r.actions).toMatchObject({ priority: 'urgent', escalate: true, assign: { mode: 'auto' } });
    expect(r.actions.tags).toContain('legal');
    expect(r.matched[0]?.explanation).toBe("matched rule 2 'Legal threats' because text contains 'attorney'");
  });

  it('mark noise as no-response-needed and do not assign it', () => {
    const r = evaluateRules(DEFAULT_ROUTING_RULES, facts({ text: 'love the new logo', triage: { needsResponse: { value: false, confidence: 0.95 }, urgency: 5 } }));
    expect(r.actions).toMatchObject({ noResponseNeeded: true, assign: null, stoppedByRuleId: 'default-no-response' });
  });

  it('never mark a safety issue as no-response-needed even if triage thinks so', () => {
    const r = evaluateRules(DEFAULT_ROUTING_RULES, facts({ text: 'my kid was injured on board', triage: { needsResponse: { value: false, confidence: 0.95 } } }));
    expect(r.actions.noResponseNeeded).toBe(false);
    expect(r.actions.priority).toBe('urgent');
  });

  it('give negative posts from high-reach authors high priority but not private ones', () => {
    const base = { text: 'worst service ever', triage: { sentiment: { value: 'negative', confidence: 0.9 } }, author: { followers: 50_000 } };
    expect(evaluateRules(DEFAULT_ROUTING_RULES, facts(base)).actions.priority).toBe('high');
    expect(evaluateRules(DEFAULT_ROUTING_RULES, facts({ ...base, visibility: 'private' })).actions.priority).toBeNull();
  });

  it('send billing and booking topics to the billing team by skill', () => {
    const r = evaluateRules(DEFAULT_ROUTING_RULES, facts({ triage: { topic: { value: 'Flight Booking Problems', confidence: 0.8 } } }));
    expect(r.actions.team).toEqual({ skill: 'billing' });
  });

  it('drop spam with low priority and stop', () => {
    const r = evaluateRules(DEFAULT_ROUTING_RULES, facts({ text: 'win a free cruise', triage: { intent: { value: 'spam', confidence: 0.95 } } }));
    expect(r.actions).toMatchObject({ priority: 'low', noResponseNeeded: true, stoppedByRuleId: 'default-spam' });
    expect(r.matched).toHaveLength(1);
  });
});
