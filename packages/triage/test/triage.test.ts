import { describe, expect, it } from 'vitest';
import { detectLanguage, tokenize, trainModel, triage } from '../src/index';
import { devRows } from './fixtures';

const model = trainModel(devRows(3000), { seed: 3, now: new Date('2026-11-25T00:00:00Z') });

describe('triage', () => {
  it('labels a complaint with confidences and the words that drove each label', () => {
    const r = triage(model, { text: '@united my flight was cancelled and nobody helped' });
    expect(r.sentiment.value).toBe('negative');
    expect(r.sentiment.confidence).toBeGreaterThan(0.5);
    expect(r.sentiment.confidence).toBeLessThanOrEqual(1);
    expect(r.sentiment.reasons.join(' ')).toMatch(/cancelled|nobody|helped/);
    expect(r.topic.value).toBe('Cancelled Flight');
    expect(r.topic.reasons.join(' ')).toMatch(/cancelled/);
    expect(r.needsResponse.value).toBe(true);
    expect(r.intent.value).toBe('complaint');
    expect(r.modelVersion).toBe(model.info.version);
  });

  it('does not ask for a response to praise, and gives no topic', () => {
    const r = triage(model, { text: '@JetBlue thank you, the crew was amazing' });
    expect(r.sentiment.value).toBe('positive');
    expect(r.topic.value).toBeNull();
    expect(r.needsResponse.value).toBe(false);
    expect(r.intent.value).toBe('praise');
  });

  it('recognises questions, suggestions and spam', () => {
    expect(triage(model, { text: '@united can I bring my dog on the plane?' }).intent.value).toBe('question');
    expect(triage(model, { text: '@united you should add more power outlets, would be great' }).intent.value).toBe('feedback');
    const spam = triage(model, { text: 'WIN a free trip! follow me and click http://t.co/x #win #free #travel #deal' });
    expect(spam.intent.value).toBe('spam');
    expect(spam.needsResponse.value).toBe(false);
  });

  it('raises urgency for reach, legal and safety words, churn threats, repeats and virality, with reasons', () => {
    const calm = triage(model, { text: '@united my flight was cancelled' });
    const hot = triage(model, {
      text: '@united my flight was cancelled, I am calling my lawyer. Never flying again, this is a safety issue, wtf',
      authorFollowers: 250_000,
      priorInboundCount: 3,
      threadSize: 40,
      isPublic: true,
    });
    expect(hot.urgency.score).toBeGreaterThan(calm.urgency.score + 40);
    expect(hot.urgency.score).toBeLessThanOrEqual(100);
    const why = hot.urgency.reasons.join('\n');
    for (const cue of ['250,000 followers', 'legal words: lawyer', 'safety', 'never flying', 'repeated contact: 3', 'profanity: wtf', 'thread has 40']) {
      expect(why).toContain(cue);
    }
  });

  it('detects the language', () => {
    expect(triage(model, { text: '@united my flight was delayed again' }).language.value).toBe('eng');
    expect(detectLanguage(tokenize('Mi vuelo fue cancelado y nadie me ayuda en el aeropuerto')).value).toBe('spa');
    expect(detectLanguage(tokenize("Mon vol a été annulé et personne ne m'aide à l'aéroport")).value).toBe('fra');
    expect(detectLanguage(tokenize('@united 👍')).value).toBe('und');
  });

  it('handles empty and odd input', () => {
    const r = triage(model, { text: '' });
    expect(['negative', 'neutral', 'positive']).toContain(r.sentiment.value);
    expect(r.language.value).toBe('und');
  });
});
