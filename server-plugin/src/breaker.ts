// server-plugin/src/breaker.ts
// SMS pumping sends many codes that nobody enters. This breaker watches, per country
// and per number range, how many sends end in a sign-in, and stops sending there
// when that share collapses (Telnyx fraud guide: healthy 60–80 %, under 20 % suggests attack).

import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { errors, PhoneVerifyConfigError } from './errors.js';
import type { Logger } from './logger.js';
import { maskPhonesIn } from './phone.js';

export interface BreakerOptions {
  /**
   * Sends seen in a window before the breaker judges at all. Default 100: sends come
   * a minute or so before their sign-ins, so a smaller sample trips on honest bursts.
   */
  minSends?: number;
  /** Below this share of sends ending in a sign-in, the breaker opens. Default 0.2. */
  minConversion?: number;
  /** Seconds in a window; an open breaker closes when its window ends. Default 3600. */
  window?: number;
  /** Set `false` to turn the breaker off. */
  enabled?: boolean;
}

type CreateLimiter = (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;

/** What the breaker counts a send under: the country, and the number range. */
export function breakerKeys(phone: string, country: string | undefined): string[] {
  return [`country:${country ?? 'none'}`, `range:${phone.slice(0, -4)}`];
}

export class ConversionBreaker {
  private readonly sent: RateLimiterAbstract;
  private readonly verified: RateLimiterAbstract;
  private readonly minSends: number;
  private readonly minConversion: number;
  private readonly enabled: boolean;
  private readonly logger: Logger;
  /** Keys already reported open, so the log says it once per window rather than once per request. */
  private readonly reported = new Map<string, number>();

  constructor(options: BreakerOptions = {}, logger: Logger, createLimiter?: CreateLimiter) {
    const create = createLimiter ?? ((o) => new RateLimiterMemory(o));
    const window = options.window ?? 3600;
    this.minSends = options.minSends ?? 100;
    this.minConversion = options.minConversion ?? 0.2;
    if (!(this.minConversion >= 0 && this.minConversion <= 1) || !(this.minSends >= 1) || !(window >= 1)) {
      throw new PhoneVerifyConfigError('ERR_PV_BREAKER', 'breaker needs minSends ≥ 1, minConversion from 0 to 1 and window ≥ 1 second');
    }
    this.enabled = options.enabled !== false;
    this.logger = logger;
    // Used as counters: points is a ceiling no window reaches.
    this.sent = create({ keyPrefix: 'pv:breaker:sent', points: Number.MAX_SAFE_INTEGER, duration: window });
    this.verified = create({ keyPrefix: 'pv:breaker:verified', points: Number.MAX_SAFE_INTEGER, duration: window });
  }

  /** Throws `rate_limited` if sends under any of these keys are paused. */
  async assertClosed(keys: readonly string[], now: number): Promise<void> {
    if (!this.enabled) return;
    for (const key of keys) {
      let sent, verified;
      try {
        [sent, verified] = await Promise.all([this.sent.get(key), this.verified.get(key)]);
      } catch (error) {
        // Masked (security fix): a store's error can name the key, which holds a number range.
        this.logger.error(`breaker store unreachable, refusing (fail closed): ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
        throw errors.busy(error);
      }
      const sends = sent?.consumedPoints ?? 0;
      if (sends < this.minSends) continue;
      const conversion = (verified?.consumedPoints ?? 0) / sends;
      if (conversion >= this.minConversion) continue;
      const retryAfterMs = sent!.msBeforeNext;
      if ((this.reported.get(key) ?? 0) < now) {
        // Forget windows that have ended, so an attack across many ranges cannot grow this map for ever.
        if (this.reported.size >= 1000) for (const [k, until] of this.reported) if (until < now) this.reported.delete(k);
        this.reported.set(key, now + retryAfterMs);
        this.logger.warn(
          `breaker open for ${key}: ${Math.round(conversion * 100)} % of ${sends} sends signed in; sends there pause for ${Math.ceil(retryAfterMs / 60_000)} min (possible SMS pumping)`,
        );
      }
      throw errors.breakerOpen(retryAfterMs);
    }
  }

  /** Count a send. Best effort: a lost count must not fail a send that already happened. */
  async recordSend(keys: readonly string[]): Promise<void> {
    await this.count(this.sent, keys);
  }

  /** Count a sign-in. Best effort, like `recordSend`. */
  async recordVerified(keys: readonly string[]): Promise<void> {
    await this.count(this.verified, keys);
  }

  private async count(counter: RateLimiterAbstract, keys: readonly string[]): Promise<void> {
    if (!this.enabled) return;
    try {
      await Promise.all(keys.map((key) => counter.penalty(key, 1)));
    } catch (error) {
      this.logger.warn(`breaker could not count: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
    }
  }
}
