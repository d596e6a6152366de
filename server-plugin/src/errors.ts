// server-plugin/src/errors.ts
// Operational errors as data: every failure a client can cause or meet leaves the
// server as one protocol code with one HTTP status. Programmer errors stay TypeErrors.

import type { ErrorBody, ErrorCode } from './protocol.js';

/** The HTTP status of each protocol error code: the compiler checks the table is complete. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  invalid_phone: 400,
  country_not_allowed: 400,
  number_type_not_allowed: 400,
  channel_unavailable: 400,
  rate_limited: 429,
  challenge_required: 429,
  resend_too_soon: 429,
  no_pending_verification: 409,
  invalid_code: 401,
  expired: 410,
  too_many_attempts: 429,
  provider_error: 502,
  provider_unavailable: 503,
  forbidden: 403,
  not_found: 404,
  already_signed_in: 409,
  phone_taken: 409,
  step_up_required: 401,
  proof_invalid: 400,
  proof_expired: 410,
  proof_used: 409,
  proof_wrong_purpose: 400,
  internal_error: 500,
};

/**
 * What a failed provider call means for the send or check it carried:
 * - `refused`: certainly not acted on — the provider said no, or the connection was
 *   refused before the request was sent;
 * - `unknown`: it may have been — a timeout, a connection reset after the request was
 *   written, an answer we could not read. An unknown send is counted as one that happened
 *   (limits, breaker), and a chain does not fail over on it (two SMS for one send).
 */
export type ProviderOutcome = 'refused' | 'unknown';

export interface PhoneVerifyErrorDetails {
  /** Seconds before a retry can succeed. */
  retryAfter?: number;
  /** Wrong codes left on the pending verification. */
  attemptsLeft?: number;
  /** The country a `country_not_allowed` refusal is about (ISO alpha-2). */
  country?: string;
  /** HTTP status, when it must differ from the code's usual one (e.g. 413 for a too-large body). */
  status?: number;
  /** What went wrong underneath; logged, never sent to the client. */
  cause?: unknown;
  /** For a failed provider call: whether the provider may have acted. */
  outcome?: ProviderOutcome;
}

/**
 * Whether a failure may have left a send or a check done at the provider: only an
 * explicit `unknown`. Every other failure (a protocol refusal, a sender that threw) is
 * taken as not acted on, which is what the provider or the application said.
 */
export const mayHaveActed = (error: unknown): boolean => error instanceof PhoneVerifyError && error.outcome === 'unknown';

/** A failure with a protocol code: what the router turns into an error response. */
export class PhoneVerifyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter?: number;
  readonly attemptsLeft?: number;
  /** Set on provider failures; absent means the provider (or we) refused before acting. */
  readonly outcome?: ProviderOutcome;
  readonly country?: string;

  constructor(code: ErrorCode, message: string, details: PhoneVerifyErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PhoneVerifyError';
    this.code = code;
    this.status = details.status ?? HTTP_STATUS[code];
    if (details.retryAfter !== undefined) this.retryAfter = Math.max(1, Math.ceil(details.retryAfter));
    if (details.attemptsLeft !== undefined) this.attemptsLeft = details.attemptsLeft;
    if (details.outcome !== undefined) this.outcome = details.outcome;
    if (details.country !== undefined) this.country = details.country;
  }

  /** The response body: code, message and the hints that apply; never the cause. */
  toJSON(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.retryAfter !== undefined) error.retryAfter = this.retryAfter;
    if (this.attemptsLeft !== undefined) error.attemptsLeft = this.attemptsLeft;
    if (this.country !== undefined) error.country = this.country;
    return { error };
  }
}

/**
 * Whole seconds for a client to wait or count down, rounded up so that a client that
 * waits exactly that long is never early (a countdown that says 0 while the server still
 * refuses would make the widget retry into a refusal). 0 means "now". `retryAfter` on an
 * error is at least 1 on top of this (a `Retry-After: 0` invites a hot retry loop).
 */
export const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/** Seconds a client is told to wait after a transient failure (store or provider down). */
const SHORTLY_MS = 5000;

/** The hints an error may carry, in milliseconds (the factories turn them into seconds). */
const after = (retryAfterMs: number, cause?: unknown): PhoneVerifyErrorDetails =>
  cause === undefined ? { retryAfter: seconds(retryAfterMs) } : { retryAfter: seconds(retryAfterMs), cause };

/**
 * Every protocol error the plugin makes, by what happened: one message per situation,
 * written once. Times are milliseconds; `cause` is logged, never sent.
 */
export const errors = {
  // --- the request itself
  invalidRequest: (message: string, details: Pick<PhoneVerifyErrorDetails, 'status' | 'cause'> = {}) =>
    new PhoneVerifyError('invalid_request', message, details),
  invalidPhone: (message = 'Codes cannot be sent to that number.') => new PhoneVerifyError('invalid_phone', message),
  /** `country` (ISO 3166-1) and its English name, when the number has one: the widget names it in its own language. */
  countryNotAllowed: (country?: string, name?: string) =>
    new PhoneVerifyError(
      'country_not_allowed',
      `Codes cannot be sent to ${country && name ? `numbers from ${name}` : 'numbers outside a country'}.`,
      country ? { country } : {},
    ),
  numberTypeNotAllowed: () => new PhoneVerifyError('number_type_not_allowed', 'Codes cannot be sent to this kind of number; enter a mobile number.'),
  channelUnavailable: (message: string) => new PhoneVerifyError('channel_unavailable', message),
  /** The channel is not one the service offers. */
  channelNotOffered: (channel: string, offered: readonly string[]) =>
    new PhoneVerifyError('channel_unavailable', `Codes cannot be sent by ${channel}; try ${offered.join(' or ')}.`),
  /** The channel is not one this provider delivers. */
  channelNotByProvider: (channel: string) => new PhoneVerifyError('channel_unavailable', `Codes cannot be sent by ${channel} with this provider.`),
  notFound: () => new PhoneVerifyError('not_found', 'No such phone-verify endpoint.'),

  // --- the pending verification
  /** Nothing to check: never started, consumed, superseded or expired from the store. */
  gone: () => new PhoneVerifyError('no_pending_verification', 'There is no code waiting to be checked; ask for a new one.'),
  nothingToResend: () => new PhoneVerifyError('no_pending_verification', 'There is no verification to resend; enter your number again.'),
  expired: () => new PhoneVerifyError('expired', 'That code has expired; ask for a new one.'),
  invalidCode: (attemptsLeft: number) => new PhoneVerifyError('invalid_code', 'That code is not right.', { attemptsLeft }),
  /** This verification has had its wrong codes. */
  exhausted: () => new PhoneVerifyError('too_many_attempts', 'Too many wrong codes; ask for a new one.', { attemptsLeft: 0 }),
  /** The number is locked by wrong codes across verifications (NIST 800-63B-4 §3.2.2). */
  numberLocked: (retryAfterMs: number) =>
    new PhoneVerifyError('too_many_attempts', 'Too many wrong codes for this number; try again later.', { ...after(retryAfterMs), attemptsLeft: 0 }),

  // --- sends
  /** A send limit (per number, network, range or in all) is reached. */
  rateLimited: (retryAfterMs: number) => new PhoneVerifyError('rate_limited', 'Too many codes have been sent; try again later.', after(retryAfterMs)),
  /** This verification has had all its sends. */
  sendsUsedUp: (retryAfterMs: number) =>
    new PhoneVerifyError('rate_limited', 'No more codes can be sent for this verification; start again later.', after(retryAfterMs)),
  resendTooSoon: (retryAfterMs: number) => new PhoneVerifyError('resend_too_soon', 'Wait a little before asking for another code.', after(retryAfterMs)),
  /** The provider will not replace the code just sent yet (Textmagic's 30 s before a cancel). */
  replaceTooSoon: (retryAfterMs: number) =>
    new PhoneVerifyError('resend_too_soon', 'The code just sent cannot be replaced yet; wait a little.', after(retryAfterMs)),
  /** Sends are under pressure and the application's challenge is configured: pass it, then send again with `challengeToken`. */
  challengeRequired: () => new PhoneVerifyError('challenge_required', 'Complete the challenge to continue.'),
  /** The conversion breaker is open for this number's range or country. */
  breakerOpen: (retryAfterMs: number) =>
    new PhoneVerifyError('rate_limited', 'Codes cannot be sent to this number right now; try again later.', after(retryAfterMs)),
  /** The provider still has a live verification for the number (Textmagic, Vonage 409). */
  numberBusy: (retryAfterMs: number) =>
    new PhoneVerifyError('rate_limited', 'A code was sent to this number a moment ago; wait for it or try again later.', after(retryAfterMs)),
  /** The provider's own send limit for the number (Twilio 60203). */
  providerSendLimit: (retryAfterMs: number) =>
    new PhoneVerifyError('rate_limited', 'Too many codes were sent to this number; try again later.', after(retryAfterMs)),

  // --- who may
  cannotSignIn: () => new PhoneVerifyError('forbidden', 'This number cannot sign in here.'),
  /** The application's `beforeSend` said no. */
  refused: () => new PhoneVerifyError('forbidden', 'This request was refused; try again later.'),
  crossSite: (why: string) => new PhoneVerifyError('forbidden', `Cross-site request refused: ${why}.`),
  /** `signin` proved another account's number while someone is signed in. */
  alreadySignedIn: () => new PhoneVerifyError('already_signed_in', 'You are signed in to another account; sign out first to use this number.'),
  /** `link` or `stepup` without a signed-in user. */
  signInFirst: () => new PhoneVerifyError('forbidden', 'Sign in first.'),
  /** `link`: the number is another account's (said only after the code is proven). */
  phoneTaken: () => new PhoneVerifyError('phone_taken', 'This number belongs to another account.'),
  /** `stepup` for a user whose account has no number. */
  noPhoneOnAccount: () => new PhoneVerifyError('forbidden', 'This account has no phone number to verify.'),
  stepUpRequired: () => new PhoneVerifyError('step_up_required', 'Verify your phone number again to continue.'),

  // --- our own parts and the provider
  /** A store (verifications, limits, breaker, sessions) failed: refuse, never half-done. */
  busy: (cause?: unknown) => new PhoneVerifyError('provider_unavailable', 'The service is busy; try again shortly.', after(SHORTLY_MS, cause)),
  /** The provider is down, slow or unreadable; `message` says what the user was doing. */
  providerUnavailable: (message: string, cause?: unknown, retryAfterMs = SHORTLY_MS, outcome: ProviderOutcome = 'unknown') =>
    new PhoneVerifyError('provider_unavailable', message, { ...after(retryAfterMs, cause), outcome }),
  /** The provider refused our credentials or configuration (the operator has the log line). */
  providerRefused: () => new PhoneVerifyError('provider_error', 'The verification service refused the request.', { outcome: 'refused' }),
  internal: (cause: unknown) => new PhoneVerifyError('internal_error', 'Something went wrong on the server.', { cause }),
};

/**
 * A misconfiguration found at start-up. The code (`ERR_PV_*`) is stable so it can
 * be searched for; the message says what to change.
 */
export class PhoneVerifyConfigError extends TypeError {
  readonly code: string;

  constructor(code: `ERR_PV_${string}`, message: string) {
    super(`${message} (${code})`);
    this.name = 'PhoneVerifyConfigError';
    this.code = code;
  }
}
