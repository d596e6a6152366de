// server-plugin/src/service.ts
// The verification lifecycle and its limits: who may be sent a code, how often, how
// many guesses, and when a code dies. Knows nothing of HTTP or sessions.

import { randomBytes } from 'node:crypto';
import { breakerKeys } from './breaker.js';
import { PhoneVerifyError } from './errors.js';
import { parseOptions, type PhoneVerifyOptions, type Settings } from './options.js';
import { assertSendable, countryOf, countryOptions, maskPhone, maskPhonesIn, parsePhone } from './phone.js';
import type { Channel, ConfigResponse, StartResponse } from './protocol.js';
import type { PendingVerification, StartRequest, Started } from './providers/types.js';
import { failClosedStore, type Verification, type VerificationStore } from './store.js';

export interface StartInput {
  phone: string;
  country?: string;
  channel?: Channel;
  locale?: string;
}

export interface ResendInput {
  channel?: Channel;
  locale?: string;
}

/** Who is asking for a send: what the HTTP layer knows and the service cannot. */
export interface SendContext {
  /** The client's IP as Express saw it (mind `trust proxy`), for the per-network limit. */
  ip?: string;
  /**
   * The application's last word before money is spent (a CAPTCHA or bot score): throw a
   * PhoneVerifyError, or return false to refuse with `forbidden`. Called for new numbers only.
   */
  beforeSend?: (phone: string) => unknown;
}

type ProviderCall = 'start' | 'resend' | 'check' | 'cancel';

/** What the user reads when a provider call fails for a reason of the provider's. */
const FAILED: Readonly<Record<ProviderCall, string>> = {
  start: 'The code could not be sent; try again shortly.',
  resend: 'The code could not be sent; try again shortly.',
  check: 'The code could not be checked; try again shortly.',
  cancel: 'The verification could not be canceled.',
};

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

export class VerificationService {
  readonly settings: Settings;
  /** The configured store, failing closed. */
  private readonly store: VerificationStore;

  constructor(options: PhoneVerifyOptions) {
    this.settings = parseOptions(options);
    this.store = failClosedStore(this.settings.store, this.settings.logger);
  }

  /** What `GET /config` answers: fixed by the options, so worked out once. */
  describe(): ConfigResponse {
    this.config ??= this.buildConfig();
    return this.config;
  }

  private config: ConfigResponse | undefined;

  private buildConfig(): ConfigResponse {
    const s = this.settings;
    const config: ConfigResponse = {
      channels: [...s.channels],
      codeLength: s.codeLength,
      resendAfter: seconds(s.resendAfterMs),
      expiresIn: seconds(s.ttlMs),
      maxAttempts: s.maxAttempts,
      countries: countryOptions(s.allowedCountries === '*' ? undefined : [...s.allowedCountries]),
    };
    if (s.defaultCountry) config.defaultCountry = s.defaultCountry;
    return config;
  }

  /**
   * Send a code to a new number. Returns the stored verification and the response for
   * the client. The checks run cheapest and surest first, as the Telnyx fraud guide
   * orders them: geography and line type, the application's bot check, the send
   * limits, the conversion breaker, and only then the provider (which costs money).
   */
  async start(input: StartInput, context: SendContext = {}): Promise<{ verification: Verification; response: StartResponse }> {
    const s = this.settings;
    const parsed = parsePhone(input.phone, input.country ?? s.defaultCountry);
    assertSendable(parsed, s.allowedCountries, s.allowedNumberTypes);
    const channel = this.channel(input.channel);
    await s.limits.assertNotLocked(parsed.e164);
    if (context.beforeSend && (await context.beforeSend(parsed.e164)) === false) {
      throw new PhoneVerifyError('forbidden', 'This request was refused; try again later.');
    }
    const keys = breakerKeys(parsed.e164, parsed.country);
    await s.breaker.assertClosed(keys, s.clock());
    const refund = await s.limits.consumeSend({ phone: parsed.e164, ip: context.ip });
    const now = s.clock();
    const verification: Verification = {
      // 128 random bits: never guessable, never taken from a request (the session holds it).
      id: randomBytes(16).toString('base64url'),
      phone: parsed.e164,
      channel,
      provider: s.provider.name,
      state: {},
      createdAt: now,
      expiresAt: now + s.ttlMs,
      lastSentAt: now,
      sends: 1,
      attempts: 0,
    };
    let started: Started;
    try {
      started = await this.callProvider('start', () => s.provider.start(this.request(verification, channel, input.locale)));
    } catch (error) {
      // A send that did not happen must not use up anyone's allowance.
      await refund();
      throw error;
    }
    verification.state = started.state;
    await this.store.create(verification);
    await s.breaker.recordSend(keys);
    return { verification, response: this.pending(verification) };
  }

  /**
   * Send the pending verification again, perhaps on another channel. The attempt count
   * carries over. Most providers send a new code; Twilio resends the same one.
   */
  async resend(id: string, input: ResendInput = {}, context: SendContext = {}): Promise<StartResponse> {
    const s = this.settings;
    const channel = this.channel(input.channel);
    const reservation = await this.store.reserveSend(id, { now: s.clock(), cooldownMs: s.resendAfterMs, maxSends: s.maxSends });
    if (!reservation.ok) {
      if (reservation.reason === 'missing') throw this.gone();
      if (reservation.reason === 'cooldown') {
        throw new PhoneVerifyError('resend_too_soon', 'Wait a little before asking for another code.', { retryAfter: reservation.retryAfterMs / 1000 });
      }
      throw new PhoneVerifyError('rate_limited', 'No more codes can be sent for this verification; start again later.', {
        retryAfter: reservation.retryAfterMs / 1000,
      });
    }
    const reserved = reservation.verification;
    if (reserved.attempts >= s.maxAttempts) {
      // A new code for a verification dead of wrong guesses could never be accepted: don't pay to send it.
      await this.store.releaseSend(id, reservation.release);
      throw this.exhausted();
    }
    const keys = breakerKeys(reserved.phone, countryOf(reserved.phone));
    let started: Started;
    let refund = async (): Promise<void> => {};
    try {
      // NIST 800-63B-4 §3.1.3.2: a new code must not reset the failures; a locked number gets none.
      await s.limits.assertNotLocked(reserved.phone);
      await s.breaker.assertClosed(keys, s.clock());
      refund = await s.limits.consumeSend({ phone: reserved.phone, ip: context.ip });
      const request = this.request(reserved, channel, input.locale);
      const { provider } = s;
      started = await this.callProvider('resend', () =>
        provider.resend ? provider.resend(this.pendingFor(reserved), request) : provider.start(request),
      );
    } catch (error) {
      // A send that did not happen must not use up the user's allowance.
      await this.store.releaseSend(id, reservation.release);
      await refund();
      throw error;
    }
    await this.store.updateDelivery(id, { channel, state: started.state });
    await s.breaker.recordSend(keys);
    return this.pending({ ...reserved, channel });
  }

  /**
   * Check a code. On success the verification is consumed (exactly once, however
   * many requests race) and returned; every other outcome throws a PhoneVerifyError.
   */
  async check(id: string, code: string): Promise<Verification> {
    const s = this.settings;
    const verification = await this.store.get(id);
    if (!verification) throw this.gone();
    // A number locked by wrong codes is refused before its code is looked at, and the lock's count does not grow.
    await s.limits.assertNotLocked(verification.phone);
    // Security fix: the number's failure is reserved atomically before the code is judged (and given
    // back unless the code turns out wrong), so parallel guesses on several verifications of one
    // number cannot all slip past the lock check above.
    const releaseFailure = await s.limits.reserveFailure(verification.phone);
    // Counted before the code is looked at, atomically: of 50 parallel guesses, at most maxAttempts are judged.
    const attempts = await this.store.addAttempt(id).catch(async (error: unknown) => {
      await releaseFailure();
      throw error;
    });
    if (attempts === undefined || attempts > s.maxAttempts) {
      await releaseFailure();
      throw attempts === undefined ? this.gone() : this.exhausted();
    }

    const digits = code.replace(/[\s-]/g, '');
    const wellFormed = digits.length === s.codeLength && /^\d+$/.test(digits);
    let result;
    try {
      result = wellFormed ? await this.callProvider('check', () => s.provider.check(this.pendingFor(verification), digits), digits) : { status: 'wrong' as const };
    } catch (error) {
      // The provider never judged this code: give the attempt (and the number's failure) back.
      await releaseFailure();
      await this.store.addAttempt(id, -1);
      throw error;
    }
    if (result.status !== 'wrong') await releaseFailure();

    switch (result.status) {
      case 'approved': {
        const consumed = await this.store.consume(id);
        // Another request with the same code won the race (NIST §3.2.7: accepted once).
        if (!consumed) throw this.gone();
        await s.limits.clearFailures(consumed.phone);
        await s.breaker.recordVerified(breakerKeys(consumed.phone, countryOf(consumed.phone)));
        return consumed;
      }
      case 'expired':
        await this.store.delete(id);
        throw this.expired();
      case 'exhausted':
        await this.store.delete(id);
        throw this.exhausted();
      case 'wrong': {
        // Counted against the number too, across verifications (NIST 800-63B-4 §3.2.2): the failure reserved above stays.
        const attemptsLeft = s.maxAttempts - attempts;
        if (attemptsLeft <= 0) throw this.exhausted();
        throw new PhoneVerifyError('invalid_code', 'That code is not right.', { attemptsLeft });
      }
    }
  }

  /** The pending verification as `/start` described it, its times as they are now; undefined once it is gone. */
  async describePending(id: string): Promise<StartResponse | undefined> {
    const verification = await this.store.get(id);
    return verification && this.pending(verification);
  }

  /** Drop a pending verification. Safe to call for one that is already gone. */
  async cancel(id: string): Promise<void> {
    const s = this.settings;
    const verification = await this.store.consume(id);
    if (!verification || !s.provider.cancel) return;
    try {
      await this.callProvider('cancel', () => s.provider.cancel!(this.pendingFor(verification)));
    } catch (error) {
      // The verification is gone on our side; the provider's copy expires by itself.
      s.logger.warn(`cancel of ${maskPhone(verification.phone)} at ${s.provider.name} failed: ${maskPhonesIn((error as Error).message)}`);
    }
  }

  private channel(requested: Channel | undefined): Channel {
    const { channels } = this.settings;
    if (requested === undefined) return channels[0]!;
    if (!channels.includes(requested)) {
      throw new PhoneVerifyError('channel_unavailable', `Codes cannot be sent by ${requested}; try ${channels.join(' or ')}.`);
    }
    return requested;
  }

  private request(verification: Verification, channel: Channel, locale: string | undefined): StartRequest {
    const s = this.settings;
    const request: StartRequest = {
      verificationId: verification.id,
      phone: verification.phone,
      channel,
      codeLength: s.codeLength,
      ttlSeconds: seconds(verification.expiresAt - s.clock()),
      maxAttempts: s.maxAttempts,
    };
    if (locale !== undefined) request.locale = locale;
    return request;
  }

  private pendingFor(v: Verification): PendingVerification {
    return { id: v.id, phone: v.phone, channel: v.channel, createdAt: v.createdAt, state: v.state };
  }

  private pending(v: Verification): StartResponse {
    const s = this.settings;
    const now = s.clock();
    return {
      status: 'pending',
      phone: v.phone,
      channel: v.channel,
      codeLength: s.codeLength,
      expiresIn: seconds(v.expiresAt - now),
      resendAfter: seconds(v.lastSentAt + s.resendAfterMs - now),
      sendsLeft: Math.max(0, s.maxSends - v.sends),
      attemptsLeft: Math.max(0, s.maxAttempts - v.attempts),
    };
  }

  /**
   * Run a provider call with a deadline; anything but a PhoneVerifyError becomes provider_unavailable.
   * `code` is the code being checked, if any: kept out of the log line (security fix: a provider
   * error echoing the submitted code was logged, and maskPhonesIn does not mask 6 digits).
   */
  private async callProvider<T>(what: ProviderCall, call: () => Promise<T>, code?: string): Promise<T> {
    const s = this.settings;
    const hide = (text: string): string => maskPhonesIn(code ? text.split(code).join('[code]') : text);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PhoneVerifyError('provider_unavailable', 'The verification service did not answer in time.', { retryAfter: 5 })),
        s.providerTimeoutMs,
      );
    });
    try {
      return await Promise.race([call(), deadline]);
    } catch (error) {
      if (error instanceof PhoneVerifyError) {
        // provider_error already has its operator line from the adapter; unavailability is logged here, once.
        if (error.code === 'provider_unavailable') {
          s.logger.error(`${s.provider.name} ${what} failed: ${error.code}${error.cause ? ` (${hide(String((error.cause as Error).message ?? error.cause))})` : ''}`);
        }
        throw error;
      }
      s.logger.error(`${s.provider.name} ${what} failed: ${hide(String((error as Error)?.message ?? error))}`);
      throw new PhoneVerifyError('provider_unavailable', FAILED[what], { retryAfter: 5, cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  private gone(): PhoneVerifyError {
    return new PhoneVerifyError('no_pending_verification', 'There is no code waiting to be checked; ask for a new one.');
  }

  private expired(): PhoneVerifyError {
    return new PhoneVerifyError('expired', 'That code has expired; ask for a new one.');
  }

  private exhausted(): PhoneVerifyError {
    return new PhoneVerifyError('too_many_attempts', 'Too many wrong codes; ask for a new one.', { attemptsLeft: 0 });
  }
}
