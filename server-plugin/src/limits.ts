// server-plugin/src/limits.ts
// How often codes may be sent and guessed, counted outside the session (clearing
// cookies resets nothing) by rate-limiter-flexible, in memory or in Redis.

import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { errors, PhoneVerifyConfigError, type PhoneVerifyError } from './errors.js';
import type { Logger } from './logger.js';
import { maskPhonesIn } from './phone.js';

/** At most `points` events per `duration` seconds. */
export interface LimitRule {
  points: number;
  duration: number;
}

export interface LimitsOptions {
  /** Sends to one number. Default 3 per 10 minutes and 5 per hour (Twilio 60203, Telnyx guide). */
  perPhone?: LimitRule[];
  /** Sends asked for by one client IP (IPv6 by /56). Default 10 per hour. */
  perIp?: LimitRule[];
  /** Sends to one number range: the number without its last 4 digits. Default 30 per hour. */
  perPrefix?: LimitRule[];
  /** Sends in all, a ceiling on what an attack can cost. Default 1000 per hour. */
  global?: LimitRule[];
  /**
   * Wrong codes in a row for one number, across verifications; a new code does not
   * reset it, a sign-in does (NIST 800-63B-4 §3.2.2). Default 100 per 24 hours.
   */
  failures?: LimitRule;
  /**
   * Makes the limiters. Default: in memory (one process). For several processes pass
   * one backed by Redis: `(o) => new RateLimiterRedis({ storeClient, ...o })`.
   */
  createLimiter?: (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;
}

interface Rule {
  limiter: RateLimiterAbstract;
  /** What is counted, for the log. */
  scope: string;
  key: (who: SendKeys) => string | undefined;
}

export interface SendKeys {
  /** E.164 */
  phone: string;
  /** The client's address as Express saw it (mind `trust proxy`). */
  ip?: string;
}

const DEFAULTS = {
  perPhone: [
    { points: 3, duration: 600 },
    { points: 5, duration: 3600 },
  ],
  perIp: [{ points: 10, duration: 3600 }],
  perPrefix: [{ points: 30, duration: 3600 }],
  global: [{ points: 1000, duration: 3600 }],
  failures: { points: 100, duration: 86_400 },
} satisfies Required<Omit<LimitsOptions, 'createLimiter'>>;

/**
 * The key for an IP: IPv4 as is, IPv6 by its /56 network, since one subscriber
 * usually holds a whole /56 or /64 (the express-rate-limit default).
 */
export function ipKey(ip: string): string {
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...headParts, ...Array<string>(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
    : headParts;
  const hextets = groups.map((g) => parseInt(g, 16) || 0);
  // 56 bits: three whole groups and the high byte of the fourth.
  return `${hextets.slice(0, 3).map((h) => h.toString(16)).join(':')}:${(hextets[3]! & 0xff00).toString(16)}::/56`;
}

/** The number's range: E.164 without its last four digits. */
export function phonePrefix(phone: string): string {
  return phone.slice(0, -4);
}

function checkRules(name: string, rules: LimitRule[]): LimitRule[] {
  for (const rule of rules) {
    if (!Number.isInteger(rule.points) || rule.points < 1 || !Number.isInteger(rule.duration) || rule.duration < 1) {
      throw new PhoneVerifyConfigError('ERR_PV_LIMITS', `limits.${name} needs whole numbers: { points ≥ 1, duration (seconds) ≥ 1 }`);
    }
  }
  return rules;
}


/** Send limits and the failure lock. Every limiter failure fails closed: an open SMS endpoint costs money. */
export class Limits {
  private readonly sendRules: Rule[];
  private readonly failures: RateLimiterAbstract;
  private readonly maxFailures: number;
  private readonly logger: Logger;

  constructor(options: LimitsOptions = {}, logger: Logger) {
    const create = options.createLimiter ?? ((o) => new RateLimiterMemory(o));
    this.logger = logger;
    const rules = (name: keyof typeof DEFAULTS & keyof LimitsOptions, scope: string, key: Rule['key']): Rule[] =>
      checkRules(name, (options[name] as LimitRule[] | undefined) ?? (DEFAULTS[name] as LimitRule[])).map((rule, i) => ({
        limiter: create({ keyPrefix: `pv:send:${name}:${i}`, points: rule.points, duration: rule.duration }),
        scope,
        key,
      }));
    // Cheapest refusals first: a number that is over its own limit never touches the shared ones.
    this.sendRules = [
      ...rules('perPhone', 'this number', (k) => k.phone),
      ...rules('perIp', 'this network', (k) => (k.ip ? ipKey(k.ip) : undefined)),
      ...rules('perPrefix', 'this number range', (k) => phonePrefix(k.phone)),
      ...rules('global', 'all numbers', () => 'all'),
    ];
    const failures = checkRules('failures', [options.failures ?? DEFAULTS.failures])[0]!;
    this.maxFailures = failures.points;
    this.failures = create({ keyPrefix: 'pv:failures', points: failures.points, duration: failures.duration });
  }

  /**
   * Count one send against every rule, or throw `rate_limited` with the wait. A refused
   * send gives back what it took from the rules before the one that refused it. Returns
   * the refund to call if the send then fails at the provider.
   */
  async consumeSend(keys: SendKeys): Promise<() => Promise<void>> {
    const taken: Array<{ limiter: RateLimiterAbstract; key: string }> = [];
    for (const rule of this.sendRules) {
      const key = rule.key(keys);
      if (key === undefined) continue;
      try {
        await rule.limiter.consume(key);
        taken.push({ limiter: rule.limiter, key });
      } catch (rejection) {
        await Promise.allSettled(taken.map((t) => t.limiter.reward(t.key)));
        if (rejection instanceof RateLimiterRes) {
          throw errors.rateLimited(rejection.msBeforeNext);
        }
        throw this.storeDown('send limit', rejection);
      }
    }
    return async () => {
      await Promise.allSettled(taken.map((t) => t.limiter.reward(t.key)));
    };
  }

  /** Throws `too_many_attempts` while the number is locked by wrong codes. */
  async assertNotLocked(phone: string): Promise<void> {
    let state: RateLimiterRes | null;
    try {
      state = await this.failures.get(phone);
    } catch (error) {
      throw this.storeDown('failure count', error);
    }
    if (state && state.consumedPoints >= this.maxFailures) {
      throw errors.numberLocked(state.msBeforeNext);
    }
  }

  /**
   * Take one failure from the number's allowance before a code is judged, in one atomic
   * step, and refuse (giving it back) if that passes the lock. Security fix: a read
   * (`assertNotLocked`) then a write after the provider answered let parallel guesses on
   * several verifications of one number all pass the read, so more than `failures.points`
   * wrong codes could be judged. Returns the release to call when the try turns out not
   * to be a wrong code (right, expired, not judged).
   */
  async reserveFailure(phone: string): Promise<() => Promise<void>> {
    let state: RateLimiterRes;
    try {
      state = await this.failures.penalty(phone, 1);
    } catch (error) {
      throw this.storeDown('failure count', error);
    }
    const release = async (): Promise<void> => {
      try {
        await this.failures.reward(phone, 1);
      } catch (error) {
        // Keeping a failure counted errs on the safe side; say so and carry on.
        this.logger.warn(`could not give back a failure count: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
      }
    };
    if (state.consumedPoints > this.maxFailures) {
      // Tries during the lock do not grow the count.
      await release();
      throw errors.numberLocked(state.msBeforeNext);
    }
    return release;
  }

  /** A sign-in: earlier failures no longer count (NIST 800-63B-4 §3.2.2). */
  async clearFailures(phone: string): Promise<void> {
    try {
      await this.failures.delete(phone);
    } catch (error) {
      // Failing to forget failures only errs on the safe side; say so and carry on.
      this.logger.warn(`could not reset the failure count: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
    }
  }

  private storeDown(what: string, error: unknown): PhoneVerifyError {
    // Masked (security fix): a store's error can name the key, which is the full number.
    this.logger.error(`${what} store unreachable, refusing (fail closed): ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
    return errors.busy(error);
  }
}
