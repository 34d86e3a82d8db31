import type { Condition } from './condition.schema';
import type { RoutingRule } from './rule.schema';

/** Word lists behind the default rules; exported so the admin UI can show and copy them. */
// Phrases rather than bare words where a word alone is common chatter ("great news", "food court").
export const LEGAL_KEYWORDS = ['lawyer', 'lawyers', 'attorney', 'sue', 'suing', 'lawsuit', 'legal action', 'class action', 'small claims', 'see you in court', 'take you to court', 'consumer protection', 'ombudsman', 'regulator'];
export const SAFETY_KEYWORDS = ['unsafe', 'dangerous', 'injury', 'injured', 'bleeding', 'caught fire', 'smoke in the', 'ambulance', 'hospital', 'allergic reaction', 'food poisoning', 'harassment', 'harassed', 'assault', 'assaulted', 'threatened me'];
export const PRESS_KEYWORDS = ['journalist', 'reporter', 'the press', 'newspaper', 'news station', 'tv station', 'contact the media', 'going to the media', 'going viral', 'went viral'];

const legal: Condition = { type: 'keywords', any: LEGAL_KEYWORDS };
const safety: Condition = { type: 'keywords', any: SAFETY_KEYWORDS };
const press: Condition = { type: 'keywords', any: PRESS_KEYWORDS };
const risky: Condition = { type: 'any', conditions: [legal, safety, press] };
const negative: Condition = { type: 'label', label: 'sentiment', in: ['negative'], minConfidence: 0.6 };

/**
 * The rules a new brand starts with (copied into the brand, then edited freely).
 * Teams are named by skill ("billing", "technical") because shared data cannot know a brand's
 * team ids; the routing service maps a skill to the brand's team that has it, or leaves it unset.
 * Topic lists include the shipped triage model's airline reasons as well as generic names.
 */
export const DEFAULT_ROUTING_RULES: readonly RoutingRule[] = [
  {
    id: 'default-spam',
    name: 'Spam',
    enabled: true,
    when: { type: 'all', conditions: [{ type: 'label', label: 'intent', in: ['spam'], minConfidence: 0.8 }, { type: 'not', condition: risky }] },
    then: [{ type: 'set_priority', priority: 'low' }, { type: 'mark_no_response_needed' }, { type: 'add_tags', tags: ['spam'] }, { type: 'stop' }],
  },
  {
    id: 'default-legal',
    name: 'Legal threats',
    enabled: true,
    when: legal,
    then: [{ type: 'set_priority', priority: 'urgent' }, { type: 'add_tags', tags: ['legal'] }, { type: 'escalate', reason: 'legal threat' }],
  },
  {
    id: 'default-safety',
    name: 'Safety and health',
    enabled: true,
    when: safety,
    then: [{ type: 'set_priority', priority: 'urgent' }, { type: 'add_tags', tags: ['safety'] }, { type: 'escalate', reason: 'safety or health risk' }],
  },
  {
    id: 'default-press',
    name: 'Press and media',
    enabled: true,
    when: { type: 'all', conditions: [press, { type: 'visibility', is: 'public' }] },
    then: [{ type: 'set_priority', priority: 'urgent' }, { type: 'add_tags', tags: ['press'] }, { type: 'escalate', reason: 'press or media exposure' }],
  },
  {
    id: 'default-critical-urgency',
    name: 'Critical urgency score',
    enabled: true,
    when: { type: 'number', field: 'urgency', op: 'gte', value: 90 },
    then: [{ type: 'set_priority', priority: 'urgent' }, { type: 'escalate', reason: 'urgency score 90 or more' }],
  },
  {
    id: 'default-high-urgency',
    name: 'High urgency score',
    enabled: true,
    when: { type: 'number', field: 'urgency', op: 'gte', value: 70 },
    then: [{ type: 'set_priority', priority: 'high' }],
  },
  {
    id: 'default-negative-high-reach',
    name: 'Negative with high reach',
    enabled: true,
    when: { type: 'all', conditions: [negative, { type: 'visibility', is: 'public' }, { type: 'number', field: 'author_followers', op: 'gte', value: 10_000 }] },
    then: [{ type: 'set_priority', priority: 'high' }, { type: 'add_tags', tags: ['high-reach'] }],
  },
  {
    id: 'default-vip',
    name: 'VIP customer',
    enabled: true,
    when: { type: 'vip', is: true },
    then: [{ type: 'set_priority', priority: 'high' }, { type: 'add_tags', tags: ['vip'] }],
  },
  {
    id: 'default-repeat-contact',
    name: 'Unhappy repeat contact',
    enabled: true,
    when: { type: 'all', conditions: [negative, { type: 'number', field: 'repeat_contacts', op: 'gte', value: 2 }] },
    then: [{ type: 'set_priority', priority: 'high' }, { type: 'add_tags', tags: ['repeat-contact'] }],
  },
  {
    id: 'default-billing',
    name: 'Billing and booking',
    enabled: true,
    when: { type: 'label', label: 'topic', in: ['billing', 'booking', 'payment', 'refund', 'Flight Booking Problems', 'flight_booking_problems'], minConfidence: 0.5 },
    then: [{ type: 'set_team', skill: 'billing' }],
  },
  {
    id: 'default-technical',
    name: 'Technical problems',
    enabled: true,
    when: { type: 'label', label: 'topic', in: ['technical', 'outage', 'bug', 'website', 'app', 'login'], minConfidence: 0.5 },
    then: [{ type: 'set_team', skill: 'technical' }],
  },
  {
    id: 'default-no-response',
    name: 'No response needed',
    enabled: true,
    when: {
      type: 'all',
      conditions: [
        { type: 'needs_response', is: false, minConfidence: 0.7 },
        { type: 'not', condition: { type: 'number', field: 'urgency', op: 'gte', value: 50 } },
        { type: 'vip', is: false },
        { type: 'not', condition: risky },
      ],
    },
    then: [{ type: 'mark_no_response_needed' }, { type: 'add_tags', tags: ['no-response-needed'] }, { type: 'stop' }],
  },
  {
    // Off by default: an automatic reply is the brand's voice, so an admin switches it on knowingly.
    id: 'default-after-hours-ack',
    name: 'After-hours acknowledgement (private channels)',
    enabled: false,
    when: { type: 'all', conditions: [{ type: 'business_hours', inside: false }, { type: 'visibility', is: 'private' }] },
    then: [{ type: 'acknowledge', templateId: 'after-hours-ack' }],
  },
  {
    id: 'default-auto-assign',
    name: 'Auto-assign',
    enabled: true,
    when: { type: 'always' },
    then: [{ type: 'assign', mode: 'auto' }],
  },
];
