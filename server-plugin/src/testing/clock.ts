// server-plugin/src/testing/clock.ts
// A clock a test moves by hand, shared by a sandbox, an adapter and the service so
// expiry and the providers' time rules can be tested without waiting.

/** Milliseconds since the epoch, moved only by `advance` and `set`. */
export class ManualClock {
  #now: number;

  /** Starts at `start` (milliseconds since the epoch), by default 2026-01-01T12:00:00Z. */
  constructor(start: number = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.#now = start;
  }

  /** The current time; pass it as a `clock` option (it is bound, so `clock.now` works alone). */
  readonly now = (): number => this.#now;

  /** Move forward by `seconds` (fractions allowed). */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError('a clock only moves forward');
    this.#now += Math.round(seconds * 1000);
  }

  /** Jump to an absolute time, in milliseconds since the epoch. */
  set(ms: number): void {
    this.#now = ms;
  }
}
