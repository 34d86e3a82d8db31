import { RoutingFacts, type RoutingFactsInput, type RoutingRule, RoutingRules } from '../src';

/** Parsed facts with sensible defaults, so each test states only what it is about. */
export function facts(over: Partial<RoutingFactsInput> = {}): RoutingFacts {
  return RoutingFacts.parse({ channelKind: 'x', visibility: 'public', text: '', insideBusinessHours: true, ...over });
}

/** Rules go through the zod schema like rules loaded from the API or the database. */
export function rules(input: unknown[]): RoutingRule[] {
  return RoutingRules.parse(input);
}
