import { describe, expect, it } from 'vitest';
import { parseModel, serializeModel, trainModel, triage, TriageModelError } from '../src/index';
import { syntheticRows } from './fixtures';

const NOW = new Date('2026-11-25T00:00:00Z');

describe('trainModel', () => {
  const rows = syntheticRows(400);
  const model = trainModel(rows, { seed: 7, now: NOW, dataSha256: 'abc', version: 'test-1' });

  it('is deterministic for a given seed', () => {
    const again = trainModel(rows, { seed: 7, now: NOW, dataSha256: 'abc', version: 'test-1' });
    expect(JSON.stringify(serializeModel(again))).toBe(JSON.stringify(serializeModel(model)));
  });

  it('records provenance and held-out metrics', () => {
    expect(model.info).toMatchObject({ version: 'test-1', dataSha256: 'abc', rows: 400, seed: 7, createdAt: NOW.toISOString() });
    expect(model.info.metrics.sentiment_accuracy).toBeGreaterThan(0.9);
  });

  it('accepts any topic label set', () => {
    expect(model.heads.topic.classes).toEqual(['Cancelled Flight', 'Customer Service Issue', 'Late Flight', 'Lost Luggage']);
    expect(triage(model, { text: '@united you lost my bag' }).topic.value).toBe('Lost Luggage');
  });

  it('round-trips through JSON with the same answers', () => {
    const loaded = parseModel(JSON.parse(JSON.stringify(serializeModel(model))) as unknown);
    for (const text of ['@united my flight was cancelled', 'thanks, great crew', 'what time is boarding?']) {
      const a = triage(model, { text });
      const b = triage(loaded, { text });
      expect(b.sentiment.value).toBe(a.sentiment.value);
      expect(b.sentiment.confidence).toBeCloseTo(a.sentiment.confidence, 2);
      expect(b.topic.value).toBe(a.topic.value);
    }
  });

  it('rejects artefacts that are not models', () => {
    expect(() => parseModel({ format: 'something-else' })).toThrow(TriageModelError);
    const json = serializeModel(model);
    expect(() => parseModel({ ...json, columns: json.columns + 1 })).toThrow(/weights|fit/);
    expect(() => parseModel({ ...json, keys: '!!!' })).toThrow();
  });
});
