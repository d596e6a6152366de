// server-plugin/src/service.ts
// The verification lifecycle and its limits: who may be sent a code, how often, how
// many guesses, and when a code dies. Knows nothing of HTTP or sessions.

import { randomFillSync } from 'node:crypto';
import { breakerKeys } from './breaker.js';
import { readCode } from './code.js';
import { errors, mayHaveActed, PhoneVerifyError, seconds } from './errors.js';
import type { SendAdmission, SendChallenge } from './limits.js';
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
  /** The application's challenge and the client's token, asked for when sends are under pressure. */
  challenge?: SendChallenge;
}

type ProviderCall = 'start' | 'resend' | 'check' | 'cancel';

/** What the user reads when a provider call fails for a reason of the provider's. */
const FAILED: Readonly<Record<ProviderCall, string>> = {
  start: 'The code could not be sent; try again shortly.',
  resend: 'The code could not be sent; try again shortly.',
  check: 'The code could not be checked; try again shortly.',
  cancel: 'The verification could not be canceled.',
};

/**
 * Whether a provider's definite refusal of a send says something about the number: any
 * answer but an outage's (`provider_unavailable`, the same for every number). Telegram's
 * "not a Telegram user" (`channel_unavailable`), a provider's "not a mobile" or "sent too
 * often" differ from number to number, so refunding them in full would let anyone ask,
 * for free and without end, which numbers are on Telegram. They are charged to the asking
 * network's own quota (`limits.perIp`), and given back to the number, which did nothing.
 */
function answersAboutTheNumber(error: unknown): boolean {
  return error instanceof PhoneVerifyError && error.code !== 'provider_unavailable';
}

/** Bytes of randomness in a verification id: 128 bits, never guessable. */
const ID_BYTES = 16;
/** CSPRNG output for the next 256 ids, drawn at once: one call into the RNG where each id made its own (as Node's randomUUID pools). */
const idPool = Buffer.alloc(ID_BYTES * 256);
let idOffset = idPool.length;

/** A new verification id: 128 random bits from the CSPRNG, base64url; each pool byte is used once. */
function newVerificationId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const id = idPool.toString('base64url', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

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
    // A number locked by wrong codes is refused before the application's bot check is asked (its
    // CAPTCHA calls may cost it); without one, the lock is checked in the send limits' own step below.
    const lockChecked = context.beforeSend !== undefined;
    if (lockChecked) await s.limits.assertNotLocked(parsed.e164, 'start');
    if (context.beforeSend && (await context.beforeSend(parsed.e164)) === false) {
      throw errors.refused();
    }
    // One live verification per number: a new start supersedes the pending one of any other
    // session (another tab, another device, a stranger), so a code completes only the newest.
    // Looked up before any limit is taken (a store failure then costs nothing), canceled only
    // once the limits allow this send (a refused stranger cancels nobody's code). Only for a
    // provider that can cancel: otherwise claimPhone below names the superseded one, which is
    // deleted from our store then, and looking it up first would cost a store round trip for nothing.
    const claimed = s.provider.cancel ? await this.store.claimedFor(parsed.e164) : undefined;
    const superseded = claimed === undefined ? undefined : await this.store.get(claimed);
    const admission = await s.limits.admitSend(
      { phone: parsed.e164, ip: context.ip, country: parsed.country, step: 'start', checkLock: !lockChecked },
      context.challenge,
    );
    // Canceled at the provider first, where it has a cancel: Textmagic and Vonage refuse a second
    // live verification for a number, Twilio would resend the old code under the old SID.
    const notCanceled = superseded && (await this.cancelAtProvider(superseded));
    const now = s.clock();
    const verification: Verification = {
      // 128 random bits: never guessable, never taken from a request (the session holds it).
      id: newVerificationId(),
      phone: parsed.e164,
      ...(parsed.country === undefined ? {} : { country: parsed.country }),
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
      started = await this.callProvider('start', (signal) => s.provider.start(this.request(verification, channel, input.locale), signal));
    } catch (error) {
      if (mayHaveActed(error)) {
        // An outcome we don't know is a send that happened (a timeout after the SMS went out
        // still cost money and reached a phone): it stays counted, and the breaker hears of it.
        await admission.sent();
      } else {
        // A send that certainly did not happen must not use up the number's allowance. A refusal about
        // this number costs the asking network one send all the same (see answersAboutTheNumber).
        await admission.refund({ chargeNetwork: answersAboutTheNumber(error) });
      }
      // The provider kept the superseded code live because it would not cancel it yet (Textmagic's
      // first 30 s): that wait, not the code's whole life, is what stands between the user and a start.
      if (notCanceled?.code === 'resend_too_soon' && error instanceof PhoneVerifyError && error.code === 'rate_limited') throw notCanceled;
      throw error;
    }
    verification.state = started.state;
    await this.store.create(verification);
    // Dead in our store too (whichever start it was, should two race), so its code cannot complete it.
    const replaced = await this.store.claimPhone(verification.phone, verification.id, verification.expiresAt);
    if (replaced !== undefined) await this.store.delete(replaced);
    await admission.sent();
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
      if (reservation.reason === 'missing') throw errors.gone();
      throw reservation.reason === 'cooldown' ? errors.resendTooSoon(reservation.retryAfterMs) : errors.sendsUsedUp(reservation.retryAfterMs);
    }
    const reserved = reservation.verification;
    if (reserved.attempts >= s.maxAttempts) {
      // A new code for a verification dead of wrong guesses could never be accepted: don't pay to send it.
      await this.store.releaseSend(id, reservation.release);
      throw errors.exhausted();
    }
    let started: Started;
    let refund: SendAdmission['refund'] = async () => {};
    let sent = async (): Promise<void> => {};
    try {
      // NIST 800-63B-4 §3.1.3.2: a new code must not reset the failures; a locked number gets none
      // (checked in the send limits' own step).
      const admission = await s.limits.admitSend(
        { phone: reserved.phone, ip: context.ip, country: reserved.country ?? countryOf(reserved.phone), step: 'resend', checkLock: true },
        context.challenge,
      );
      ({ refund, sent } = admission);
      const request = this.request(reserved, channel, input.locale);
      const { provider } = s;
      started = await this.callProvider('resend', (signal) =>
        provider.resend ? provider.resend(this.pendingFor(reserved), request, signal) : provider.start(request, signal),
      );
    } catch (error) {
      if (mayHaveActed(error)) {
        // Counted as sent, like a start whose outcome is unknown (the reservation stays too).
        await sent();
      } else {
        // A send that certainly did not happen must not use up the user's allowance.
        await this.store.releaseSend(id, reservation.release);
        await refund({ chargeNetwork: answersAboutTheNumber(error) });
      }
      throw error;
    }
    await this.store.updateDelivery(id, { channel, state: started.state });
    await sent();
    return this.pending({ ...reserved, channel });
  }

  /**
   * Check a code. On success the verification is consumed (exactly once, however
   * many requests race) and returned; every other outcome throws a PhoneVerifyError.
   */
  async check(id: string, code: string): Promise<Verification> {
    const s = this.settings;
    // Before anything is counted: what is not a code costs no attempt; other scripts' digits are read as digits.
    const digits = readCode(code, s.codeLength);
    // Counted before the code is looked at, atomically: of 50 parallel guesses, at most maxAttempts
    // are judged. Counted and read in one step where the store can (one Redis round trip, not two).
    const verification = await this.countAttempt(id);
    if (!verification) throw errors.gone();
    const { attempts } = verification;
    // A verification dead of wrong guesses says so before the number's lock does (it began with them).
    if (attempts > s.maxAttempts) throw errors.exhausted();
    // Security fix: the number's failure is reserved atomically before the code is judged (and given
    // back unless the code turns out wrong), so parallel guesses on several verifications of one
    // number cannot all slip past a separate lock check. The reservation is the lock check too: a
    // number locked by wrong codes is refused here, before its code is looked at, and neither the
    // lock's count nor the verification's attempts grow (the attempt just counted is given back).
    const releaseFailure = await s.limits.reserveFailure(verification.phone).catch(async (error: unknown) => {
      await this.store.addAttempt(id, -1).catch(() => undefined);
      throw error;
    });

    let result;
    try {
      result = await this.callProvider('check', (signal) => s.provider.check(this.pendingFor(verification), digits, signal), digits);
    } catch (error) {
      // The provider never judged this code: give the attempt (and the number's failure) back.
      await releaseFailure();
      await this.store.addAttempt(id, -1);
      throw error;
    }
    // A sign-in clears the number's failures (below), which gives the reserved one back too.
    if (result.status !== 'wrong' && result.status !== 'approved') await releaseFailure();

    switch (result.status) {
      case 'approved': {
        let consumed;
        try {
          consumed = await this.store.consume(id);
        } catch (error) {
          await releaseFailure();
          // The store failed, so whether it consumed is unknown (a timed-out Redis command can still run
          // later). Put the verification back, so the same code works once the store is back: only this
          // session holds its id, and a sign-in that did consume it replaced that session, so nothing can
          // reach it twice.
          await this.store.create({ ...verification, attempts }).catch(() => undefined);
          throw error;
        }
        // Another request with the same code won the race (NIST §3.2.7: accepted once).
        if (!consumed) {
          await releaseFailure();
          throw errors.gone();
        }
        // Both best effort: the failures cleared and the breaker's tally in one store step.
        // The country kept at start: parsing the number again cost a sign-in more than all our other work on it.
        const country = consumed.country ?? countryOf(consumed.phone);
        await s.limits.signedIn(consumed.phone, breakerKeys(consumed.phone, country));
        return consumed;
      }
      case 'expired':
        // The provider no longer has this code, though our verification is still live: it lapsed
        // there, was superseded, or a check whose answer was lost used it. Not a wrong code, so the
        // attempt is given back, and the verification stays, so a resend brings a new code
        // without penalty (it dies at its own expiry otherwise).
        await this.store.addAttempt(id, -1);
        throw errors.expired();
      case 'exhausted':
        await this.store.delete(id);
        throw errors.exhausted();
      case 'wrong': {
        // Counted against the number too, across verifications (NIST 800-63B-4 §3.2.2): the failure reserved above stays.
        releaseFailure.kept();
        const attemptsLeft = s.maxAttempts - attempts;
        if (attemptsLeft <= 0) throw errors.exhausted();
        throw errors.invalidCode(attemptsLeft);
      }
    }
  }

  /** One more check counted on the verification, and the verification as it now is (undefined once gone). */
  private async countAttempt(id: string): Promise<Verification | undefined> {
    if (this.store.countAttempt) return this.store.countAttempt(id);
    // A store without countAttempt (written before it): the read, then the count.
    const verification = await this.store.get(id);
    if (!verification) return undefined;
    if (verification.attempts >= this.settings.maxAttempts) return { ...verification, attempts: verification.attempts + 1 };
    const attempts = await this.store.addAttempt(id);
    return attempts === undefined ? undefined : { ...verification, attempts };
  }

  /**
   * Put back a verification `check` consumed, when the sign-in it was for could not be
   * completed (the session store failed): its code works again until it expires.
   */
  async restore(verification: Verification): Promise<void> {
    if (verification.expiresAt > this.settings.clock()) await this.store.create(verification);
  }

  /** The pending verification as `/start` described it, its times as they are now; undefined once it is gone. */
  async describePending(id: string): Promise<StartResponse | undefined> {
    const verification = await this.store.get(id);
    return verification && this.pending(verification);
  }

  /** Drop a pending verification. Safe to call for one that is already gone. */
  async cancel(id: string): Promise<void> {
    const verification = await this.store.consume(id);
    if (verification) await this.cancelAtProvider(verification);
  }

  /**
   * Cancel at the provider, where it can. A failure is only logged (its copy expires by
   * itself) and handed back, for a caller that can say more about what it means.
   */
  private async cancelAtProvider(verification: Verification): Promise<PhoneVerifyError | undefined> {
    const s = this.settings;
    if (!s.provider.cancel) return undefined;
    try {
      await this.callProvider('cancel', (signal) => s.provider.cancel!(this.pendingFor(verification), signal));
      return undefined;
    } catch (error) {
      s.logger.warn(`cancel of ${maskPhone(verification.phone)} at ${s.provider.name} failed: ${maskPhonesIn((error as Error).message)}`);
      return error as PhoneVerifyError;
    }
  }

  private channel(requested: Channel | undefined): Channel {
    const { channels } = this.settings;
    if (requested === undefined) return channels[0]!;
    if (!channels.includes(requested)) {
      throw errors.channelNotOffered(requested, channels);
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
   * Run a provider call with the one deadline it has (`providerTimeout`): the signal handed to
   * the adapter aborts its requests when it passes, and the call is abandoned then even if an
   * adapter ignores the signal. A call cut off by the deadline may have acted (`unknown`).
   * Anything but a PhoneVerifyError becomes provider_unavailable.
   * `code` is the code being checked, if any: kept out of the log line (security fix: a provider
   * error echoing the submitted code was logged, and maskPhonesIn does not mask 6 digits).
   */
  private async callProvider<T>(what: ProviderCall, call: (signal: AbortSignal) => Promise<T>, code?: string): Promise<T> {
    const s = this.settings;
    const hide = (text: string): string => maskPhonesIn(code ? text.split(code).join('[code]') : text);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const late = errors.providerUnavailable('The verification service did not answer in time.');
        controller.abort(late);
        reject(late);
      }, s.providerTimeoutMs);
    });
    try {
      return await Promise.race([call(controller.signal), deadline]);
    } catch (error) {
      const failure = error instanceof PhoneVerifyError ? error.code : 'provider_unavailable';
      if (failure === 'provider_unavailable' || failure === 'provider_error')
        s.events.emit({ type: 'provider_failure', provider: s.provider.name, call: what, code: failure });
      if (error instanceof PhoneVerifyError) {
        // provider_error already has its operator line from the adapter; unavailability is logged here, once.
        if (error.code === 'provider_unavailable') {
          s.logger.error(
            `${s.provider.name} ${what} failed: ${error.code}${error.cause ? ` (${hide(String((error.cause as Error).message ?? error.cause))})` : ''}`,
          );
        }
        throw error;
      }
      s.logger.error(`${s.provider.name} ${what} failed: ${hide(String((error as Error)?.message ?? error))}`);
      // An adapter or sender that threw without saying otherwise is taken at its word: not sent.
      throw errors.providerUnavailable(FAILED[what], error, undefined, 'refused');
    } finally {
      clearTimeout(timer);
    }
  }
}
