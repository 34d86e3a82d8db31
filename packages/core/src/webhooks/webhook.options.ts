import type { JobName } from '@earshot/domain';
import type { Clock } from '../shared/clock';
import type { SecretBox } from '../shared/crypto';
import type { OutboundPolicy } from './outbound-http';

export const JOB_WEBHOOK_FANOUT = 'webhook.fanout' satisfies JobName;
export const JOB_WEBHOOK_DELIVER = 'webhook.deliver' satisfies JobName;

/** Operator settings of outbound webhooks; every one has a production default. */
export interface WebhookOptions {
  /** Allow loopback/private/link-local/unique-local targets and plain http (EARSHOT_WEBHOOK_ALLOW_PRIVATE=1). Default false. */
  allowPrivate?: boolean;
  /** The whole exchange with a receiver, connection included (default 5 s). */
  timeoutMs?: number;
  /** Bytes of a receiver's answer read at most (default 64 KiB). */
  maxResponseBytes?: number;
  /** Automatic attempts per delivery (default 12: about 12 hours with the default backoff). */
  maxAttempts?: number;
  /** Consecutive failed attempts that disable a subscription (default 20). */
  failureLimit?: number;
  /** Wait before automatic attempt n+1 after attempt n failed (default 30 s · 2^(n-1), at most 4 h, ±25 %). */
  retryDelayMs?: (attempt: number) => number;
  /** How often a brand with subscriptions is swept for events no wake-up announced (default 5 min). */
  sweepMs?: number;
}

export interface WebhookSettings {
  policy: OutboundPolicy;
  timeoutMs: number;
  maxResponseBytes: number;
  maxAttempts: number;
  failureLimit: number;
  retryDelayMs: (attempt: number) => number;
  sweepMs: number;
}

export function defaultRetryDelayMs(attempt: number, random = Math.random): number {
  const base = Math.min(4 * 3_600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

export function webhookSettings(o: WebhookOptions = {}): WebhookSettings {
  return {
    policy: { allowPrivate: o.allowPrivate ?? false },
    timeoutMs: o.timeoutMs ?? 5_000,
    maxResponseBytes: o.maxResponseBytes ?? 64 * 1024,
    maxAttempts: o.maxAttempts ?? 12,
    failureLimit: o.failureLimit ?? 20,
    retryDelayMs: o.retryDelayMs ?? ((n) => defaultRetryDelayMs(n)),
    sweepMs: o.sweepMs ?? 300_000,
  };
}

export interface WebhookDeps {
  box: SecretBox;
  clock: Clock;
  settings: WebhookSettings;
  /** Wakes this process's workers (a delivery was enqueued). */
  wake: () => void;
}
