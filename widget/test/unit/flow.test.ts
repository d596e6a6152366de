// widget/test/unit/flow.test.ts
// The flow's state machine alone: every step, what it takes and what it refuses.

import { expect } from '@open-wc/testing';
import { isBusy, publicStep, transition, type FlowEvent, type FlowState, type Sent } from '../../src/flow/flow.js';

const sent: Sent = { phone: '+44 7400 123456', e164: '+447400123456', channel: 'sms', expiresIn: 300, resendAfter: 30 };
const user = { id: 'u1' };

/** Feeds events one after another from `state`. */
function run(state: FlowState, ...events: FlowEvent[]): FlowState {
  return events.reduce(transition, state);
}

const codeStep = (): FlowState => run({ step: 'loading' }, { type: 'loaded' }, { type: 'send' }, { type: 'sent', sent });

describe('flow: transition', () => {
  it('should load the configuration into the phone step, or into the error step', () => {
    expect(run({ step: 'loading' }, { type: 'loaded' })).to.deep.equal({ step: 'enter-phone' });
    const failed = run({ step: 'loading' }, { type: 'load-failed', error: { code: 'network_error' } });
    expect(failed).to.deep.equal({ step: 'error', error: { code: 'network_error' } });
    // Try again (issue 13 changed this: focus went to the error region, empty while loading): loading,
    // with focus kept on "Try again"; then on to the number, or back on "Try again" if it fails again.
    const retrying = transition(failed, { type: 'retry' });
    expect(retrying).to.deep.equal({ step: 'loading', retry: true, focus: 'retry' });
    expect(transition(retrying, { type: 'loaded' })).to.deep.equal({ step: 'enter-phone', focus: 'phone' });
    expect(transition(retrying, { type: 'load-failed', error: { code: 'network_error' } })).to.deep.equal({
      step: 'error',
      error: { code: 'network_error' },
      focus: 'retry',
    });
  });

  it('should send, then show the code step with focus on the code and a notice', () => {
    const sending = run({ step: 'enter-phone' }, { type: 'send' });
    expect(sending).to.deep.equal({ step: 'sending' });
    expect(isBusy(sending.step)).to.equal(true);
    expect(transition(sending, { type: 'sent', sent })).to.deep.equal({ step: 'enter-code', sent, notice: 'sent', focus: 'code' });
  });

  it('should refuse what the current step does not take (the same object back)', () => {
    const phone: FlowState = { step: 'enter-phone' };
    for (const type of ['resend', 'verify', 'cancel', 'loaded', 'retry'] as const) expect(transition(phone, { type })).to.equal(phone);
    const sending: FlowState = { step: 'sending' };
    expect(transition(sending, { type: 'send' }), 'a second submit while sending').to.equal(sending);
    expect(transition(sending, { type: 'verified', user })).to.equal(sending);
    const verifying = transition(codeStep(), { type: 'verify' });
    expect(transition(verifying, { type: 'verify' }), 'a second code while checking').to.equal(verifying);
    expect(transition(verifying, { type: 'resend' })).to.equal(verifying);
    expect(transition(verifying, { type: 'sent', sent }), 'a late resend answer').to.equal(verifying);
    const loading: FlowState = { step: 'loading' };
    expect(transition(loading, { type: 'restart' }), 'no phone step before the configuration').to.equal(loading);
  });

  it('should make resending and canceling explicit steps the element reports as the code step', () => {
    const resending = transition(codeStep(), { type: 'resend' });
    expect(resending.step).to.equal('resending');
    expect(publicStep(resending.step)).to.equal('enter-code');
    expect(isBusy(resending.step)).to.equal(true);
    const canceling = transition(codeStep(), { type: 'cancel' });
    expect(canceling.step).to.equal('canceling');
    expect(publicStep(canceling.step)).to.equal('enter-code');
    expect(transition(canceling, { type: 'restart' })).to.deep.equal({ step: 'enter-phone', focus: 'phone' });
    expect(publicStep('verifying')).to.equal('verifying');
  });

  it('should keep the notice while a resend or a check is pending, and drop the error', () => {
    const invalid = transition(codeStep(), { type: 'invalid', error: { code: 'code_incomplete' } });
    expect(invalid).to.include({ step: 'enter-code', notice: 'sent', focus: 'code' });
    expect(invalid.error).to.deep.equal({ code: 'code_incomplete' });
    const verifying = transition(invalid, { type: 'verify' });
    expect(verifying).to.deep.equal({ step: 'verifying', sent, notice: 'sent' });
  });

  it('should go back to the code with the code selected after a wrong code', () => {
    const wrong = run(codeStep(), { type: 'verify' }, { type: 'failed', error: { code: 'invalid_code', attemptsLeft: 2 } });
    expect(wrong).to.deep.equal({ step: 'enter-code', sent, notice: 'sent', error: { code: 'invalid_code', attemptsLeft: 2 }, focus: 'code-select' });
  });

  it('should stay on the code step, expired, focus on "Send a new code", when a check answers expired', () => {
    expect(run(codeStep(), { type: 'verify' }, { type: 'failed', error: { code: 'expired' } })).to.deep.equal({
      step: 'enter-code',
      sent,
      notice: 'expired',
      expired: true,
      focus: 'resend',
    });
  });

  it('should drop the error (and its focus) when a field is edited, and change nothing without one', () => {
    const wrong = run(codeStep(), { type: 'verify' }, { type: 'failed', error: { code: 'invalid_code', attemptsLeft: 2 } });
    expect(transition(wrong, { type: 'edit' })).to.deep.equal({ step: 'enter-code', sent, notice: 'sent' });
    const clean = codeStep();
    expect(transition(clean, { type: 'edit' })).to.equal(clean);
    const phone = transition({ step: 'enter-phone' }, { type: 'invalid', error: { code: 'phone_too_short' } });
    expect(transition(phone, { type: 'edit' })).to.deep.equal({ step: 'enter-phone' });
  });

  it('should say once a minute before the end and at the end, and take no other countdown notice once expired', () => {
    const expiring = transition(codeStep(), { type: 'expiring' });
    expect(expiring).to.include({ step: 'enter-code', notice: 'expiring' });
    const expired = transition(expiring, { type: 'expired' });
    expect(expired).to.include({ step: 'enter-code', notice: 'expired', expired: true });
    expect(transition(expired, { type: 'ready' })).to.equal(expired);
    expect(transition(expired, { type: 'expiring' })).to.equal(expired);
    // While a check is pending the server's answer decides.
    const verifying = transition(codeStep(), { type: 'verify' });
    expect(transition(verifying, { type: 'expired' })).to.equal(verifying);
    // A new code ends the expired state.
    const resending = transition(expired, { type: 'resend' });
    expect(resending.step).to.equal('resending');
    const fresh = transition(resending, { type: 'sent', sent });
    expect(fresh).to.deep.equal({ step: 'enter-code', sent, notice: 'sent', focus: 'code' });
  });

  for (const code of ['too_many_attempts', 'no_pending_verification', 'forbidden'] as const) {
    it(`should go back to the phone step when the verification is gone (${code})`, () => {
      expect(run(codeStep(), { type: 'verify' }, { type: 'failed', error: { code } })).to.deep.equal({ step: 'enter-phone', error: { code }, focus: 'phone' });
      expect(run(codeStep(), { type: 'resend' }, { type: 'failed', error: { code } })).to.deep.equal({ step: 'enter-phone', error: { code }, focus: 'phone' });
    });
  }

  it('should stay on the code step when a resend fails for a while, focus on the code', () => {
    const soon = run(codeStep(), { type: 'resend' }, { type: 'failed', error: { code: 'resend_too_soon', retryAfter: 20 } });
    expect(soon).to.deep.equal({ step: 'enter-code', sent, notice: 'sent', error: { code: 'resend_too_soon', retryAfter: 20 }, focus: 'code' });
  });

  it('should go back to the phone step with the error when sending fails', () => {
    const failed = run({ step: 'enter-phone' }, { type: 'send' }, { type: 'failed', error: { code: 'invalid_phone' } });
    expect(failed).to.deep.equal({ step: 'enter-phone', error: { code: 'invalid_phone' }, focus: 'phone' });
  });

  it('should sign in from a check only, with the verified number', () => {
    const done = run(codeStep(), { type: 'verify' }, { type: 'verified', user });
    expect(done).to.deep.equal({ step: 'done', user, phone: '+447400123456', focus: 'done' });
    expect(transition(codeStep(), { type: 'verified', user }).step, 'no success without a check').to.equal('enter-code');
  });

  it('should say another code may be asked for, without moving focus', () => {
    const ready = transition(codeStep(), { type: 'ready' });
    expect(ready).to.deep.equal({ step: 'enter-code', sent, notice: 'ready' });
    const phone: FlowState = { step: 'enter-phone' };
    expect(transition(phone, { type: 'ready' })).to.equal(phone);
  });

  it('should mark a challenge on the step the stopped request came from, and clear it on the next request', () => {
    const error = { code: 'challenge_required' } as const;
    const start = run({ step: 'enter-phone' }, { type: 'send' }, { type: 'challenge', error });
    expect(start).to.deep.equal({ step: 'enter-phone', error, focus: 'phone', challenge: true });
    expect(transition(start, { type: 'send' })).to.deep.equal({ step: 'sending' });
    const resend = run(codeStep(), { type: 'resend' }, { type: 'challenge', error });
    expect(resend).to.deep.equal({ step: 'enter-code', sent, notice: 'sent', error, focus: 'code', challenge: true });
    expect(transition(resend, { type: 'resend' })).to.deep.equal({ step: 'resending', sent, notice: 'sent' });
  });

  it('should restart from anywhere once configured, and load again from anywhere', () => {
    for (const state of [codeStep(), { step: 'done', user, phone: '+447400123456' } as FlowState, { step: 'sending' } as FlowState]) {
      expect(transition(state, { type: 'restart' })).to.deep.equal({ step: 'enter-phone', focus: 'phone' });
      expect(transition(state, { type: 'load' })).to.deep.equal({ step: 'loading' });
    }
  });
});
