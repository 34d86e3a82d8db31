/** All time comes from a clock so replays and tests can run on simulated time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  #t: number;
  constructor(start: Date | string | number) { this.#t = new Date(start).getTime(); }
  now(): Date { return new Date(this.#t); }
  set(t: Date | string | number): void { this.#t = new Date(t).getTime(); }
  advance(ms: number): void { this.#t += ms; }
}
