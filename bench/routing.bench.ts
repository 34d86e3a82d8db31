// Routing decisions per second for rule sets of 10 and 200 rules over real tweet texts, with an
// empty rule set as the in-run baseline (the cost of the call and the loop alone).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { DEFAULT_ROUTING_RULES, RoutingFacts, RoutingRules, compileRules, evaluateRules } from '@earshot/domain';
import type { RoutingRule } from '@earshot/domain';

const DATA = fileURLToPath(new URL('../data/airline-sentiment/dev.csv', import.meta.url));

/** Deterministic pseudo-random in [0, 1) from a string, so every run sees the same facts. */
function hash01(s: string, salt: number): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return ((h >>> 0) % 100_000) / 100_000;
}

function loadFacts(): RoutingFacts[] {
  const rows = parse(readFileSync(DATA), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r) => {
    const id = r.id ?? '';
    const sentiment = r.sentiment ?? 'neutral';
    const hour = Number((r.created_at ?? '').slice(11, 13));
    return RoutingFacts.parse({
      channelKind: hash01(id, 1) < 0.85 ? 'x' : 'email',
      visibility: hash01(id, 2) < 0.8 ? 'public' : 'private',
      text: r.text ?? '',
      triage: {
        sentiment: { value: sentiment, confidence: 0.5 + hash01(id, 3) / 2 },
        ...(r.negative_reason ? { topic: { value: r.negative_reason, confidence: 0.4 + hash01(id, 4) * 0.6 } } : {}),
        intent: { value: sentiment === 'negative' ? 'complaint' : sentiment === 'positive' ? 'praise' : 'question', confidence: 0.7 },
        needsResponse: { value: sentiment !== 'positive', confidence: 0.6 + hash01(id, 5) * 0.4 },
        urgency: Math.round(hash01(id, 6) * 100),
        language: { value: 'en', confidence: 0.99 },
      },
      author: { followers: Math.round(10 ** (hash01(id, 7) * 6)) },
      contact: { tags: hash01(id, 8) < 0.1 ? ['churn-risk'] : [], attributes: { plan: hash01(id, 9) < 0.2 ? 'gold' : 'basic' }, vip: hash01(id, 10) < 0.02, repeatContacts: Math.floor(hash01(id, 11) * 4) },
      insideBusinessHours: hour >= 9 && hour < 17,
    });
  });
}

const WORDS = ['refund', 'delay', 'baggage', 'lost', 'cancelled', 'wifi', 'seat', 'crew', 'gate', 'upgrade', 'miles', 'voucher', 'rebook', 'hold', 'phone', 'app', 'website', 'charge', 'fee', 'credit'];
const TOPICS = ['Late Flight', 'Cancelled Flight', 'Lost Luggage', 'Customer Service Issue', 'Bad Flight', 'Flight Booking Problems'];

/** A realistic brand rule: keywords or a regex, triage labels, and contact or reach checks. */
function generatedRule(i: number): unknown {
  const kw = [WORDS[i % WORDS.length], WORDS[(i * 7 + 3) % WORDS.length], `${WORDS[(i * 3) % WORDS.length]} ${WORDS[(i * 5 + 1) % WORDS.length]}`];
  const textCond = i % 4 === 0 ? { type: 'regex', pattern: `\\b${WORDS[i % WORDS.length]}(s|ed|ing)?\\b` } : { type: 'keywords', any: kw };
  return {
    id: `gen-${i}`,
    name: `Generated rule ${i}`,
    when: {
      type: 'all',
      conditions: [
        textCond,
        { type: 'any', conditions: [{ type: 'label', label: 'topic', in: [TOPICS[i % TOPICS.length]], minConfidence: 0.5 }, { type: 'number', field: 'urgency', op: 'gte', value: 60 + (i % 40) }] },
        { type: 'not', condition: { type: 'contact_tag', any: ['blocked'] } },
        i % 3 === 0 ? { type: 'number', field: 'author_followers', op: 'gte', value: 1000 } : { type: 'channel', in: ['x', 'email'] },
      ],
    },
    then: [{ type: 'add_tags', tags: [`t${i % 30}`] }, ...(i % 5 === 0 ? [{ type: 'set_priority', priority: 'high' }] : [])],
  };
}

function ruleSet(n: number): RoutingRule[] {
  const defaults = DEFAULT_ROUTING_RULES.filter((r) => r.enabled && r.id !== 'default-auto-assign' && r.id !== 'default-spam' && r.id !== 'default-no-response');
  const base = defaults.slice(0, Math.min(n, defaults.length));
  const extra = Array.from({ length: n - base.length }, (_, i) => generatedRule(i));
  return RoutingRules.parse([...base, ...extra]);
}

function measure(label: string, rules: RoutingRule[], facts: RoutingFacts[], seconds: number): { label: string; perSec: number; usPer: number; matched: number } {
  const compiled = compileRules(rules);
  for (const f of facts) evaluateRules(compiled, f); // warm-up: JIT and caches
  let n = 0;
  let matched = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    for (const f of facts) matched += evaluateRules(compiled, f).matched.length;
    n += facts.length;
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return { label, perSec: n / s, usPer: (s / n) * 1e6, matched: matched / n };
}

export default async function run(argv: string[]): Promise<void> {
  const secIdx = argv.indexOf('--seconds');
  const seconds = secIdx >= 0 ? Number(argv[secIdx + 1]) : 3;
  const facts = loadFacts();
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`routing bench: node ${process.version}, ${os.platform()} ${os.arch()}, ${cpu} (${os.cpus().length} cores), ${facts.length} messages from airline-sentiment/dev.csv, ${seconds}s per set`);
  const sets: [string, RoutingRule[]][] = [
    ['baseline: empty rule set', []],
    ['10 rules (default rules + keywords/regex)', ruleSet(10)],
    ['200 rules (10 + 190 generated)', ruleSet(200)],
  ];
  const results = sets.map(([label, rules]) => measure(label, rules, facts, seconds));
  console.log('| rule set | decisions/s | µs/decision | rules matched per message |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of results) console.log(`| ${r.label} | ${Math.round(r.perSec).toLocaleString('en-US')} | ${r.usPer.toFixed(2)} | ${r.matched.toFixed(2)} |`);
}
