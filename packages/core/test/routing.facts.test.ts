import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RoutingFacts } from '@earshot/domain';
import { buildFacts, triageFacts } from '../src/routing/routing.facts';

const label = fc.record({ value: fc.string({ maxLength: 120 }), confidence: fc.double({ min: -0.5, max: 1.5, noNaN: true }) });
const anything = fc.oneof(fc.constant(null), fc.string(), fc.integer(), label, fc.object());
const triage = fc.record({
  sentiment: fc.oneof(label, anything), topic: fc.oneof(label, anything), intent: anything, language: label,
  needsResponse: fc.oneof(fc.record({ value: fc.boolean(), confidence: fc.double({ min: -1, max: 2, noNaN: true }) }), anything),
  urgency: fc.oneof(fc.double({ min: -10, max: 120, noNaN: true }), fc.record({ score: fc.double({ min: -10, max: 120, noNaN: true }) }), anything),
}, { requiredKeys: [] });

it('builds facts the RoutingFacts schema accepts unchanged, whatever the stored labels hold', () => {
  fc.assert(fc.property(triage, fc.option(fc.integer({ min: -5, max: 1e7 }), { nil: null }), fc.nat(50), fc.dictionary(fc.string(), anything), (t, followers, repeat, attributes) => {
    const facts = buildFacts({
      channelKind: 'x', visibility: 'public', text: 'my bag is lost', triage: t, followers,
      contact: { tags: ['vip'], attributes, vip: false }, repeatContacts: repeat, insideBusinessHours: true,
    });
    expect(RoutingFacts.parse(facts)).toEqual(facts);
  }), { numRuns: 500 });
});

it('keeps well-formed labels and drops malformed ones one by one', () => {
  const f = triageFacts({
    sentiment: { value: 'negative', confidence: 0.9 }, topic: { value: 'x'.repeat(101), confidence: 0.5 }, intent: { value: 'complaint', confidence: 1.2 },
    needsResponse: { value: true, confidence: 0.7 }, urgency: { score: 80 },
  });
  expect(f).toEqual({ sentiment: { value: 'negative', confidence: 0.9 }, needsResponse: { value: true, confidence: 0.7 }, urgency: 80 });
  expect(triageFacts({ urgency: 101 })).toEqual({});
  expect(triageFacts(null)).toEqual({});
});
