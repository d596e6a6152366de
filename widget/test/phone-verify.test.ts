// widget/test/phone-verify.test.ts
// <phone-verify> in Chromium against the real server plugin (see server.mjs).

import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import type { PhoneVerifyErrorEvent, PhoneVerifySentEvent, PhoneVerifySuccessEvent } from '../src/index.js';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerify } from '../src/index.js';
import {
  codeFor,
  countryButtonName,
  errorText,
  focusedId,
  DE_MOBILE,
  GB_MOBILE,
  labelFor,
  loaded,
  outbox,
  part,
  resetServer,
  sendTo,
  spyFetch,
  stepIs,
  typeInto,
} from './helpers.js';

/** Opens the country list with the keyboard and returns its options. */
async function openList(el: PhoneVerify): Promise<HTMLElement[]> {
  part(el, 'country-toggle').focus();
  await sendKeys({ press: 'ArrowDown' });
  await el.updateComplete;
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="option"]')];
}

/** `[ISO code, visible name]` of each option. */
function countryNames(options: HTMLElement[]): string[][] {
  return options.map((o) => [o.dataset['country']!, o.lastElementChild!.textContent!.trim()]);
}

describe('<phone-verify>', () => {
  beforeEach(async () => {
    await resetServer();
    localStorage.clear();
    sessionStorage.clear();
  });

  // The readiness fault: puppeteer's locator looked once while the element was loading, then
  // waited for a change in the page's DOM (a MutationObserver, blind to shadow roots) that never came.
  it('should change its light DOM when each step shows, so a MutationObserver on the page sees the phone field arrive', async () => {
    const el = document.createElement('phone-verify') as PhoneVerify;
    const seen: string[] = [];
    const observer = new MutationObserver(() => {
      if (el.shadowRoot?.querySelector('input[autocomplete="tel"]') && !seen.includes('phone field')) seen.push('phone field');
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true });
    try {
      document.body.append(el);
      await stepIs(el, 'enter-phone');
      await new Promise((resolve) => requestAnimationFrame(resolve));
      expect(seen).to.deep.equal(['phone field']);
      expect(el.getAttribute('step')).to.equal('enter-phone');
      // Settled: nothing more is scheduled once the phone step is up.
      expect(await el.updateComplete).to.equal(true);
      expect(el.isUpdatePending).to.equal(false);
      await sendTo(el, GB_MOBILE);
      expect(el.getAttribute('step')).to.equal('enter-code');
    } finally {
      observer.disconnect();
      el.remove();
    }
  });

  it('should pass accessibility tests on the phone step', async () => {
    const el = await loaded();
    expect(el.step).to.equal('enter-phone');
    await expect(el).to.be.accessible();
  });

  it('should pass accessibility tests on the code step', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    await expect(el).to.be.accessible();
  });

  it('should pass accessibility tests with an error shown', async () => {
    const el = await loaded();
    typeInto(part<HTMLInputElement>(el, 'phone-input'), '12');
    part(el, 'submit').click();
    await waitUntil(() => errorText(el) !== '');
    await expect(el).to.be.accessible();
  });

  it('should pass accessibility tests when signed in', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
    await stepIs(el, 'done');
    await expect(el).to.be.accessible();
  });

  it('default properties', async () => {
    const el = await loaded();
    expect(el.endpoint).to.equal('/auth/phone');
    expect(el.hasAttribute('endpoint')).to.equal(false);
    expect(el.defaultCountry).to.equal(undefined);
    expect(el.mobileOnly).to.equal(false);
    expect(el.name).to.equal(undefined);
    expect(el.value).to.equal('');
    expect(el.strings).to.equal(undefined);
    expect(el.step).to.equal('enter-phone');
    expect(el.shadowRoot!.delegatesFocus).to.equal(true);
    expect(errorText(el)).to.equal('');
  });

  describe('when the configuration loads', () => {
    it('should start in the loading step', async () => {
      const el = document.createElement('phone-verify');
      expect(el.step).to.equal('loading');
    });

    it('should list the server’s countries by name with their calling codes', async () => {
      const el = await loaded();
      expect(countryNames(await openList(el))).to.deep.equal([
        ['DE', 'Germany (+49)'],
        ['GB', 'United Kingdom (+44)'],
        ['US', 'United States (+1)'],
      ]);
    });

    it('should select the default-country attribute', async () => {
      const el = await loaded(html`<phone-verify default-country="gb"></phone-verify>`);
      expect(el.selectedCountry).to.equal('GB');
      expect(countryButtonName(el)).to.equal('Country: United Kingdom GB +44');
      expect(part(el, 'flag').textContent).to.equal('GB');
    });

    it('should select the server’s default country when there is no attribute', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
      expect(el.selectedCountry).to.equal('DE');
    });

    it('should render a real labelled tel input', async () => {
      const el = await loaded();
      const input = part<HTMLInputElement>(el, 'phone-input');
      expect(input.type).to.equal('tel');
      expect(input.getAttribute('autocomplete')).to.equal('tel');
      expect(input.inputMode).to.equal('tel');
      expect(labelFor(el, input.id)).to.equal('Phone number');
      // The country is a button inside the number field, named by what it says.
      expect(countryButtonName(el)).to.match(/^Country: /);
    });

    it('should name countries in the page language and send that language', async () => {
      const wrapper = await fixture(html`<div lang="de"><phone-verify></phone-verify></div>`);
      const el = wrapper.querySelector('phone-verify')!;
      await stepIs(el, 'enter-phone');
      const names = countryNames(await openList(el)).map(([, name]) => name);
      expect(names).to.deep.equal(['Deutschland (+49)', 'Vereinigte Staaten (+1)', 'Vereinigtes Königreich (+44)']);
      await sendKeys({ press: 'Escape' });
      const spy = spyFetch();
      try {
        await sendTo(el, DE_MOBILE);
      } finally {
        spy.restore();
      }
      expect(spy.calls.find((c) => c.url.endsWith('/start'))!.body).to.deep.include({ phone: '+49 1512 3456789', locale: 'de' });
    });

    it('should use the strings property over the English defaults', async () => {
      const el = await loaded();
      el.strings = { sendCode: 'Get a code', phoneTooShort: 'Too short!', errors: { invalid_phone: 'Bad number' } };
      await el.updateComplete;
      expect(part(el, 'submit').textContent!.trim()).to.equal('Get a code');
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '12');
      part(el, 'submit').click();
      await waitUntil(() => errorText(el) === 'Too short!');
    });
  });

  describe('when the configuration cannot load', () => {
    it('should show the error state, say why and emit phone-verify-error', async () => {
      const el = document.createElement('phone-verify');
      el.endpoint = '/auth/phone/nowhere';
      const errored = oneEvent(el, 'phone-verify-error') as Promise<PhoneVerifyErrorEvent>;
      document.body.append(el);
      try {
        expect((await errored).detail).to.deep.equal({ code: 'not_found' });
        await stepIs(el, 'error');
        expect(errorText(el)).to.equal('Phone sign-in is not available right now. Phone sign-in is not set up at this address.');
        expect(part(el, 'retry').textContent!.trim()).to.equal('Try again');
        expect(el.matches(':state(error)')).to.equal(true);
        await expect(el).to.be.accessible();
      } finally {
        el.remove();
      }
    });

    it('should say so when the answer is not JSON', async () => {
      const el = await loaded(html`<phone-verify endpoint="/not-the-router"></phone-verify>`);
      expect(el.step).to.equal('error');
      expect(errorText(el)).to.contain('The server gave an unexpected answer.');
    });

    it('should load again when the endpoint changes', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/phone/nowhere"></phone-verify>`);
      expect(el.step).to.equal('error');
      el.endpoint = '/auth/phone';
      await stepIs(el, 'enter-phone');
      expect(errorText(el)).to.equal('');
    });

    it('should load again after "Try again"', async () => {
      let fail = true;
      const spy = spyFetch(() => (fail ? Promise.reject(new TypeError('Failed to fetch')) : undefined));
      try {
        const el = await loaded();
        expect(el.step).to.equal('error');
        expect(errorText(el)).to.contain('We could not reach the server.');
        fail = false;
        part(el, 'retry').click();
        await stepIs(el, 'enter-phone');
        expect(spy.calls.filter((c) => c.url.endsWith('/config'))).to.have.length(2);
      } finally {
        spy.restore();
      }
    });
  });

  describe('when a code is being sent', () => {
    it('should pass accessibility tests and block a second submit', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/slow"></phone-verify>`);
      typeInto(part<HTMLInputElement>(el, 'phone-input'), GB_MOBILE);
      part(el, 'submit').click();
      await stepIs(el, 'sending');
      expect(part(el, 'submit').textContent!.trim()).to.equal('Sending…');
      expect(part<HTMLInputElement>(el, 'phone-input').readOnly).to.equal(true);
      part<HTMLInputElement>(el, 'phone-input').form!.requestSubmit();
      await expect(el).to.be.accessible();
      await stepIs(el, 'enter-code');
      expect((await outbox(GB_MOBILE)).count).to.equal(1);
    });
  });

  describe('when a number is sent', () => {
    it('should sign in end to end with the code from the outbox', async () => {
      const el = await loaded();
      const phone = part<HTMLInputElement>(el, 'phone-input');
      typeInto(phone, '+44 7400 123456');
      const sent = oneEvent(el, 'phone-verify-sent') as Promise<PhoneVerifySentEvent>;
      part(el, 'submit').click();
      await el.updateComplete;
      expect(el.step).to.equal('sending');
      expect(part<HTMLButtonElement>(el, 'submit').disabled).to.equal(true);
      expect(el.matches(':state(sending)')).to.equal(true);

      const event = await sent;
      expect(event.detail).to.deep.equal({ channel: 'sms', resendAfter: 30 });
      expect(event.bubbles && event.composed).to.equal(true);
      await stepIs(el, 'enter-code');
      const input = part<HTMLInputElement>(el, 'code-input');
      expect(labelFor(el, 'code')).to.equal('Enter the code sent to +44 7400 123456');
      expect(focusedId(el)).to.equal('code');
      // The attribute: Firefox's reflected `autocomplete` property reads '' for one-time-code.
      expect(input.getAttribute('autocomplete')).to.equal('one-time-code');
      expect(input.inputMode).to.equal('numeric');
      expect(input.maxLength).to.equal(6);
      expect(input.pattern).to.equal('\\d{6}');

      const code = await codeFor(GB_MOBILE);
      const success = oneEvent(el, 'phone-verify-success') as Promise<PhoneVerifySuccessEvent>;
      typeInto(input, code);
      const signedIn = await success;
      expect(signedIn.detail).to.deep.equal({ user: { id: signedIn.detail.user.id }, intent: 'signin' });
      expect(signedIn.detail.user.id).to.match(/^u\d+$/);
      expect(signedIn.cancelable).to.equal(true);
      await stepIs(el, 'done');
      expect(part(el, 'done').textContent).to.contain('signed in');
    });

    it('should read a national number with the chosen country', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      const spy = spyFetch();
      try {
        await sendTo(el, '07400 123456');
      } finally {
        spy.restore();
      }
      const start = spy.calls.find((c) => c.url.endsWith('/start'))!;
      expect(start.body).to.deep.include({ phone: '07400 123456', country: 'GB' });
      expect(labelFor(el, 'code')).to.equal('Enter the code sent to +44 7400 123456');
      expect((await outbox(GB_MOBILE)).count).to.equal(1);
    });

    it('should select the country of an international number as it is typed', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '+49 151 23456789');
      await el.updateComplete;
      expect(el.selectedCountry).to.equal('DE');
      expect(countryButtonName(el)).to.equal('Country: Germany DE +49');
    });

    it('should show a number the server refuses in place and keep focus on the field', async () => {
      const el = await loaded();
      const errored = oneEvent(el, 'phone-verify-error') as Promise<PhoneVerifyErrorEvent>;
      // A number that passes the browser's checks but not the server's (stubbed).
      const spy = spyFetch((url) =>
        url.endsWith('/start') ? Promise.resolve(new Response(JSON.stringify({ error: { code: 'invalid_phone', message: 'x' } }), { status: 400 })) : undefined,
      );
      try {
        typeInto(part<HTMLInputElement>(el, 'phone-input'), '+44 7400 123456');
        part(el, 'submit').click();
        expect((await errored).detail).to.deep.equal({ code: 'invalid_phone' });
      } finally {
        spy.restore();
      }
      await stepIs(el, 'enter-phone');
      expect(errorText(el)).to.equal('That does not look like a valid phone number. Check it and try again.');
      expect(part(el, 'phone-input').getAttribute('aria-invalid')).to.equal('true');
      // Issue 13 (errors never read twice) changed this: the region was an alert even when focus
      // moved onto the field, whose description says the error too. Nothing here had focus (a
      // click by script), so focus moves to the field and its description says it, once.
      expect(part(el, 'error').getAttribute('role')).to.equal(null);
      expect(part(el, 'phone-input').getAttribute('aria-describedby')!.split(' ')).to.include('error');
      expect(focusedId(el)).to.equal('phone');
    });

    it('should say a refusal by the alert when focus was already on the field (Send pressed: focus kept there while sending)', async () => {
      const el = await loaded();
      const spy = spyFetch((url) =>
        url.endsWith('/start') ? Promise.resolve(new Response(JSON.stringify({ error: { code: 'invalid_phone', message: 'x' } }), { status: 400 })) : undefined,
      );
      try {
        typeInto(part<HTMLInputElement>(el, 'phone-input'), '+44 7400 123456');
        part(el, 'submit').focus();
        part(el, 'submit').click();
        await waitUntil(() => errorText(el) !== '', 'no error');
      } finally {
        spy.restore();
      }
      await el.updateComplete;
      expect(focusedId(el)).to.equal('phone');
      expect(part(el, 'error').getAttribute('role')).to.equal('alert');
    });

    it('should not send anything for an empty number', async () => {
      const el = await loaded();
      const spy = spyFetch();
      try {
        part(el, 'submit').click();
        await el.updateComplete;
      } finally {
        spy.restore();
      }
      expect(spy.calls).to.have.length(0);
      expect(errorText(el)).to.equal('Enter your phone number.');
      expect(el.step).to.equal('enter-phone');
    });
  });
});
