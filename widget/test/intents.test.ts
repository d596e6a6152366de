// widget/test/intents.test.ts
// The element's `intent` attribute against the real server: sent with the start request,
// in the success event's detail, and for `verify` the phone proof is the form value.

import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { PhoneVerify, PhoneVerifySuccessEvent } from '../src/index.js';
import { codeFor, GB_MOBILE, loaded, part, resetServer, spyFetch, stepIs, typeInto } from './helpers.js';

describe('<phone-verify intent>', () => {
  beforeEach(resetServer);

  it('should reflect intent, signin by default', async () => {
    const el = await fixture<PhoneVerify>(html`<phone-verify endpoint="/auth/proof"></phone-verify>`);
    expect(el.intent).to.equal('signin');
    el.intent = 'verify';
    await el.updateComplete;
    expect(el.getAttribute('intent')).to.equal('verify');
  });

  it('should send intent and purpose, and make the phone proof the form value (verify)', async () => {
    const form = await loaded<HTMLFormElement>(html`
      <form><phone-verify endpoint="/auth/proof" intent="verify" purpose="signup" name="proof"></phone-verify></form>
    `);
    const el = form.querySelector('phone-verify')!;
    const spy = spyFetch();
    try {
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '+44 7400 123456');
      part(el, 'submit').click();
      await stepIs(el, 'enter-code');
      const start = spy.calls.find((c) => c.url.endsWith('/auth/proof/start'))!;
      expect(start.body as Record<string, unknown>).to.include({ intent: 'verify', purpose: 'signup' });
    } finally {
      spy.restore();
    }
    const success = oneEvent(el, 'phone-verify-success') as Promise<PhoneVerifySuccessEvent>;
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
    const { detail } = await success;
    expect(detail.intent).to.equal('verify');
    expect(detail.user).to.deep.equal({});
    expect(detail.proof).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await stepIs(el, 'done');
    // Nobody was signed in, and the element does not say so.
    expect(part(el, 'done').textContent).to.equal('Your number is verified.');
    expect(el.value).to.equal(detail.proof);
    expect(new FormData(form).get('proof')).to.equal(detail.proof);
    await expect(el).to.be.accessible();
  });

  it('should send no intent for a plain sign-in', async () => {
    const el = await loaded();
    const spy = spyFetch();
    try {
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '+44 7400 123456');
      part(el, 'submit').click();
      await stepIs(el, 'enter-code');
      const start = spy.calls.find((c) => c.url.endsWith('/start'))!;
      expect(start.body as Record<string, unknown>).not.to.have.property('intent');
    } finally {
      spy.restore();
    }
  });

  it('should step up with one "Send code" step and the account number masked (stepup)', async () => {
    // Signed in first, by a sign-in element on the same router (the session cookie is shared).
    const signin = await loaded(html`<phone-verify endpoint="/auth/stepup"></phone-verify>`);
    typeInto(part<HTMLInputElement>(signin, 'phone-input'), '+44 7400 123456');
    part(signin, 'submit').click();
    await stepIs(signin, 'enter-code');
    expect(signin.shadowRoot!.querySelector('[part="back"]'), 'a sign-in may change its number').not.to.equal(null);
    typeInto(part<HTMLInputElement>(signin, 'code-input'), await codeFor(GB_MOBILE));
    await stepIs(signin, 'done');

    const el = await loaded(html`<phone-verify endpoint="/auth/stepup" intent="stepup"></phone-verify>`);
    expect(el.shadowRoot!.querySelector('[part="phone-input"]')).to.equal(null);
    expect(part(el, 'hint').textContent).to.equal('We will send a code to the number on your account.');
    await expect(el).to.be.accessible();
    part(el, 'submit').click();
    await stepIs(el, 'enter-code');
    expect(el.shadowRoot!.textContent).to.contain('•••• 3456');
    expect(el.shadowRoot!.textContent).not.to.contain('7400');
    // The number is the account's: no "Use another number" in a step-up.
    expect(el.shadowRoot!.querySelector('[part="back"]')).to.equal(null);
    const success = oneEvent(el, 'phone-verify-success') as Promise<PhoneVerifySuccessEvent>;
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
    expect((await success).detail.intent).to.equal('stepup');
    await stepIs(el, 'done');
    expect(part(el, 'done').textContent).to.equal('Your number is confirmed. You can continue.');
    await expect(el).to.be.accessible();
  });
});
