// server-plugin/src/limits.ts
// How often codes may be sent and guessed, counted outside the session (clearing
// cookies resets nothing) in a LimitStore, in memory or in Redis. Under pressure from
// others (a number's total, a range, the world, the breaker) a configured challenge
// lets a person through instead of shutting everyone out.

import { isIPv6 } from 'node:net';
import { breakerKeys, ConversionBreaker } from './breaker.js';
import { errors, PhoneVerifyConfigError, PhoneVerifyError, seconds } from './errors.js';
import { EventSink, type RefusalReason, type SendStep } from './events.js';
import { MemoryLimitStore, type Counter, type FailurePolicy, type LimitStore, type LockCheck, type LockedTake, type TakeResult } from './limit-store.js';
import type { Logger } from './logger.js';
import { maskPhonesIn } from './phone.js';

/** At most `points` events per `duration` seconds. */
export interface LimitRule {
  points: number;
  duration: number;
}

/** The failure lock: growing waits after runs of wrong codes, and a ceiling (NIST 800-63B-4 §3.2.2). */
export interface FailureRule {
  /** Wrong codes in a row after which the number stays locked until the run is forgotten. Default 100 (NIST's upper bound). */
  points: number;
  /** Seconds after its last wrong code that a run is forgotten. Default 86 400. */
  duration: number;
  /** A wait starts after every `every` wrong codes in a row. Default 5 (one verification's worth). */
  every?: number;
  /** The waits in seconds, growing; the last repeats. Default `[60, 300, 900, 3600]`. `[]`: no wait before `points`. */
  waits?: number[];
}

export interface LimitsOptions {
  /** Sends to one number, from everyone. Default 3 per 10 minutes and 5 per hour (Twilio 60203, Telnyx guide). */
  perPhone?: LimitRule[] | undefined;
  /**
   * Sends to one number from one client network. Default: the same as `perPhone`. When the
   * number's total is used up by other clients, this client is challenged (with `challenge`
   * configured) rather than refused: strangers cannot lock the owner out by themselves.
   */
  perPhoneClient?: LimitRule[];
  /** Sends asked for by one client IP (IPv6 by /56). Default 10 per hour. */
  perIp?: LimitRule[] | undefined;
  /** Sends to one number range: the number without its last 4 digits. Default 30 per hour. */
  perPrefix?: LimitRule[] | undefined;
  /** Sends in all, a ceiling on what an attack can cost. Default 1000 per hour. */
  global?: LimitRule[] | undefined;
  /** Sends one client network may make through passed challenges. Default 3 per hour: tighter than `perIp`. */
  challenged?: LimitRule[];
  /**
   * Wrong codes in a row for one number, across verifications; a new code does not reset
   * them, a sign-in does. Default: waits of 1, 5, 15 then 60 minutes after every 5, and a
   * lock at 100 until a day has passed since the last one.
   */
  failures?: FailureRule;
  /** Where the counts live. Default: a `MemoryLimitStore` (one process). Several processes: `new RedisLimitStore({ client })`. */
  store?: LimitStore;
}

export interface SendKeys {
  /** E.164 */
  phone: string;
  /** The client's address as Express saw it (mind `trust proxy`). */
  ip?: string | undefined;
  /** The number's ISO country, for the breaker. */
  country?: string | undefined;
  /** Which step asks; for the events. Default `start`. */
  step?: SendStep;
  /**
   * Refuse a number locked by wrong codes (`too_many_attempts`, as `assertNotLocked`) before
   * anything is counted, in the same step as the count where the store can (one Redis script
   * per send, not two). For a caller that has not checked the lock itself.
   */
  checkLock?: boolean;
}

/**
 * The application's challenge (CAPTCHA, Turnstile) for this request: `token` is what the
 * client sent, if anything; `verify` asks the application whether it is good.
 */
export interface SendChallenge {
  token?: string;
  verify: (token: string) => boolean | Promise<boolean>;
}

/** How a refund treats the asking client's own network. */
export interface RefundOptions {
  /**
   * Keep the count on the client network's own quotas (`perIp`, `challenged`) and give back
   * the rest. For a refusal that tells the client something about the number (not on
   * Telegram, a landline to the provider): refunded in full, every start would be a free
   * question, and a script could ask about any number of numbers (an enumeration oracle).
   */
  chargeNetwork?: boolean;
}

/** A send let through: record it once it happened, or refund it if it certainly did not. */
export interface SendAdmission {
  /** Give the counts back (the provider refused; nothing was sent): all of them, or all but the network's. */
  refund(options?: RefundOptions): Promise<void>;
  /** The send happened: count it for the breaker and tell `onEvent`. */
  sent(): Promise<void>;
}

/** Gives back a reserved failure; `kept()` says it stands (a wrong code), for the lock event. */
export interface FailureHold {
  (): Promise<void>;
  kept(): void;
}

interface Rule extends Counter {
  reason: RefusalReason;
}

const DEFAULTS = {
  perPhone: [
    { points: 3, duration: 600 },
    { points: 5, duration: 3600 },
  ],
  perIp: [{ points: 10, duration: 3600 }],
  perPrefix: [{ points: 30, duration: 3600 }],
  global: [{ points: 1000, duration: 3600 }],
  challenged: [{ points: 3, duration: 3600 }],
  failures: { points: 100, duration: 86_400, every: 5, waits: [60, 300, 900, 3600] },
};

/**
 * The key for an IP: IPv4 as is, IPv6 by its /56 network, since one subscriber
 * usually holds a whole /56 or /64 (the express-rate-limit default).
 */
export function ipKey(ip: string): string {
  // Every IPv6 address has a colon, no IPv4 one does: the usual case skips the matching below.
  if (!ip.includes(':')) return ip;
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...headParts, ...Array<string>(8 - headParts.length - tailParts.length).fill('0'), ...tailParts] : headParts;
  const hextets = groups.map((g) => parseInt(g, 16) || 0);
  // 56 bits: three whole groups and the high byte of the fourth.
  return `${hextets
    .slice(0, 3)
    .map((h) => h.toString(16))
    .join(':')}:${(hextets[3]! & 0xff00).toString(16)}::/56`;
}

/** The number's range: E.164 without its last four digits. */
export function phonePrefix(phone: string): string {
  return phone.slice(0, -4);
}

const whole = (n: unknown, min: number): boolean => Number.isInteger(n) && (n as number) >= min;

function checkRules(name: string, rules: LimitRule[]): LimitRule[] {
  if (!Array.isArray(rules) || rules.some((rule) => !whole(rule?.points, 1) || !whole(rule?.duration, 1))) {
    throw new PhoneVerifyConfigError('ERR_PV_LIMITS', `limits.${name} needs whole numbers: { points ≥ 1, duration (seconds) ≥ 1 }`);
  }
  return rules;
}

function failurePolicy(rule: FailureRule | undefined): FailurePolicy {
  const merged = { ...DEFAULTS.failures, ...rule };
  if (
    !whole(merged.points, 1) ||
    !whole(merged.duration, 1) ||
    !whole(merged.every, 1) ||
    !Array.isArray(merged.waits) ||
    merged.waits.some((w) => !whole(w, 1))
  ) {
    throw new PhoneVerifyConfigError(
      'ERR_PV_LIMITS',
      'limits.failures needs whole numbers: { points ≥ 1, duration (seconds) ≥ 1, every ≥ 1, waits: seconds ≥ 1 }',
    );
  }
  return { max: merged.points, every: merged.every, waitsMs: merged.waits.map((w) => w * 1000), forgetMs: merged.duration * 1000 };
}

/** Send limits, the challenge under pressure, and the failure lock. Every store failure fails closed: an open SMS endpoint costs money. */
export class Limits {
  private readonly perPhone: LimitRule[];
  private readonly perPhoneClient: LimitRule[];
  private readonly perIp: LimitRule[];
  private readonly perPrefix: LimitRule[];
  private readonly global: LimitRule[];
  private readonly challenged: LimitRule[];
  private readonly policy: FailurePolicy;
  readonly store: LimitStore;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly breaker: ConversionBreaker;
  private readonly events: EventSink;

  constructor(options: LimitsOptions = {}, logger: Logger, deps: { clock?: () => number; breaker?: ConversionBreaker; events?: EventSink } = {}) {
    const rules = (name: 'perPhone' | 'perIp' | 'perPrefix' | 'global' | 'challenged', fallback = DEFAULTS[name]) =>
      checkRules(name, options[name] ?? fallback);
    this.perPhone = rules('perPhone');
    this.perPhoneClient = checkRules('perPhoneClient', options.perPhoneClient ?? this.perPhone);
    this.perIp = rules('perIp');
    this.perPrefix = rules('perPrefix');
    this.global = rules('global');
    this.challenged = rules('challenged');
    this.policy = failurePolicy(options.failures);
    this.store = options.store ?? new MemoryLimitStore();
    if (typeof this.store.take !== 'function' || typeof this.store.reserveFailure !== 'function') {
      throw new PhoneVerifyConfigError('ERR_PV_LIMITS', 'limits.store must be a LimitStore: new MemoryLimitStore() or new RedisLimitStore({ client })');
    }
    this.logger = logger;
    this.clock = deps.clock ?? Date.now;
    this.events = deps.events ?? new EventSink(undefined, logger);
    this.breaker = deps.breaker ?? new ConversionBreaker({ enabled: false }, logger);
  }

  /**
   * Let one send through, or throw. In one step (all-or-nothing, nothing written when
   * refused) it counts the client's own limits and the shared ones. When the client's
   * own limits refuse, it is `rate_limited`. When only shared ones do (or the breaker is
   * open), that is pressure from others: with a `challenge` it is `challenge_required`
   * until a token verifies, and then the send counts against the client's own limits and
   * its tighter `challenged` quota instead; without one it is `rate_limited`, as before.
   */
  async admitSend(who: SendKeys, challenge?: SendChallenge): Promise<SendAdmission> {
    const now = this.clock();
    const step = who.step ?? 'start';
    const own = this.ownCounters(who);
    const shared = this.sharedCounters(who);
    const keys = breakerKeys(who.phone, who.country);
    const open = await this.breaker.check(keys, now);
    // The lock in the take's own step where the store can; on its own first otherwise (and when
    // the breaker is open, so that a locked number is told so, as it would be before the breaker).
    const lock = who.checkLock ? { key: failureKey(who.phone), policy: this.policy } : undefined;
    if (lock && (open || !this.store.takeUnlessLocked)) await this.assertNotLocked(who.phone, step);

    let pressure: { reason: RefusalReason; retryAfterMs: number };
    if (open) {
      pressure = { reason: 'breaker', retryAfterMs: open.retryAfterMs };
    } else {
      const all = [...own, ...shared];
      const result = await this.take(all, now, lock);
      if ('lockedForMs' in result) {
        this.events.emit({ type: 'refused', step, reason: 'locked' });
        throw errors.numberLocked(result.lockedForMs);
      }
      if (result.ok) return this.admission(all, keys, who, false);
      const refused = all[result.refused]!;
      if (result.refused < own.length || !challenge) throw this.refuse(refused.reason, result.retryAfterMs, who);
      pressure = { reason: refused.reason, retryAfterMs: result.retryAfterMs };
    }
    if (!challenge) throw this.refuse(pressure.reason, pressure.retryAfterMs, who);
    if (open) {
      // A client over its own limits is refused as such; no challenge would buy it more (reads only).
      const full = await this.firstFull(own, now);
      if (full) throw this.refuse(full.rule.reason, full.retryAfterMs, who);
    }

    const country = who.country === undefined ? {} : { country: who.country };
    if (challenge.token === undefined) {
      this.events.emit({ type: 'challenge', step, outcome: 'asked', reason: pressure.reason, ...country });
      throw errors.challengeRequired();
    }
    if ((await this.verifyChallenge(challenge, challenge.token)) !== true) {
      this.events.emit({ type: 'challenge', step, outcome: 'failed', reason: pressure.reason, ...country });
      throw errors.challengeRequired();
    }
    // A person got through: their own limits and the challenged quota bind; the shared counts still grow.
    const counters = [...own, ...this.rules('challenged', this.challenged, who.ip && ipKey(who.ip)), ...shared.map((c) => ({ ...c, limit: Infinity }))];
    const result = await this.take(counters, now);
    if (!result.ok) throw this.refuse(counters[result.refused]!.reason, result.retryAfterMs, who);
    this.events.emit({ type: 'challenge', step, outcome: 'passed', reason: pressure.reason, ...country });
    return this.admission(counters, keys, who, true);
  }

  /** The application's verdict on a token; its failure (the CAPTCHA service down) fails closed, never a 500. */
  private async verifyChallenge(challenge: SendChallenge, token: string): Promise<boolean> {
    try {
      return await challenge.verify(token);
    } catch (error) {
      if (error instanceof PhoneVerifyError) throw error;
      this.logger.error(`challenge verify failed, refusing (fail closed): ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
      throw errors.busy(error);
    }
  }

  /** Throws `too_many_attempts` while the number is locked by wrong codes. */
  async assertNotLocked(phone: string, step?: SendStep): Promise<void> {
    let state;
    try {
      state = await this.store.failures(failureKey(phone), this.policy, this.clock());
    } catch (error) {
      throw this.storeDown('failure count', error);
    }
    if (state.lockedForMs > 0) {
      if (step) this.events.emit({ type: 'refused', step, reason: 'locked' });
      throw errors.numberLocked(state.lockedForMs);
    }
  }

  /** Wrong codes in a row counted against the number now. */
  async failureCount(phone: string): Promise<number> {
    return (await this.store.failures(failureKey(phone), this.policy, this.clock())).count;
  }

  /**
   * Take one failure from the number's allowance before a code is judged, in one atomic
   * step, refusing (and writing nothing) while the number is locked. Security fix: a read
   * (`assertNotLocked`) then a write after the provider answered let parallel guesses on
   * several verifications of one number all pass the read. Returns the release to call
   * when the try turns out not to be a wrong code (right, expired, not judged).
   */
  async reserveFailure(phone: string): Promise<FailureHold> {
    const key = failureKey(phone);
    let reservation;
    try {
      reservation = await this.store.reserveFailure(key, this.policy, this.clock());
    } catch (error) {
      throw this.storeDown('failure count', error);
    }
    // Tries during the lock do not grow the count (Keycloak KEYCLOAK-5420).
    if (!reservation.ok) throw errors.numberLocked(reservation.retryAfterMs);
    const release = (async (): Promise<void> => {
      try {
        await this.store.releaseFailure(key, this.clock());
      } catch (error) {
        // Keeping a failure counted errs on the safe side; say so and carry on.
        this.logger.warn(`could not give back a failure count: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
      }
    }) as FailureHold;
    release.kept = () => {
      if (reservation.lockedForMs > 0) this.events.emit({ type: 'lock', failures: reservation.count, wait: seconds(reservation.lockedForMs) });
    };
    return release;
  }

  /** A sign-in: earlier failures no longer count (NIST 800-63B-4 §3.2.2). */
  async clearFailures(phone: string): Promise<void> {
    try {
      await this.store.clearFailures(failureKey(phone));
    } catch (error) {
      // Failing to forget failures only errs on the safe side; say so and carry on.
      this.logger.warn(`could not reset the failure count: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
    }
  }

  /**
   * A sign-in for `phone`: its failures are cleared and the breaker counts a verified send under
   * `breakerKeys`, in one store step where the store can (one Redis script, not two). Best effort,
   * like each of the two: a failure is logged, not thrown.
   */
  async signedIn(phone: string, breakerKeys: readonly string[]): Promise<void> {
    const tallies = this.breaker.counters('verified', breakerKeys);
    // No tallies: the breaker is off, and clearing the failures is all there is to do.
    if (tallies.length === 0) return this.clearFailures(phone);
    // One step only where the breaker counts in this very store (it does when the options built both).
    if (this.breaker.store !== this.store || !this.store.clearFailuresAndCount) {
      await Promise.all([this.clearFailures(phone), this.breaker.recordVerified(breakerKeys)]);
      return;
    }
    try {
      await this.store.clearFailuresAndCount(failureKey(phone), tallies, this.clock());
    } catch (error) {
      // Failing to forget failures only errs on the safe side, and a lost tally only makes the breaker stricter.
      this.logger.warn(`could not reset the failure count or count the sign-in for the breaker: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
    }
  }

  /** The first of these counters that is full, read without writing. */
  private async firstFull(counters: Rule[], now: number): Promise<{ rule: Rule; retryAfterMs: number } | undefined> {
    let states;
    try {
      states = await this.store.read(
        counters.map((c) => c.key),
        now,
      );
    } catch (error) {
      throw this.storeDown('send limit', error);
    }
    for (let i = 0; i < counters.length; i++) {
      const state = states[i];
      if (state && state.count >= counters[i]!.limit) return { rule: counters[i]!, retryAfterMs: state.resetAt - now };
    }
    return undefined;
  }

  /** The client's own counters, cheapest refusal first: its sends to this number, then its network's. */
  private ownCounters(who: SendKeys): Rule[] {
    if (!who.ip) return [];
    const network = ipKey(who.ip);
    return [...this.rules('per_phone_client', this.perPhoneClient, `${network}|${who.phone}`), ...this.rules('per_ip', this.perIp, network)];
  }

  /** Counters others share: the number's total, its range, the world. */
  private sharedCounters(who: SendKeys): Rule[] {
    return [
      ...this.rules('per_phone', this.perPhone, who.phone),
      ...this.rules('per_prefix', this.perPrefix, phonePrefix(who.phone)),
      ...this.rules('global', this.global, 'all'),
    ];
  }

  private rules(reason: RefusalReason, rules: LimitRule[], subject: string | undefined): Rule[] {
    if (subject === undefined || subject === '') return [];
    return rules.map((rule, i) => ({ key: `send:${reason}:${i}:${subject}`, limit: rule.points, windowMs: rule.duration * 1000, reason }));
  }

  private take(counters: Rule[], now: number): Promise<TakeResult>;
  private take(counters: Rule[], now: number, lock: LockCheck | undefined): Promise<TakeResult | LockedTake>;
  private async take(counters: Rule[], now: number, lock?: LockCheck): Promise<TakeResult | LockedTake> {
    try {
      return lock && this.store.takeUnlessLocked ? await this.store.takeUnlessLocked(lock, counters, now) : await this.store.take(counters, now);
    } catch (error) {
      throw this.storeDown('send limit', error);
    }
  }

  private admission(counters: Rule[], keys: string[], who: SendKeys, challenged: boolean): SendAdmission {
    let settled = false;
    return {
      refund: async ({ chargeNetwork = false }: RefundOptions = {}) => {
        if (settled) return;
        settled = true;
        const given = chargeNetwork ? counters.filter((c) => !NETWORK_QUOTAS.has(c.reason)) : counters;
        try {
          await this.store.give(given, this.clock());
        } catch (error) {
          this.logger.warn(`could not give back a send count: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
        }
      },
      sent: async () => {
        if (settled) return;
        settled = true;
        await this.breaker.recordSend(keys);
        this.events.emit({ type: 'send', step: who.step ?? 'start', challenged, ...(who.country === undefined ? {} : { country: who.country }) });
      },
    };
  }

  private refuse(reason: RefusalReason, retryAfterMs: number, who: SendKeys): PhoneVerifyError {
    this.events.emit({ type: 'refused', step: who.step ?? 'start', reason, ...(who.country === undefined ? {} : { country: who.country }) });
    return reason === 'breaker' ? errors.breakerOpen(retryAfterMs) : errors.rateLimited(retryAfterMs);
  }

  private storeDown(what: string, error: unknown): PhoneVerifyError {
    // Masked (security fix): a store's error can name the key, which is the full number.
    this.logger.error(`${what} store unreachable, refusing (fail closed): ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
    return errors.busy(error);
  }
}

const failureKey = (phone: string): string => `failures:${phone}`;

/** The counters that are the asking network's alone (not the number's, its range's or the world's). */
const NETWORK_QUOTAS: ReadonlySet<RefusalReason> = new Set<RefusalReason>(['per_ip', 'challenged']);
