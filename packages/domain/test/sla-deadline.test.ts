import { describe, expect, it } from 'vitest';
import { nextSlaDeadline } from '../src/sla';

describe('nextSlaDeadline: the one rule for the deadline that matters now', () => {
  const base = { state: 'ok' as const, firstResponseDueAt: null, nextResponseDueAt: null, resolutionDueAt: null };
  it('is the earliest running due time, by instant rather than by spelling', () => {
    expect(nextSlaDeadline({ ...base, firstResponseDueAt: '2026-12-07T10:00:00.000Z', resolutionDueAt: '2026-12-07T09:00:00.000Z' })).toBe('2026-12-07T09:00:00.000Z');
    expect(nextSlaDeadline({ ...base, nextResponseDueAt: '2026-12-07T10:30:00+01:00', resolutionDueAt: '2026-12-07T09:45:00.000Z' })).toBe('2026-12-07T10:30:00+01:00');
    expect(nextSlaDeadline({ ...base, state: 'breached', resolutionDueAt: '2026-12-01T00:00:00.000Z' })).toBe('2026-12-01T00:00:00.000Z');
  });
  it('is none when the clocks are met or paused, or no clock runs', () => {
    expect(nextSlaDeadline({ ...base, state: 'met', resolutionDueAt: '2026-12-07T09:00:00.000Z' })).toBeNull();
    expect(nextSlaDeadline({ ...base, state: 'paused', resolutionDueAt: '2026-12-07T09:00:00.000Z' })).toBeNull();
    expect(nextSlaDeadline(base)).toBeNull();
    expect(nextSlaDeadline(null)).toBeNull();
    expect(nextSlaDeadline({ ...base, firstResponseDueAt: 'not a time' })).toBeNull();
  });
});
