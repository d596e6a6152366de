// server-plugin/src/breaker.ts
// SMS pumping sends many codes that nobody enters. This breaker watches, per number
// range and per country, how many sends end in a sign-in, and stops sending there
// when that share collapses (Telnyx fraud guide: healthy 60–80 %, under 20 % suggests attack).

import { errors, PhoneVerifyConfigError } from './errors.js';
import { EventSink } from './events.js';
import { MemoryLimitStore, type Counter, type LimitStore } from './limit-store.js';
import type { Logger } from './logger.js';
import { maskPhonesIn } from './phone.js';

export interface BreakerOptions {
  /**
   * Sends to one country seen in a window before the breaker judges it. Default 100:
   * sends come a minute or so before their sign-ins, so a smaller sample trips on honest bursts.
   */
  minSends?: number;
  /**
   * Sends to one number range (the number minus its last 4 digits) before the breaker
   * judges it. Default 20, or `minSends` if smaller: under the per-range send limit
   * (30 an hour), so a range can be paused before its whole country is.
   */
  minRangeSends?: number;
  /** Below this share of sends ending in a sign-in, the breaker opens. Default 0.2. */
  minConversion?: number;
  /** Seconds in a window; an open breaker closes when its window ends. Default 3600. */
  window?: number;
  /** Set `false` to turn the breaker off. */
  enabled?: boolean;
}

/** What the breaker counts a send under, narrowest first: the number range, then the country. */
export function breakerKeys(phone: string, country: string | undefined): string[] {
  return [`range:${phone.slice(0, -4)}`, `country:${country ?? 'none'}`];
}

/** Where sends are paused: the key, and when its window ends. */
export interface BreakerOpen {
  key: string;
  retryAfterMs: number;
}

export class ConversionBreaker {
  /** Where its tallies live: the limits' own store when built by the options. */
  readonly store: LimitStore;
  private readonly windowMs: number;
  private readonly minSends: number;
  private readonly minRangeSends: number;
  private readonly minConversion: number;
  private readonly enabled: boolean;
  private readonly logger: Logger;
  private readonly events: EventSink;
  /** Keys seen open, until their window ends: the log and the events say it once per window, and tell when it closes. */
  private readonly reported = new Map<string, number>();

  private readonly clock: () => number;

  constructor(options: BreakerOptions = {}, logger: Logger, deps: { store?: LimitStore; events?: EventSink; clock?: () => number } = {}) {
    const window = options.window ?? 3600;
    this.minSends = options.minSends ?? 100;
    this.minRangeSends = options.minRangeSends ?? Math.min(20, this.minSends);
    this.minConversion = options.minConversion ?? 0.2;
    if (!(this.minConversion >= 0 && this.minConversion <= 1) || !(this.minSends >= 1) || !(this.minRangeSends >= 1) || !(window >= 1)) {
      throw new PhoneVerifyConfigError('ERR_PV_BREAKER', 'breaker needs minSends and minRangeSends ≥ 1, minConversion from 0 to 1 and window ≥ 1 second');
    }
    this.enabled = options.enabled !== false;
    this.windowMs = window * 1000;
    this.store = deps.store ?? new MemoryLimitStore();
    this.logger = logger;
    this.events = deps.events ?? new EventSink(undefined, logger);
    this.clock = deps.clock ?? Date.now;
  }

  /** The first of these keys where sends are paused, or undefined. Reads only; a store failure fails closed. */
  async check(keys: readonly string[], now: number): Promise<BreakerOpen | undefined> {
    if (!this.enabled) return undefined;
    let states;
    try {
      states = await this.store.read([...keys.map((k) => `breaker:sent:${k}`), ...keys.map((k) => `breaker:verified:${k}`)], now);
    } catch (error) {
      // Masked (security fix): a store's error can name the key, which holds a number range.
      this.logger.error(`breaker store unreachable, refusing (fail closed): ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
      throw errors.busy(error);
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const sent = states[i];
      const sends = sent?.count ?? 0;
      const conversion = sends === 0 ? 1 : (states[keys.length + i]?.count ?? 0) / sends;
      const open = sends >= (key.startsWith('range:') ? this.minRangeSends : this.minSends) && conversion < this.minConversion;
      const until = this.reported.get(key);
      if (!open) {
        if (until !== undefined) {
          this.reported.delete(key);
          this.events.emit({ type: 'breaker', state: 'closed', ...scoped(key), conversion, sends });
        }
        continue;
      }
      const retryAfterMs = sent!.resetAt - now;
      if (until === undefined || until <= now) {
        // Forget windows that have ended, so an attack across many ranges cannot grow this map for ever.
        if (this.reported.size >= 1000) for (const [k, end] of this.reported) if (end <= now) this.reported.delete(k);
        this.reported.set(key, sent!.resetAt);
        this.logger.warn(
          `breaker open for ${key}: ${Math.round(conversion * 100)} % of ${sends} sends signed in; sends there pause for ${Math.ceil(retryAfterMs / 60_000)} min (possible SMS pumping)`,
        );
        this.events.emit({ type: 'breaker', state: 'open', ...scoped(key), conversion, sends });
      }
      return { key, retryAfterMs };
    }
    return undefined;
  }

  /** Throws `rate_limited` if sends under any of these keys are paused. */
  async assertClosed(keys: readonly string[], now: number): Promise<void> {
    const open = await this.check(keys, now);
    if (open) throw errors.breakerOpen(open.retryAfterMs);
  }

  /** Count a send. Best effort: a lost count must not fail a send that already happened. */
  async recordSend(keys: readonly string[]): Promise<void> {
    await this.count('sent', keys, this.clock());
  }

  /** Count a sign-in. Best effort, like `recordSend`. */
  async recordVerified(keys: readonly string[]): Promise<void> {
    await this.count('verified', keys, this.clock());
  }

  /** The tallies a send or a sign-in adds one to under these keys (none while the breaker is off); they never refuse. */
  counters(what: 'sent' | 'verified', keys: readonly string[]): Counter[] {
    if (!this.enabled) return [];
    return keys.map((k) => ({ key: `breaker:${what}:${k}`, limit: Infinity, windowMs: this.windowMs }));
  }

  private async count(what: 'sent' | 'verified', keys: readonly string[], now: number): Promise<void> {
    if (!this.enabled) return;
    const counters = this.counters(what, keys);
    try {
      await this.store.take(counters, now);
    } catch (error) {
      this.logger.warn(`breaker could not count: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
    }
  }
}

function scoped(key: string): { scope: 'country' | 'range'; key: string } {
  const [scope, ...rest] = key.split(':');
  return { scope: scope === 'range' ? 'range' : 'country', key: rest.join(':') };
}
