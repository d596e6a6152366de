// widget/src/flow/challenge-event.ts
// The event that asks the page for its challenge (CAPTCHA). Its own module so the
// element's other events (events.ts) stay as they are; same shape and map augmentation.

export interface PhoneVerifyChallengeDetail {
  /** Which request the server stopped: the first send or a resend. */
  step: 'start' | 'resend';
}

/**
 * The server answered `challenge_required`: show your challenge in the element's
 * `challenge` slot, then call `el.submitChallenge(token)` with its answer.
 */
export class PhoneVerifyChallengeEvent extends CustomEvent<PhoneVerifyChallengeDetail> {
  constructor(detail: PhoneVerifyChallengeDetail) {
    super('phone-verify-challenge', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'phone-verify-challenge': PhoneVerifyChallengeEvent;
  }
}
