import { BusinessHours, SlaPolicy, type SlaEvent, weekdayHours } from '../src';

export const NY = weekdayHours('America/New_York');
export const BERLIN = weekdayHours('Europe/Berlin');
const allDay = [{ start: '00:00', end: '24:00' }];
export const NY_24_7_SCHEDULE = BusinessHours.parse({
  timeZone: 'America/New_York',
  weekly: { sun: allDay, mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay },
});

/** normal: 60 / 120 / 480 business minutes; urgent: 30 / 60 / 240 around the clock. */
export const POLICY = SlaPolicy.parse({
  id: 'p',
  name: 'Test policy',
  targets: {
    low: { first_response: 240, next_response: 480, resolution: 2400 },
    normal: { first_response: 60, next_response: 120, resolution: 480 },
    high: { first_response: 45, next_response: 90, resolution: 300 },
    urgent: { first_response: 30, next_response: 60, resolution: 240, hours: 'always' },
  },
  channelOverrides: { email: { normal: { first_response: 240, next_response: 240, resolution: 960 } } },
  escalations: [
    { metric: 'any', on: 'warning', actions: [{ type: 'notify_supervisor' }] },
    { metric: 'first_response', on: 'breach', actions: [{ type: 'notify_supervisor' }, { type: 'raise_priority' }, { type: 'reassign' }] },
    { metric: 'resolution', on: 'warning', actions: [{ type: 'send_update', templateId: 'still-on-it' }] },
  ],
});

export const created = (at: string, over: Partial<Extract<SlaEvent, { type: 'created' }>> = {}): SlaEvent => ({
  type: 'created',
  at,
  priority: 'normal',
  channelKind: 'x',
  ...over,
});
export const inbound = (at: string): SlaEvent => ({ type: 'inbound_message', at });
export const reply = (at: string): SlaEvent => ({ type: 'outbound_reply', at });
export const status = (at: string, s: 'open' | 'pending' | 'snoozed' | 'resolved'): SlaEvent => ({ type: 'status_changed', at, status: s });
