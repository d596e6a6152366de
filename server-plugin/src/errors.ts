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
  internal_error: 500,
};

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
}

/** A failure with a protocol code: what the router turns into an error response. */
export class PhoneVerifyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter?: number;
  readonly attemptsLeft?: number;
  readonly country?: string;

  constructor(code: ErrorCode, message: string, details: PhoneVerifyErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PhoneVerifyError';
    this.code = code;
    this.status = details.status ?? HTTP_STATUS[code];
    if (details.retryAfter !== undefined) this.retryAfter = Math.max(1, Math.ceil(details.retryAfter));
    if (details.attemptsLeft !== undefined) this.attemptsLeft = details.attemptsLeft;
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
