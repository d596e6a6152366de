// server-plugin/src/providers/deadlines.ts
// A bounded map of "until when" per key, for what an adapter must remember about the
// verifications it started (Textmagic's and Vonage's one live request per number).

/**
 * Keys with a deadline, forgotten once it passes. Expired entries are dropped when read
 * and swept when the map has grown (first at `sweepAt`, then at twice what a sweep left);
 * past `capacity` the oldest go, down to 90 % of it, so sweeps stay rare (amortised O(1)
 * per write) and an abandoned verification, or a flood of them, never grows the process
 * for ever. What is forgotten early only costs a less precise `retryAfter`.
 */
export class Deadlines<K> {
  readonly #until = new Map<K, number>();
  #nextSweep: number;

  constructor(
    private readonly clock: () => number,
    private readonly sweepAt = 1000,
    private readonly capacity = 10_000,
  ) {
    this.#nextSweep = sweepAt;
  }

  get size(): number {
    return this.#until.size;
  }

  /** When `key`'s deadline is, if it has not passed. */
  get(key: K): number | undefined {
    const until = this.#until.get(key);
    if (until !== undefined && until <= this.clock()) {
      this.#until.delete(key);
      return undefined;
    }
    return until;
  }

  set(key: K, until: number): void {
    // Re-inserted at the end, so the oldest entries are first to go.
    this.#until.delete(key);
    this.#until.set(key, until);
    if (this.#until.size >= this.#nextSweep) this.#sweep();
  }

  delete(key: K): void {
    this.#until.delete(key);
  }

  #sweep(): void {
    const now = this.clock();
    for (const [k, u] of this.#until) if (u <= now) this.#until.delete(k);
    if (this.#until.size > this.capacity) {
      const keep = Math.floor(this.capacity * 0.9);
      for (const k of this.#until.keys()) {
        if (this.#until.size <= keep) break;
        this.#until.delete(k);
      }
    }
    this.#nextSweep = Math.max(this.sweepAt, Math.min(this.capacity + 1, this.#until.size * 2));
  }
}
