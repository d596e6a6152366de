// widget/src/flow/flow.ts
// The element's flow as a pure state machine: `transition(state, event)` returns the
// next state, or the same object when the state does not take the event (a second
// submit while one is pending, a late answer). Everything the element shows about the
// flow (step, busy, error, focus, notice, challenge) is read from the state.

import type { Channel, UserSummary } from '@phone-verify/server-plugin/protocol';
import type { ClientErrorCode } from '../client.js';
import type { PhoneProblem } from '../phone/phone-format.js';

/** Errors the element finds itself, before asking the server. */
export type LocalErrorCode = 'phone_required' | 'code_incomplete' | 'phone_not_mobile' | PhoneProblem;

export interface ShownError {
  code: ClientErrorCode | LocalErrorCode;
  attemptsLeft?: number;
  retryAfter?: number;
  /** The country a `phone_invalid` number was read in. */
  country?: string;
}

/** A code on its way: what the code step shows and what success makes the value. */
export interface Sent {
  /** The number as shown: formatted when formatting has loaded. */
  phone: string;
  /** The number in E.164, as the server understood it. */
  e164: string;
  channel: Channel;
  /** Seconds the code stays valid. */
  expiresIn: number;
  /** Seconds until another code may be asked for. */
  resendAfter: number;
  /** A resend brought the code already sent (the server said so): every message's code works. */
  sameCode?: true;
}

/** Where focus goes once the state has rendered; `code-select` also selects the code so typing replaces it. */
export type FocusTarget = 'phone' | 'code' | 'code-select' | 'error' | 'done' | 'resend' | 'retry';

interface Common {
  error?: ShownError;
  focus?: FocusTarget;
}

/** Steps with a code on its way: the code step, shown while one of its requests is pending too. */
export type CodeStep = 'enter-code' | 'resending' | 'verifying' | 'canceling';

export type FlowState = Common &
  /** `retry`: loading again after "Try again", which stays (off) with focus on it until the answer. */
  (
    | { step: 'loading'; retry?: true }
    | { step: 'sending' }
    /** The configuration could not load. */
    | { step: 'error'; error: ShownError }
    /** `challenge`: the server asked for the page's challenge before it sends a code. */
    | { step: 'enter-phone'; challenge?: true }
    /**
     * `notice`: what the status region says (a code went out, another may be asked for, the
     * code expires in a minute, it has expired). `expired`: the code's time is up; the step
     * offers "Send a new code" (a new verification for the same number) in place.
     */
    | { step: CodeStep; sent: Sent; notice?: 'sent' | 'ready' | 'expiring' | 'expired'; challenge?: true; expired?: true }
    | { step: 'done'; user: UserSummary; phone: string; proof?: string }
  );

export type FlowStep = FlowState['step'];

/**
 * What happens to the flow. Requests begin with `load`/`retry` (configuration), `send`,
 * `resend`, `verify`, `cancel` and end with `loaded`/`load-failed`, `sent`, `verified`,
 * `failed` or `challenge` (the server wants the page's challenge first); `invalid` is a
 * check the element made itself, `edit` a change to the field (its error goes), `restart` goes back to an empty phone step, `ready`
 * says the resend countdown ended.
 */
export type FlowEvent =
  | { type: 'load' | 'retry' | 'loaded' | 'send' | 'resend' | 'verify' | 'cancel' | 'restart' | 'ready' | 'expiring' | 'expired' | 'edit' }
  | { type: 'load-failed' | 'failed' | 'challenge' | 'invalid'; error: ShownError }
  | { type: 'sent'; sent: Sent }
  | { type: 'verified'; user: UserSummary; phone?: string | undefined; proof?: string };

/** After these the pending verification is gone: the only way on is a new number. (After `expired` a new code for the same number is.) */
const RESTART_CODES: ReadonlySet<string> = new Set(['too_many_attempts', 'no_pending_verification', 'forbidden']);

/** True while a request of the flow is pending. */
export const isBusy = (step: FlowStep): boolean => step === 'sending' || step === 'resending' || step === 'verifying' || step === 'canceling';

/** The step as the element reports it (`step`, custom states): a pending resend or cancel is still the code step. */
export const publicStep = (step: FlowStep): FlowStep => (step === 'resending' || step === 'canceling' ? 'enter-code' : step);

export function transition(state: FlowState, event: FlowEvent): FlowState {
  const step = state.step;
  const code = 'sent' in state ? state : undefined;
  // An expired code stays expired through a request that fails: only a new code ends it.
  const expired = code?.expired ? { expired: true as const } : {};
  const retry = 'retry' in state && state.retry ? { focus: 'retry' as const } : undefined;
  switch (event.type) {
    case 'load':
      return { step: 'loading' };
    case 'retry':
      // Focus stays on "Try again" (never an empty region): it waits, off, for the answer.
      return step === 'error' ? { step: 'loading', retry: true, focus: 'retry' } : state;
    case 'loaded':
      // After "Try again" its button goes: focus moves on to the number (or stays on it when the load fails again).
      return step === 'loading' ? (retry ? { step: 'enter-phone', focus: 'phone' } : { step: 'enter-phone' }) : state;
    case 'load-failed':
      return step === 'loading' ? { step: 'error', error: event.error, ...retry } : state;
    case 'invalid':
      return step === 'enter-phone' || step === 'enter-code' ? { ...state, error: event.error, focus: step === 'enter-phone' ? 'phone' : 'code' } : state;
    case 'send':
      return step === 'enter-phone' ? { step: 'sending' } : state;
    case 'edit': {
      // A field was edited (only the phone and code steps have one): its error (and aria-invalid) goes; nothing else changes.
      const { error: _gone, focus: _moved, ...rest } = state;
      return state.error ? (rest as FlowState) : state;
    }
    case 'sent':
      return step === 'sending' || step === 'resending' ? { step: 'enter-code', sent: event.sent, notice: 'sent', focus: 'code' } : state;
    case 'resend':
    case 'verify':
    case 'cancel':
      return code && step === 'enter-code'
        ? {
            step: event.type === 'resend' ? 'resending' : event.type === 'verify' ? 'verifying' : 'canceling',
            sent: code.sent,
            ...(code.notice ? { notice: code.notice } : {}),
            ...expired,
          }
        : state;
    case 'ready':
    case 'expiring':
    case 'expired': {
      if (!code || (step !== 'enter-code' && step !== 'resending') || code.expired) return state;
      // The focus was for when the code went out; a countdown ending moves nothing.
      const { focus: _moved, ...rest } = code;
      return event.type === 'expired' ? { ...rest, notice: 'expired', expired: true } : { ...rest, notice: event.type === 'ready' ? 'ready' : 'expiring' };
    }
    case 'verified':
      return code && step === 'verifying'
        ? { step: 'done', user: event.user, phone: event.phone || code.sent.e164, ...(event.proof ? { proof: event.proof } : {}), focus: 'done' }
        : state;
    case 'restart':
      return step === 'loading' || step === 'error' ? state : { step: 'enter-phone', focus: 'phone' };
    case 'failed':
    case 'challenge': {
      const error = event.error;
      const challenge = event.type === 'challenge' ? { challenge: true as const } : {};
      if (step === 'sending') return { step: 'enter-phone', error, focus: 'phone', ...challenge };
      if (!code || (step !== 'resending' && step !== 'verifying')) return state;
      if (RESTART_CODES.has(error.code)) return { step: 'enter-phone', error, focus: 'phone' };
      // The code ran out while it was being typed: "Send a new code" is right there, and focus goes to it.
      if (error.code === 'expired') return { step: 'enter-code', sent: code.sent, notice: 'expired', expired: true, focus: 'resend' };
      const notice = code.notice ? { notice: code.notice } : {};
      return { step: 'enter-code', sent: code.sent, error, focus: step === 'verifying' ? 'code-select' : 'code', ...notice, ...challenge, ...expired };
    }
  }
}
