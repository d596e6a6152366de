// server-plugin/src/options.ts
// Every option, its default and its limits, read once at construction. Mistakes
// that would weaken security throw a PhoneVerifyConfigError at start-up.

import { ConversionBreaker, type BreakerOptions } from './breaker.js';
import { PhoneVerifyConfigError } from './errors.js';
import { EventSink, type EventHandler } from './events.js';
import { MemoryLimitStore } from './limit-store.js';
import { Limits, type LimitsOptions } from './limits.js';
import { consoleLogger, type Logger } from './logger.js';
import { isKnownCountry, type NumberType } from './phone.js';
import type { PhoneProofOptions } from './proof.js';
import type { Channel } from './protocol.js';
import { MemoryStore, type VerificationStore } from './store.js';
import type { VerifyProvider } from './providers/types.js';

export interface PhoneVerifyOptions {
  /** Who sends and checks codes: `localProvider({ sender })` or a provider adapter. */
  provider: VerifyProvider;
  /**
   * Countries whose numbers may receive codes (ISO 3166-1 alpha-2), or `'*'` for
   * all. Required: sending anywhere is the main way SMS-pumping fraud costs money.
   */
  allowedCountries: readonly string[] | '*';
  /** Country used to read national numbers when the widget does not say. */
  defaultCountry?: string;
  /**
   * Kinds of line codes may go to (libphonenumber-js number types). Default
   * `['MOBILE', 'FIXED_LINE_OR_MOBILE']`: premium-rate, shared-cost, toll-free, pager,
   * VoIP and fixed lines are refused (toll fraud). Add `'FIXED_LINE'` for voice-call users.
   */
  allowedNumberTypes?: readonly NumberType[];
  /** Send limits and the failure lock: per number, per client network, per number range, in all. */
  limits?: LimitsOptions;
  /** The conversion circuit breaker against SMS pumping. */
  breaker?: BreakerOptions;
  /** Told of every send, refusal, challenge, lock, breaker change and provider failure (see `PhoneVerifyEvent`). */
  onEvent?: EventHandler;
  /** Where pending verifications live. Default: a `MemoryStore` (one process only). */
  store?: VerificationStore | undefined;
  /** Digits per code, 6–10. Default 6 (NIST 800-63B-4 §3.1.3.2: at least 6). */
  codeLength?: number;
  /** Seconds a code stays valid, 60–600. Default 300 (NIST: at most 10 minutes). */
  ttl?: number;
  /** Wrong codes allowed per verification, 1–5; after that even the right code is refused. Default 5. */
  maxAttempts?: number;
  /** Seconds between sends of one verification. Default 30. */
  resendAfter?: number;
  /** Sends per verification, the first included, 1–5. Default 3. */
  maxSends?: number;
  /** Seconds a provider call may take before the request fails with provider_unavailable. Default 15. */
  providerTimeout?: number;
  /** Where log lines go. Default: the console, prefixed `[phone-verify]`. */
  logger?: Logger;
  /** Milliseconds since the epoch. For tests. */
  clock?: () => number;
  /**
   * The strategy's name in Passport: `passport.use(strategy)` registers it under this
   * name. Default `'phone-verify'`. Give a second strategy another name; each router
   * authenticates with its own strategy object, whatever name it is registered under.
   */
  name?: string;
  /** Like passport-local: `verify(req, phone, done)` instead of `verify(phone, done)`. Default `false`. */
  passReqToCallback?: boolean;
  /**
   * When someone is signed in and a sign-in proves the number of a different user:
   * `'refuse'` (default) answers 409 `already_signed_in` and keeps who is signed in;
   * `'switch'` signs the other user in.
   */
  whenSignedIn?: 'refuse' | 'switch';
  /** Whether two user objects are the same account. Default: the same object, or equal `id`s. */
  sameUser?: (a: unknown, b: unknown) => boolean;
  /** Phone proofs for the `verify` intent: signing key, audience, minutes. Without it, `verify` is refused. */
  proof?: PhoneProofOptions;
}

/** Every key `PhoneVerifyOptions` has: anything else is a typo we refuse at start-up. */
const OPTION_KEYS = [
  'provider',
  'allowedCountries',
  'defaultCountry',
  'allowedNumberTypes',
  'limits',
  'breaker',
  'store',
  'codeLength',
  'ttl',
  'maxAttempts',
  'resendAfter',
  'maxSends',
  'providerTimeout',
  'logger',
  'clock',
  'onEvent',
  'name',
  'passReqToCallback',
  'whenSignedIn',
  'sameUser',
  'proof',
] as const satisfies readonly (keyof PhoneVerifyOptions)[];

const LIMIT_KEYS = [
  'perPhone',
  'perPhoneClient',
  'perIp',
  'perPrefix',
  'global',
  'challenged',
  'failures',
  'store',
] as const satisfies readonly (keyof LimitsOptions)[];
const BREAKER_KEYS = ['minSends', 'minRangeSends', 'minConversion', 'window', 'enabled'] as const satisfies readonly (keyof BreakerOptions)[];

/** Edit distance (Levenshtein), for the "did you mean" hint. Option names are short, so the plain table is fine. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known key closest to a mistyped one, if it is close enough to be a typo. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Refuses keys an options object does not have (express-rate-limit's `validations`
 * idea, made strict): a misspelt `ttL` or `successRedirct` would otherwise fall back to
 * the default silently. `ERR_PV_UNKNOWN_OPTION`, with the nearest real name.
 */
export function checkOptionKeys(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = closest(key, known);
    throw new PhoneVerifyConfigError(
      'ERR_PV_UNKNOWN_OPTION',
      `${where} has no option "${key}"${hint ? `; did you mean "${hint}"?` : `; the options are ${known.join(', ')}`}`,
    );
  }
}

/** The options after defaults and checks: what the rest of the plugin reads. */
export interface Settings {
  provider: VerifyProvider;
  /** Upper-case ISO codes, or `'*'`. */
  allowedCountries: ReadonlySet<string> | '*';
  defaultCountry?: string;
  allowedNumberTypes: ReadonlySet<NumberType>;
  limits: Limits;
  breaker: ConversionBreaker;
  events: EventSink;
  store: VerificationStore;
  codeLength: number;
  ttlMs: number;
  maxAttempts: number;
  resendAfterMs: number;
  maxSends: number;
  channels: readonly Channel[];
  providerTimeoutMs: number;
  logger: Logger;
  clock: () => number;
}

function integerIn(name: string, value: number | undefined, fallback: number, min: number, max: number, code: `ERR_PV_${string}`, why: string): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min || chosen > max) {
    throw new PhoneVerifyConfigError(code, `${name} must be a whole number from ${min} to ${max}, got ${String(value)}: ${why}`);
  }
  return chosen;
}

function readCountry(country: string, option: string): string {
  const upper = country.toUpperCase();
  if (!isKnownCountry(upper)) {
    throw new PhoneVerifyConfigError('ERR_PV_COUNTRY', `${option} has "${country}", which is not an ISO 3166-1 alpha-2 country code`);
  }
  return upper;
}

export function parseOptions(options: PhoneVerifyOptions): Settings {
  if (!options || typeof options !== 'object') {
    throw new PhoneVerifyConfigError('ERR_PV_OPTIONS', 'phone-verify needs an options object');
  }
  checkOptionKeys('PhoneVerifyStrategy', options, OPTION_KEYS);
  if (options.limits) checkOptionKeys('options.limits', options.limits, LIMIT_KEYS);
  if (options.breaker) checkOptionKeys('options.breaker', options.breaker, BREAKER_KEYS);
  const { provider } = options;
  if (!provider || typeof provider.start !== 'function' || typeof provider.check !== 'function') {
    throw new PhoneVerifyConfigError('ERR_PV_PROVIDER', 'options.provider must be a VerifyProvider, e.g. localProvider({ sender })');
  }
  if (provider.channels.length === 0) {
    throw new PhoneVerifyConfigError('ERR_PV_PROVIDER', `provider "${provider.name}" offers no channel`);
  }

  const { allowedCountries } = options;
  if (allowedCountries !== '*' && (!Array.isArray(allowedCountries) || allowedCountries.length === 0)) {
    throw new PhoneVerifyConfigError(
      'ERR_PV_NO_COUNTRIES',
      "options.allowedCountries must list the countries you send codes to (e.g. ['GB', 'IE']), or be '*' to allow every country",
    );
  }

  const codeLength = integerIn('codeLength', options.codeLength, 6, 6, 10, 'ERR_PV_CODE_LENGTH', 'NIST 800-63B-4 asks for at least 6 digits');
  if (!provider.codeLengths.includes(codeLength)) {
    throw new PhoneVerifyConfigError(
      'ERR_PV_CODE_LENGTH',
      `provider "${provider.name}" sends codes of ${provider.codeLengths.join(' or ')} digits, not ${codeLength}`,
    );
  }

  const maxAttempts = integerIn(
    'maxAttempts',
    options.maxAttempts,
    5,
    1,
    5,
    'ERR_PV_MAX_ATTEMPTS',
    'more than 5 wrong codes per verification makes guessing practical',
  );
  if (provider.maxAttempts !== undefined && maxAttempts > provider.maxAttempts) {
    throw new PhoneVerifyConfigError(
      'ERR_PV_MAX_ATTEMPTS',
      `provider "${provider.name}" ends a verification after ${provider.maxAttempts} wrong codes; set maxAttempts to ${provider.maxAttempts} or less`,
    );
  }
  const ttl = integerIn('ttl', options.ttl, 300, 60, 600, 'ERR_PV_TTL', 'a code must live long enough to type and at most 10 minutes');
  if (provider.maxTtlSeconds !== undefined && ttl > provider.maxTtlSeconds) {
    throw new PhoneVerifyConfigError(
      'ERR_PV_TTL',
      `provider "${provider.name}" keeps codes for at most ${provider.maxTtlSeconds} s; set ttl to ${provider.maxTtlSeconds} or less`,
    );
  }

  const logger = options.logger ?? consoleLogger;
  if (!options.store && process.env.NODE_ENV === 'production') {
    logger.warn(
      'the default MemoryStore keeps verifications in this process only: with several processes, or a restart, sign-ins in progress fail. Pass a shared store (ERR_PV_MEMORY_STORE)',
    );
  }
  const clock = options.clock ?? Date.now;
  const events = new EventSink(options.onEvent, logger);
  const limitStore = options.limits?.store ?? new MemoryLimitStore();
  const breaker = new ConversionBreaker(options.breaker, logger, { store: limitStore, events, clock });
  const settings: Settings = {
    provider,
    allowedNumberTypes: new Set(options.allowedNumberTypes ?? ['MOBILE', 'FIXED_LINE_OR_MOBILE']),
    limits: new Limits({ ...options.limits, store: limitStore }, logger, { clock, breaker, events }),
    breaker,
    events,
    allowedCountries: allowedCountries === '*' ? '*' : new Set(allowedCountries.map((c) => readCountry(c, 'allowedCountries'))),
    store: options.store ?? new MemoryStore(options.clock ? { clock: options.clock } : {}),
    codeLength,
    ttlMs: 1000 * ttl,
    maxAttempts,
    resendAfterMs: 1000 * integerIn('resendAfter', options.resendAfter, 30, 0, 600, 'ERR_PV_RESEND_AFTER', 'seconds between sends'),
    maxSends: integerIn('maxSends', options.maxSends, 3, 1, 5, 'ERR_PV_MAX_SENDS', 'every send costs money and is a pumping target'),
    channels: provider.channels,
    providerTimeoutMs: 1000 * integerIn('providerTimeout', options.providerTimeout, 15, 1, 120, 'ERR_PV_TIMEOUT', 'seconds a provider call may take'),
    logger,
    clock,
  };
  if (options.defaultCountry !== undefined) settings.defaultCountry = readCountry(options.defaultCountry, 'defaultCountry');
  return settings;
}
