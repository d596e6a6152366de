// server-plugin/src/store.ts
// Where pending verifications live. Each method is one atomic step, so a Redis
// implementation can do each in one script and parallel requests cannot slip past
// a limit. The memory store is atomic because JavaScript runs one step at a time.

import { errors, PhoneVerifyError } from './errors.js';
import type { Logger } from './logger.js';
import { maskPhonesIn } from './phone.js';
import type { Channel } from './protocol.js';
import type { ProviderState } from './providers/types.js';

/** A pending verification: everything needed to check, resend or cancel it. Never the code. */
export interface Verification {
  id: string;
  /** E.164 */
  phone: string;
  /**
   * The number's ISO country, as read when it was started (absent for non-geographic numbers,
   * and in records written before it was kept): the breaker counts a sign-in under it without
   * parsing the number again.
   */
  country?: string;
  /** Channel of the latest send. */
  channel: Channel;
  /** Name of the provider that started it: checks always go back to that one. */
  provider: string;
  /** What that provider needs to check or cancel it. */
  state: ProviderState;
  /** Milliseconds since the epoch, like every time here. */
  createdAt: number;
  expiresAt: number;
  lastSentAt: number;
  /** Sends so far, the first included. */
  sends: number;
  /** Codes checked so far. */
  attempts: number;
}

/** The outcome of `reserveSend`. */
export type SendReservation =
  | { ok: true; verification: Verification; release: SendRelease }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'cooldown' | 'limit'; retryAfterMs: number };

/** What a reservation changed, so `releaseSend` can give exactly that back if the send fails. */
export interface SendRelease {
  /** The `lastSentAt` the reservation wrote. */
  sentAt: number;
  /** The `lastSentAt` before it. */
  previousSentAt: number;
}

export interface SendRules {
  now: number;
  /** Milliseconds that must pass after `lastSentAt`. */
  cooldownMs: number;
  /** Sends allowed in all. */
  maxSends: number;
}

export interface VerificationStore {
  /** Save a new verification; it disappears by itself at `expiresAt`. */
  create(verification: Verification): Promise<void>;
  /** The verification, or undefined once expired, consumed or deleted. */
  get(id: string): Promise<Verification | undefined>;
  /**
   * Count one more send if the cooldown has passed and the limit allows it,
   * recording `now` as the last send. Atomic: two parallel resends cannot both pass.
   */
  reserveSend(id: string, rules: SendRules): Promise<SendReservation>;
  /**
   * Give back a reservation whose send failed: one send fewer, and `lastSentAt` back to
   * `previousSentAt` unless another send has set it since. Relative, so a failed send
   * never erases a parallel one that succeeded.
   */
  releaseSend(id: string, release: SendRelease): Promise<void>;
  /** Record where and how the latest send went. No-op if the verification is gone. */
  updateDelivery(id: string, delivery: Pick<Verification, 'channel' | 'state'>): Promise<void>;
  /**
   * Add `delta` (1, or -1 to give back an attempt the provider never judged) to the
   * checks counted and return the new count; undefined if the verification is gone. Atomic.
   */
  addAttempt(id: string, delta?: 1 | -1): Promise<number | undefined>;
  /**
   * `addAttempt(id)` and `get(id)` in one atomic step: count one more check and return the
   * verification with that count in `attempts`; undefined if it is gone. One round trip
   * instead of two for every code checked. Optional for stores written before it (the
   * service then calls `get` and `addAttempt`).
   */
  countAttempt?(id: string): Promise<Verification | undefined>;
  /** Remove and return the verification. Atomic: of parallel callers, exactly one gets it. */
  consume(id: string): Promise<Verification | undefined>;
  delete(id: string): Promise<void>;
  /**
   * Make `id` the one live verification of `phone` until `expiresAt`, and return the id
   * this replaced, if another: a new start for a number supersedes every other session's
   * verification for it (the caller deletes that one). Atomic per number.
   */
  claimPhone(phone: string, id: string, expiresAt: number): Promise<string | undefined>;
  /** The id last claimed for `phone`, while that claim lasts. */
  claimedFor(phone: string): Promise<string | undefined>;
  /**
   * Remember `key` for `ttlMs` and say whether this call was the first to do so: true
   * once, false for every later call until it expires. Atomic across processes (the
   * single use of phone proofs). Optional for stores written before phone proofs.
   */
  rememberOnce?(key: string, ttlMs: number): Promise<boolean>;
}

export interface MemoryStoreOptions {
  /** How often expired entries are swept, in milliseconds. Default 60 000. */
  sweepInterval?: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  clock?: () => number;
}

/**
 * Keeps verifications in this process. Right for one process; several processes
 * behind a load balancer need a shared store (Redis).
 */
export class MemoryStore implements VerificationStore {
  private readonly entries = new Map<string, Verification>();
  /** phone → the verification that is live for it, and until when. */
  private readonly claims = new Map<string, { id: string; expiresAt: number }>();
  /** rememberOnce's keys → until when they are remembered. */
  private readonly remembered = new Map<string, number>();
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.timer = setInterval(() => this.sweep(), options.sweepInterval ?? 60_000);
    // The sweep must never keep a process alive on its own.
    this.timer.unref();
  }

  /** Entries held now, expired ones not yet swept included. */
  get size(): number {
    return this.entries.size;
  }

  /** Drop every expired entry; runs on a timer, callable by tests. */
  sweep(): void {
    const now = this.clock();
    for (const [id, verification] of this.entries) {
      if (verification.expiresAt <= now) this.entries.delete(id);
    }
    for (const [phone, claim] of this.claims) {
      if (claim.expiresAt <= now) this.claims.delete(phone);
    }
    for (const [key, until] of this.remembered) {
      if (until <= now) this.remembered.delete(key);
    }
  }

  /** Stop the sweep timer. */
  close(): void {
    clearInterval(this.timer);
  }

  async create(verification: Verification): Promise<void> {
    this.entries.set(verification.id, copyOf(verification));
  }

  async get(id: string): Promise<Verification | undefined> {
    const verification = this.live(id);
    return verification && copyOf(verification);
  }

  async reserveSend(id: string, rules: SendRules): Promise<SendReservation> {
    const verification = this.live(id);
    if (!verification) return { ok: false, reason: 'missing' };
    const wait = verification.lastSentAt + rules.cooldownMs - rules.now;
    if (wait > 0) return { ok: false, reason: 'cooldown', retryAfterMs: wait };
    if (verification.sends >= rules.maxSends) {
      return { ok: false, reason: 'limit', retryAfterMs: verification.expiresAt - rules.now };
    }
    const release = { sentAt: rules.now, previousSentAt: verification.lastSentAt };
    verification.sends += 1;
    verification.lastSentAt = rules.now;
    return { ok: true, verification: copyOf(verification), release };
  }

  async releaseSend(id: string, release: SendRelease): Promise<void> {
    const verification = this.live(id);
    if (!verification) return;
    verification.sends = Math.max(0, verification.sends - 1);
    if (verification.lastSentAt === release.sentAt) verification.lastSentAt = release.previousSentAt;
  }

  async updateDelivery(id: string, delivery: Pick<Verification, 'channel' | 'state'>): Promise<void> {
    const verification = this.live(id);
    if (verification) Object.assign(verification, { channel: delivery.channel, state: { ...delivery.state } });
  }

  async addAttempt(id: string, delta: 1 | -1 = 1): Promise<number | undefined> {
    const verification = this.live(id);
    if (!verification) return undefined;
    verification.attempts += delta;
    return verification.attempts;
  }

  async countAttempt(id: string): Promise<Verification | undefined> {
    const verification = this.live(id);
    if (!verification) return undefined;
    verification.attempts += 1;
    return copyOf(verification);
  }

  async consume(id: string): Promise<Verification | undefined> {
    const verification = this.live(id);
    if (!verification) return undefined;
    this.entries.delete(id);
    return verification;
  }

  async delete(id: string): Promise<void> {
    this.entries.delete(id);
  }

  async claimPhone(phone: string, id: string, expiresAt: number): Promise<string | undefined> {
    // No await before the write: parallel claims each see the one before them.
    const previous = this.claim(phone);
    if (expiresAt > this.clock()) this.claims.set(phone, { id, expiresAt });
    else this.claims.delete(phone);
    return previous === id ? undefined : previous;
  }

  async claimedFor(phone: string): Promise<string | undefined> {
    return this.claim(phone);
  }

  async rememberOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock();
    const until = this.remembered.get(key);
    if (until !== undefined && until > now) return false;
    this.remembered.set(key, now + ttlMs);
    return true;
  }

  /** The live claim's id; an expired one is dropped on sight. */
  private claim(phone: string): string | undefined {
    const claim = this.claims.get(phone);
    if (claim && claim.expiresAt <= this.clock()) {
      this.claims.delete(phone);
      return undefined;
    }
    return claim?.id;
  }

  /** The entry if it has not expired; an expired one is dropped on sight. */
  private live(id: string): Verification | undefined {
    const verification = this.entries.get(id);
    if (verification && verification.expiresAt <= this.clock()) {
      this.entries.delete(id);
      return undefined;
    }
    return verification;
  }
}

/**
 * A copy the caller may change without changing the stored entry (what Redis gives by
 * parsing). Every field is a primitive but `state`, whose values are primitives too
 * (ProviderState), so one spread each is a whole copy: several times cheaper than
 * structuredClone, which showed in the /start and /verify profiles.
 */
function copyOf(verification: Verification): Verification {
  return { ...verification, state: { ...verification.state } };
}

/**
 * The store as the service uses it: any failure of the store itself (Redis down,
 * timed out) becomes `provider_unavailable` with one log line, never a 500 and never
 * a half-done step. Each call is one atomic step, so a failed call changed nothing.
 */
export function failClosedStore(store: VerificationStore, logger: Logger): VerificationStore {
  const guard =
    <K extends keyof VerificationStore>(name: K) =>
    async (...args: Parameters<Required<VerificationStore>[K]>): Promise<Awaited<ReturnType<Required<VerificationStore>[K]>>> => {
      try {
        // Looked up at call time, so the store's own methods stay the ones that run.
        return await (store[name] as (...a: typeof args) => ReturnType<Required<VerificationStore>[K]>).apply(store, args);
      } catch (error) {
        if (error instanceof PhoneVerifyError) throw error;
        logger.error(`verification store failed (${name}), refusing: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
        throw errors.busy(error);
      }
    };
  return {
    create: guard('create'),
    get: guard('get'),
    reserveSend: guard('reserveSend'),
    releaseSend: guard('releaseSend'),
    updateDelivery: guard('updateDelivery'),
    addAttempt: guard('addAttempt'),
    consume: guard('consume'),
    delete: guard('delete'),
    claimPhone: guard('claimPhone'),
    claimedFor: guard('claimedFor'),
    ...(typeof store.rememberOnce === 'function' ? { rememberOnce: guard('rememberOnce') } : {}),
    ...(typeof store.countAttempt === 'function' ? { countAttempt: guard('countAttempt') } : {}),
  };
}
