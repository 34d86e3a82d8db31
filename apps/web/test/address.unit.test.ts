import { describe, expect, it } from 'vitest';
import type { InboxFilters } from '../src/api/types';
import { readFilters, writeFilters } from '../src/inbox/address';

const DEFAULTS: InboxFilters = {
  view: 'all', status: ['open', 'pending'], priority: [], channelKind: '', sentiment: '', topic: '', language: '', tag: '', assigneeId: '', teamId: '', incidentId: '', q: '', sort: 'recent',
};
const TEAM = '5b2c1f7e-8a4d-4c3b-9e1f-2a3b4c5d6e7f';

describe('inbox filters in the address', () => {
  it('writes only what differs from the defaults, and reads it back the same', () => {
    expect(writeFilters('', DEFAULTS, DEFAULTS)).toBe('');
    const f: InboxFilters = { ...DEFAULTS, view: 'needs_response', status: ['open'], priority: ['urgent', 'high'], sort: 'waiting', q: 'lost bag & more', tag: 'vip', teamId: TEAM };
    const search = writeFilters('', f, DEFAULTS);
    expect(search).toBe(`?view=needs_response&status=open&priority=urgent%2Chigh&sort=waiting&tag=vip&q=lost+bag+%26+more&team=${TEAM}`);
    expect(readFilters(search, DEFAULTS)).toEqual(f);
  });

  it('keeps the incident parameter first and untouched', () => {
    const search = writeFilters('?incident=abc', { ...DEFAULTS, view: 'mine' }, DEFAULTS);
    expect(search).toBe('?incident=abc&view=mine');
    expect(writeFilters(search, DEFAULTS, DEFAULTS)).toBe('?incident=abc');
  });

  it('falls back to the default for what it cannot read: an unknown view or sort, unknown statuses, a bad id', () => {
    expect(readFilters('?view=admin&sort=random&status=open,deleted&priority=meh&assignee=1%27or%271&team=x', DEFAULTS))
      .toEqual({ ...DEFAULTS, status: ['open'], priority: [] });
    expect(readFilters(`?q=${'a'.repeat(500)}`, DEFAULTS).q).toHaveLength(200);
  });
});
