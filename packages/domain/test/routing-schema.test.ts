import { describe, expect, it } from 'vitest';
import { EarshotError, RoutingRule, RoutingRules, checkRegexSafety, compileRules } from '../src';

describe('routing rule schema', () => {
  it('rejects unknown condition and action types with the path of the fault', () => {
    const bad = RoutingRules.safeParse([{ id: 'a', name: 'A', when: { type: 'weather', is: 'rain' }, then: [{ type: 'stop' }] }]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual([0, 'when', 'type']);
    const badAction = RoutingRule.safeParse({ id: 'a', name: 'A', when: { type: 'always' }, then: [{ type: 'delete_everything' }] });
    expect(badAction.success).toBe(false);
  });

  it('rejects a rule without actions, duplicate ids and too deep nesting', () => {
    expect(RoutingRule.safeParse({ id: 'a', name: 'A', when: { type: 'always' }, then: [] }).success).toBe(false);
    const dup = RoutingRules.safeParse([
      { id: 'a', name: 'A', when: { type: 'always' }, then: [{ type: 'stop' }] },
      { id: 'a', name: 'B', when: { type: 'always' }, then: [{ type: 'stop' }] },
    ]);
    expect(dup.error?.issues[0]?.message).toContain("duplicate rule id 'a'");
    let deep: unknown = { type: 'always' };
    for (let i = 0; i < 8; i += 1) deep = { type: 'not', condition: deep };
    expect(RoutingRule.safeParse({ id: 'd', name: 'D', when: deep, then: [{ type: 'stop' }] }).success).toBe(false);
  });

  it('requires exactly one of teamId or skill on set_team', () => {
    const mk = (a: object) => RoutingRule.safeParse({ id: 'a', name: 'A', when: { type: 'always' }, then: [{ type: 'set_team', ...a }] }).success;
    expect(mk({ teamId: 't1' })).toBe(true);
    expect(mk({ skill: 'billing' })).toBe(true);
    expect(mk({})).toBe(false);
    expect(mk({ teamId: 't1', skill: 'billing' })).toBe(false);
  });

  it('rejects an invalid or catastrophic regex at the pattern field', () => {
    const r = RoutingRule.safeParse({ id: 'a', name: 'A', when: { type: 'regex', pattern: '(a+)+$' }, then: [{ type: 'stop' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['when', 'pattern']);
    expect(RoutingRule.safeParse({ id: 'a', name: 'A', when: { type: 'regex', pattern: '([a-z' }, then: [{ type: 'stop' }] }).success).toBe(false);
  });

  it('compileRules refuses an unsafe regex that skipped validation, naming the field', () => {
    const raw = [{ id: 'a', name: 'A', enabled: true, when: { type: 'regex' as const, pattern: '(x|xx)*y', flags: 'i' }, then: [{ type: 'stop' as const }] }];
    try {
      compileRules(raw);
      expect.unreachable('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(EarshotError);
      expect((e as EarshotError).code).toBe('EARSHOT_VALIDATION');
      expect((e as EarshotError).field).toBe('rules[0].when.pattern');
    }
  });
});

describe('checkRegexSafety', () => {
  it.each([
    ['(a+)+$', 'repeated group'],
    ['(a|aa)*b', 'repeated group'],
    ['((ab)*c)+', 'repeated group'],
    ['(\\w+\\s?)*$', 'repeated group'],
    ['(a)\\1', 'back-references'],
    ['(?<x>a)\\k<x>', 'back-references'],
    ['a*b*c*d*', 'unbounded quantifiers'],
    ['x'.repeat(201), 'longer than'],
    ['[', 'invalid regular expression'],
  ])('rejects %s', (pattern, reason) => {
    expect(checkRegexSafety(pattern)).toContain(reason);
  });

  it.each([['refund'], ['order #?\\d{6}'], ['\\b(lawyer|attorney)s?\\b'], ['(?:cancel(?:led|ed)?)\\s+flight'], ['[a-z]+@[a-z]+\\.com'], ['(ab){2,3}']])(
    'accepts %s',
    (pattern) => {
      expect(checkRegexSafety(pattern)).toBeNull();
    },
  );

  it('rejects flags other than i, m, s, u (a global regex would keep state between messages)', () => {
    expect(checkRegexSafety('a', 'g')).toContain('flags');
    expect(checkRegexSafety('a', 'iu')).toBeNull();
  });
});
