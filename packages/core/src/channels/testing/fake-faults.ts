export type Fault = { kind: 'rate-limit'; resetInSeconds: number } | { kind: 'status'; status: number };

/** Failure modes a test or the demo can switch on: the next N requests fail, or an outage until lifted. */
export class FaultPlan {
  private queued: Array<Fault | null> = [];
  private outage = false;

  /** The next `count` requests fail, after `after` requests that still succeed. */
  failNext(count: number, fault: Fault, after = 0): void {
    this.queued = [...Array.from({ length: after }, () => null), ...Array.from({ length: count }, () => fault)];
  }

  setOutage(on: boolean): void {
    this.outage = on;
  }

  /** The fault for the request being served, if any (an outage wins over queued faults). */
  take(): Fault | 'outage' | null {
    if (this.outage) return 'outage';
    return this.queued.shift() ?? null;
  }

  clear(): void {
    this.queued = [];
    this.outage = false;
  }
}
