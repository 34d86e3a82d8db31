import { describe, expect, it } from 'vitest';
import { apiParams, backlogParams, inboxFilterOf, inboxHref, readDash, writeDash } from '../src/analytics/address';
import { readFilters } from '../src/inbox/address';
import { toCsv } from '../src/analytics/csv';
import type { InboxFilters } from '../src/api/types';

const TODAY = new Date(2026, 11, 7, 15, 0);
const TEAM = '5b2c1f7e-8a4d-4c3b-9e1f-2a3b4c5d6e7f';

describe('the dashboard address', () => {
  it('reads presets, a custom range and one filter, and writes only what differs', () => {
    expect(readDash('', TODAY)).toEqual({ preset: '30', from: '2026-11-08', to: '2026-12-07', filter: null });
    expect(readDash('?range=7', TODAY)).toMatchObject({ preset: '7', from: '2026-12-01', to: '2026-12-07' });
    const custom = readDash('?range=custom&from=2026-01-01&to=2026-02-01&topic=Late%20Flight', TODAY);
    expect(custom).toEqual({ preset: 'custom', from: '2026-01-01', to: '2026-02-01', filter: { dim: 'topic', value: 'Late Flight' } });
    expect(readDash(writeDash(custom), TODAY)).toEqual(custom);
    expect(writeDash(readDash('', TODAY))).toBe('');
    expect(apiParams(custom)).toEqual({ from: '2026-01-01', to: '2026-02-01', topic: 'Late Flight' });
  });

  it('drops what it cannot read: bad dates, unknown presets, bad ids and values', () => {
    expect(readDash('?range=custom&from=yesterday&to=2026-02-01', TODAY).preset).toBe('30');
    expect(readDash('?range=365', TODAY).preset).toBe('30');
    expect(readDash('?team=not-a-uuid', TODAY).filter).toBeNull();
    expect(readDash('?sentiment=angry', TODAY).filter).toBeNull();
    expect(readDash(`?team=${TEAM}`, TODAY).filter).toEqual({ dim: 'team', value: TEAM });
    expect(apiParams(readDash(`?agent=none`, TODAY))).toMatchObject({ assigneeId: 'none' });
  });

  it('sends the backlog only the filters its route takes', () => {
    expect(backlogParams(readDash(`?team=${TEAM}`, TODAY))).toEqual({ teamId: TEAM });
    expect(backlogParams(readDash('?channel=x', TODAY))).toEqual({});
  });

  it('links a chart point to an inbox address the inbox reads back as that filter', () => {
    const defaults: InboxFilters = { view: 'mine', status: ['open'], priority: [], channelKind: '', sentiment: '', topic: '', language: '', tag: '', assigneeId: '', teamId: '', incidentId: '', q: '', sort: 'recent' };
    const href = inboxHref({ channel: 'x', topic: 'Late Flight' });
    const f = readFilters(href.slice(href.indexOf('?')), defaults);
    expect(f).toMatchObject({ view: 'all', status: ['open', 'pending', 'snoozed', 'resolved'], channelKind: 'x', topic: 'Late Flight' });
    expect(inboxFilterOf(readDash(`?agent=${TEAM}`, TODAY))).toEqual({ assignee: TEAM });
    expect(inboxFilterOf(readDash('?visibility=public', TODAY))).toEqual({});
  });
});

describe('chart CSV', () => {
  it('quotes what needs quoting and defuses formulas, numbers as they are', () => {
    expect(toCsv(['topic', 'n'], [['Late, "very" late', 3], ['=HYPERLINK("x")', -2], ['line\nbreak', null]]))
      .toBe('topic,n\r\n"Late, ""very"" late",3\r\n"\'=HYPERLINK(""x"")",-2\r\n"line\nbreak",\r\n');
  });
});
