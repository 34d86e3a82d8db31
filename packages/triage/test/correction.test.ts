import { describe, expect, it } from 'vitest';
import { trainModel, triage, type LabelledRow } from '../src/index';
import { devRows } from './fixtures';

// "Learning from agents": corrections are extra weighted rows on top of the base data.
describe('training with agent corrections', () => {
  const base = devRows(1500);
  const probe = '@united the wifi on board did not work for the whole flight';
  const corrections: LabelledRow[] = [
    { text: '@united wifi was down the entire trip', sentiment: 'negative', reason: 'Wifi' },
    { text: '@united paid for wifi and it never connected', sentiment: 'negative', reason: 'Wifi' },
    { text: '@united no wifi again on this plane', sentiment: 'negative', reason: 'Wifi' },
    { text: '@united why does the wifi never work on your flights', sentiment: 'negative', reason: 'Wifi' },
  ];

  it('changes the answer on a similar message, including a brand-new topic', () => {
    const before = trainModel(base, { seed: 1 });
    const after = trainModel(base, { seed: 1, extraRows: corrections, extraWeight: 10 });
    expect(before.heads.topic.classes).not.toContain('Wifi');
    expect(triage(before, { text: probe }).topic.value).not.toBe('Wifi');
    expect(after.heads.topic.classes).toContain('Wifi');
    expect(after.info.extraRows).toBe(4);
    const result = triage(after, { text: probe });
    expect(result.topic.value).toBe('Wifi');
    expect(result.topic.reasons.join(' ')).toMatch(/wifi/i);
  }, 180_000); // two trainings; slow only on a loaded machine
});
