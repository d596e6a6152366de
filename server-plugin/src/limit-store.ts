// server-plugin/src/limit-store.ts
// Where the send counts, the breaker's counts and the failure lock live. Every method is
// one atomic step (a Lua script in Redis, one synchronous turn in memory), and a refused
// step writes nothing: refusals cost no memory and no keys, however many there are.

/** One fixed-window counter: at most `limit` in `windowMs` from the window's first count. */
export interface Counter {
  key: string;
  /** `Infinity` counts without ever refusing (the breaker's tallies, sends let through a challenge). */
  limit: number;
  windowMs: number;
}

export type TakeResult = { ok: true } | { ok: false; /** Index of the first counter that refused. */ refused: number; retryAfterMs: number };

/** A counter as read: its count and when its window ends. */
export interface CounterState {
  count: number;
  resetAt: number;
}

/** How wrong codes in a row lock a number (see `LimitsOptions.failures`). */
export interface FailurePolicy {
  /** Wrong codes in a row after which the number stays locked until the run is forgotten. */
  max: number;
  /** A wait starts after every `every` wrong codes in a row. */
  every: number;
  /** The waits, growing; the last one repeats. Empty: no wait before `max`. */
  waitsMs: readonly number[];
  /** A run of wrong codes is forgotten this long after its last one. */
  forgetMs: number;
}

/** Wrong codes in a row for one number, and how long it stays locked (0 when it is not). */
export interface FailureState {
  count: number;
  lockedForMs: number;
}

/** A take refused because the number is locked by wrong codes: nothing was counted. */
export interface LockedTake {
  ok: false;
  /** How long the lock lasts. */
  lockedForMs: number;
}

/** The failure run that must not lock the number for a take to count (see `takeUnlessLocked`). */
export interface LockCheck {
  key: string;
  policy: FailurePolicy;
}

export type FailureReservation = { ok: true; count: number; lockedForMs: number } | { ok: false; retryAfterMs: number; count: number };

export interface LimitStore {
  /** Count one on every counter, or on none if any is full: all-or-nothing, nothing written on refusal. */
  take(counters: readonly Counter[], now: number): Promise<TakeResult>;
  /**
   * `take`, but first refused (nothing written) while the failure run at `lock.key` locks the
   * number: the lock check and the send count in one atomic step, one Redis script instead of
   * two per send. Optional for stores written before it (the lock is then read on its own first).
   */
  takeUnlessLocked?(lock: LockCheck, counters: readonly Counter[], now: number): Promise<TakeResult | LockedTake>;
  /** Give one back on each counter still in the window it was taken in. */
  give(counters: readonly Counter[], now: number): Promise<void>;
  /** The live state of each key (undefined when absent or expired). Reads write nothing. */
  read(keys: readonly string[], now: number): Promise<Array<CounterState | undefined>>;
  /** The number's run of wrong codes and its lock. */
  failures(key: string, policy: FailurePolicy, now: number): Promise<FailureState>;
  /** Count one wrong code unless the number is locked (then nothing is written). */
  reserveFailure(key: string, policy: FailurePolicy, now: number): Promise<FailureReservation>;
  /** Give back a reserved failure that turned out not to be a wrong code. */
  releaseFailure(key: string, now: number): Promise<void>;
  /** A sign-in: the run is over. */
  clearFailures(key: string): Promise<void>;
  /**
   * A sign-in, in one step: the run at `key` is over and each of `counters` (the breaker's
   * tallies, which never refuse) counts one. One Redis script instead of two per sign-in.
   * Optional for stores written before it (then `clearFailures` and `take`, side by side).
   */
  clearFailuresAndCount?(key: string, counters: readonly Counter[], now: number): Promise<void>;
}

/** The failure record both stores keep: count, when the latest wait began, when the latest failure was. */
export interface FailureRecord {
  count: number;
  lockAt: number;
  lastAt: number;
}

/**
 * How long a run of `record.count` wrong codes keeps the number locked at `now`.
 * Shared by both stores (the Redis script mirrors it), so they cannot disagree.
 */
export function lockedForMs(record: FailureRecord | undefined, policy: FailurePolicy, now: number): number {
  if (!record || record.count <= 0 || record.lastAt + policy.forgetMs <= now) return 0;
  if (record.count >= policy.max) return record.lastAt + policy.forgetMs - now;
  if (policy.waitsMs.length === 0 || record.count % policy.every !== 0) return 0;
  const wait = policy.waitsMs[Math.min(record.count / policy.every, policy.waitsMs.length) - 1]!;
  return Math.max(0, record.lockAt + wait - now);
}

export interface MemoryLimitStoreOptions {
  /** Writes between sweeps of expired entries, at least (a sweep also waits for as many writes as there are entries). Default 1000. */
  sweepEvery?: number;
}

/**
 * Counts in this process. A refused `take` or `reserveFailure` adds no entry; expired
 * entries are dropped on sight and in a sweep every `sweepEvery` writes or more, so the maps
 * hold at most what the limits let through.
 */
export class MemoryLimitStore implements LimitStore {
  private readonly counters = new Map<string, CounterState>();
  private readonly runs = new Map<string, FailureRecord & { forgetAt: number }>();
  private readonly sweepEvery: number;
  private writes = 0;

  constructor(options: MemoryLimitStoreOptions = {}) {
    this.sweepEvery = options.sweepEvery ?? 1000;
  }

  /** Entries held now (counters and failure runs), for tests and the soak script. */
  get size(): number {
    return this.counters.size + this.runs.size;
  }

  async take(counters: readonly Counter[], now: number): Promise<TakeResult> {
    // Each key looked up once (the states are kept for the writes): nothing is written unless all pass.
    const states = new Array<CounterState | undefined>(counters.length);
    for (let i = 0; i < counters.length; i++) {
      const c = counters[i]!;
      const state = (states[i] = this.live(c.key, now));
      if (state && state.count + 1 > c.limit) return { ok: false, refused: i, retryAfterMs: state.resetAt - now };
    }
    for (let i = 0; i < counters.length; i++) {
      const c = counters[i]!;
      // A key new to this call may have been created by an earlier counter of the same call.
      const state = states[i] ?? this.counters.get(c.key);
      if (state) state.count += 1;
      else this.counters.set(c.key, { count: 1, resetAt: now + c.windowMs });
    }
    this.wrote(now);
    return { ok: true };
  }

  async takeUnlessLocked(lock: LockCheck, counters: readonly Counter[], now: number): Promise<TakeResult | LockedTake> {
    const locked = lockedForMs(this.run(lock.key, now), lock.policy, now);
    return locked > 0 ? { ok: false, lockedForMs: locked } : this.take(counters, now);
  }

  async give(counters: readonly Counter[], now: number): Promise<void> {
    for (const c of counters) {
      const state = this.live(c.key, now);
      if (state && state.count > 0) state.count -= 1;
    }
  }

  async read(keys: readonly string[], now: number): Promise<Array<CounterState | undefined>> {
    return keys.map((key) => {
      const state = this.live(key, now);
      return state && { ...state };
    });
  }

  async failures(key: string, policy: FailurePolicy, now: number): Promise<FailureState> {
    const run = this.run(key, now);
    return { count: run?.count ?? 0, lockedForMs: lockedForMs(run, policy, now) };
  }

  async reserveFailure(key: string, policy: FailurePolicy, now: number): Promise<FailureReservation> {
    const run = this.run(key, now);
    const locked = lockedForMs(run, policy, now);
    if (locked > 0) return { ok: false, retryAfterMs: locked, count: run!.count };
    const next = { count: (run?.count ?? 0) + 1, lockAt: run?.lockAt ?? 0, lastAt: now, forgetAt: now + policy.forgetMs };
    // The failure that completes a run of `every` (or reaches `max`) starts the wait.
    if (next.count % policy.every === 0 || next.count >= policy.max) next.lockAt = now;
    this.runs.set(key, next);
    this.wrote(now);
    return { ok: true, count: next.count, lockedForMs: lockedForMs(next, policy, now) };
  }

  async releaseFailure(key: string, now: number): Promise<void> {
    const run = this.run(key, now);
    if (run && run.count > 0) run.count -= 1;
  }

  async clearFailures(key: string): Promise<void> {
    this.runs.delete(key);
  }

  async clearFailuresAndCount(key: string, counters: readonly Counter[], now: number): Promise<void> {
    this.runs.delete(key);
    await this.take(counters, now);
  }

  private live(key: string, now: number): CounterState | undefined {
    const state = this.counters.get(key);
    if (state && state.resetAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return state;
  }

  private run(key: string, now: number): (FailureRecord & { forgetAt: number }) | undefined {
    const run = this.runs.get(key);
    if (run && run.forgetAt <= now) {
      this.runs.delete(key);
      return undefined;
    }
    return run;
  }

  private wrote(now: number): void {
    // A sweep walks every entry, so it waits for as many writes as there are entries (and at
    // least `sweepEvery`): its cost per write stays constant however many numbers are counted,
    // and the maps hold at most about twice what is live.
    if (++this.writes < Math.max(this.sweepEvery, this.size)) return;
    this.writes = 0;
    for (const [key, state] of this.counters) if (state.resetAt <= now) this.counters.delete(key);
    for (const [key, run] of this.runs) if (run.forgetAt <= now) this.runs.delete(key);
  }
}
