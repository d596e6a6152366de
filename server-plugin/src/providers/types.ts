// server-plugin/src/providers/types.ts
// The one interface every verification provider implements: the service talks to
// providers only through it, and each adapter lives in its own file.

import type { Channel } from '../protocol.js';

/** What the service asks a provider to send. */
export interface StartRequest {
  /** The service's id for this verification (the local provider binds its code to it). */
  verificationId: string;
  /** E.164, with `+`. */
  phone: string;
  channel: Channel;
  /** BCP 47 language tag, when the user's language is known. */
  locale?: string;
  /** Digits in the code. */
  codeLength: number;
  /** Seconds the code must stay valid; providers with their own default must be told. */
  ttlSeconds: number;
  /** Wrong codes the service allows; providers that count attempts must allow at least this many. */
  maxAttempts: number;
}

/**
 * What a provider keeps about a verification it started: its own id and whatever
 * else it needs to check or cancel. Stored with the verification, so it must be
 * plain JSON. Never the code itself.
 */
export type ProviderState = Record<string, string | number | boolean | null>;

export interface Started {
  state: ProviderState;
}

/** A pending verification as a provider sees it when asked to check or cancel. */
export interface PendingVerification {
  id: string;
  phone: string;
  channel: Channel;
  /** Milliseconds since the epoch. */
  createdAt: number;
  state: ProviderState;
}

/**
 * The outcome of a check. Wrong codes are an outcome, not an error: providers
 * answer them in different ways (Telnyx 200 "rejected", MessageBird non-2xx) and
 * the adapter's job is to map them here.
 */
export type CheckResult = { status: 'approved' } | { status: 'wrong' } | { status: 'expired' } | { status: 'exhausted' };

/**
 * A verification provider. Operational failures (down, timed out, refused) are
 * thrown as `PhoneVerifyError` with `provider_unavailable` or `provider_error`, and
 * `outcome: 'unknown'` when the provider may have acted all the same (see `errors.ts`).
 *
 * Every call takes the service's `signal`: it aborts when the service's deadline for the
 * call (`providerTimeout`) has passed, and the adapter must stop its requests then.
 */
export interface VerifyProvider {
  /** Short, stable, for logs and for the stored verification: `"local"`, `"telnyx"`. */
  readonly name: string;
  /** What this provider can deliver, in preference order. */
  readonly channels: readonly Channel[];
  /** Code lengths this provider can send. */
  readonly codeLengths: readonly number[];
  /** Longest validity this provider can give a code, in seconds, if it has a limit (Textmagic: 300). */
  readonly maxTtlSeconds?: number;
  /**
   * Wrong codes the provider itself allows per verification, if it ends one sooner than
   * we would (Vonage: 3). The service's `maxAttempts` must not be higher (ERR_PV_MAX_ATTEMPTS),
   * or users would be told of tries the provider no longer takes.
   */
  readonly maxAttempts?: number;
  /**
   * A resend of a pending verification sends the code already sent, not a new one (Twilio:
   * a repeat create within the validity resends the same code under the same SID), so the
   * code in any of its messages works. The widget then does not say "use the newest code".
   */
  readonly resendKeepsCode?: boolean;
  /** Send a code. Called again (with a new channel, perhaps) for a resend. */
  start(request: StartRequest, signal?: AbortSignal): Promise<Started>;
  /**
   * Send the pending verification again, perhaps on another channel. Providers
   * whose API needs more than a fresh start for this (Textmagic: cancel first)
   * implement it; without it the service calls `start` again.
   */
  resend?(pending: PendingVerification, request: StartRequest, signal?: AbortSignal): Promise<Started>;
  /** Check a code against the verification this provider started. */
  check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult>;
  /** Drop a verification, where the provider supports it. */
  cancel?(pending: PendingVerification, signal?: AbortSignal): Promise<void>;
}
