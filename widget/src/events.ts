// widget/src/events.ts
// The element's events as classes with typed details. None carries the code or the
// full phone number: pages often forward events to analytics.

import type { Channel, Intent, UserSummary } from '@phone-verify/server-plugin/protocol';
import type { ClientErrorCode } from './client.js';

export interface PhoneVerifySentDetail {
  /** How the code went out. */
  channel: Channel;
  /** Seconds until another code may be requested. */
  resendAfter: number;
}

export interface PhoneVerifySuccessDetail {
  /** The signed-in user as the server summarised it (`{}` for `verify` and `stepup`). */
  user: UserSummary;
  /** What the number was proven for: the element's `intent`, as the server answered it. */
  intent: Intent;
  /** `intent="verify"`: the phone proof, for your form handler's `verifyPhoneProof`. */
  proof?: string;
  /** Where the server wants the browser to go; followed unless the event is canceled. */
  redirect?: string;
}

export interface PhoneVerifyErrorDetail {
  /** The protocol error code, or `network_error` / `invalid_response`. */
  code: ClientErrorCode;
}

export interface PhoneVerifyChallengeDetail {
  /** Which request the server stopped: the first send or a resend. */
  step: 'start' | 'resend';
}

const init = { bubbles: true, composed: true } as const;

/** A code was sent (first time, again, or on another channel). */
export class PhoneVerifySentEvent extends CustomEvent<PhoneVerifySentDetail> {
  constructor(detail: PhoneVerifySentDetail) {
    super('phone-verify-sent', { ...init, detail });
  }
}

/** The code was right and the session is signed in. Cancel it to stay on the page when the server sent a redirect. */
export class PhoneVerifySuccessEvent extends CustomEvent<PhoneVerifySuccessDetail> {
  constructor(detail: PhoneVerifySuccessDetail) {
    super('phone-verify-success', { ...init, cancelable: true, detail });
  }
}

/** A request failed; the element shows the message itself. */
export class PhoneVerifyErrorEvent extends CustomEvent<PhoneVerifyErrorDetail> {
  constructor(detail: PhoneVerifyErrorDetail) {
    super('phone-verify-error', { ...init, detail });
  }
}

/**
 * The server answered `challenge_required`: show your challenge in the element's
 * `challenge` slot, then call `el.submitChallenge(token)` with its answer.
 */
export class PhoneVerifyChallengeEvent extends CustomEvent<PhoneVerifyChallengeDetail> {
  constructor(detail: PhoneVerifyChallengeDetail) {
    super('phone-verify-challenge', { ...init, detail });
  }
}

/** The element's events by name, for typed listeners (`addEventListener`, `@lit/react`'s `events`). */
export interface PhoneVerifyEventMap {
  'phone-verify-sent': PhoneVerifySentEvent;
  'phone-verify-success': PhoneVerifySuccessEvent;
  'phone-verify-error': PhoneVerifyErrorEvent;
  'phone-verify-challenge': PhoneVerifyChallengeEvent;
}

declare global {
  // Both maps: HTMLElementEventMap types `el.addEventListener(…)` on any element, the
  // global one `document`/`window` listeners (the events bubble and are composed).
  // Declaration merging: empty on purpose, the members come from PhoneVerifyEventMap.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends PhoneVerifyEventMap {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends PhoneVerifyEventMap {}
}
