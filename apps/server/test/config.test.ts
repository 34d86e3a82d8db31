import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

const base = { EARSHOT_SECRET_KEY: 'k'.repeat(32) };

describe('configuration from the environment', () => {
  it('reads rate limits per minute and leaves unset ones to the server defaults', () => {
    expect(loadConfig(base).rateLimits).toEqual({});
    expect(loadConfig({ ...base, EARSHOT_RATE_LIMIT_IP: '120', EARSHOT_RATE_LIMIT_INGEST: '900000' }).rateLimits).toEqual({ perIp: 120, ingest: 900_000 });
    expect(loadConfig({ ...base, EARSHOT_RATE_LIMIT_CALLER: '50' }).rateLimits).toEqual({ perCaller: 50 });
  });

  it('reads how many batches a worker runs at once', () => {
    expect(loadConfig(base).workerConcurrency).toBeUndefined();
    expect(loadConfig({ ...base, EARSHOT_WORKER_CONCURRENCY: '4' }).workerConcurrency).toBe(4);
  });

  it('keeps webhook and CRM targets public unless EARSHOT_WEBHOOK_ALLOW_PRIVATE says otherwise', () => {
    expect(loadConfig(base).webhookAllowPrivate).toBe(false);
    expect(loadConfig({ ...base, EARSHOT_WEBHOOK_ALLOW_PRIVATE: '0' }).webhookAllowPrivate).toBe(false);
    expect(loadConfig({ ...base, EARSHOT_WEBHOOK_ALLOW_PRIVATE: '1' }).webhookAllowPrivate).toBe(true);
  });

  it('refuses a bad value with a message that names the variable', () => {
    for (const [name, value] of [['EARSHOT_WEBHOOK_ALLOW_PRIVATE', 'yes'], ['EARSHOT_RATE_LIMIT_IP', '0'], ['EARSHOT_RATE_LIMIT_CALLER', 'lots'], ['EARSHOT_RATE_LIMIT_INGEST', '1.5'], ['PORT', '70000'], ['EARSHOT_WORKER_CONCURRENCY', '0'], ['EARSHOT_WORKER_CONCURRENCY', '99']] as const) {
      let err: unknown;
      try { loadConfig({ ...base, [name]: value }); } catch (e) { err = e; }
      expect(err, `${name}=${value}`).toBeInstanceOf(ConfigError);
      expect(String((err as Error).message)).toContain(name);
    }
  });
});
