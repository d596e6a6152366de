// widget/test/phone-input.test.ts
// The phone field: as-you-type formatting with a caret that stays put, pasted and
// international numbers, other digit scripts, validation messages, mobile-only, and
// the formatting module arriving after the first render (or never).

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { sendKeys } from '@web/test-runner-commands';
import { PhoneVerify } from '../src/index.js';
import { significantBefore } from '../src/text.js';
import { codeFor, errorText, focusedId, GB_MOBILE, labelFor, loaded, part, paste, resetServer, sendTo, spyFetch, stepIs, typeInto } from './helpers.js';

function phoneInput(el: PhoneVerify): HTMLInputElement {
  return part<HTMLInputElement>(el, 'phone-input');
}

/** Puts the caret after the `count`-th digit of the phone field. */
function caretAfterDigit(input: HTMLInputElement, count: number): void {
  let at = 0;
  for (let seen = 0; at < input.value.length && seen < count; at++) if (/\d/.test(input.value[at]!)) seen++;
  input.focus();
  input.setSelectionRange(at, at);
}

/** Formatting that never arrives, and formatting that fails to load. */
class NeverFormats extends PhoneVerify {
  static calls = 0;
  static override loadFormatting() {
    NeverFormats.calls++;
    return new Promise<never>(() => undefined);
  }
}
class FailsToFormat extends PhoneVerify {
  static override loadFormatting() {
    return Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
  }
}
customElements.define('phone-verify-never-formats', NeverFormats);
customElements.define('phone-verify-fails-to-format', FailsToFormat);

describe('<phone-verify> phone field', () => {
  beforeEach(resetServer);

  describe('when a number is typed', () => {
    it('should format it as it goes', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      phoneInput(el).focus();
      await sendKeys({ type: '07400123456' });
      expect(phoneInput(el).value).to.equal('07400 123456');
      phoneInput(el).select();
      await sendKeys({ type: '+4915123456789' });
      expect(phoneInput(el).value).to.equal('+49 1512 3456789');
      expect(el.selectedCountry).to.equal('DE');
    });

    it('should keep the caret after the digit typed or deleted in the middle', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      const input = phoneInput(el);
      typeInto(input, '07400 123456');
      caretAfterDigit(input, 7); // after "07400 12"
      await sendKeys({ press: 'Backspace' });
      expect(input.value.replace(/\D/g, '')).to.equal('0740013456');
      expect(significantBefore(input.value, input.selectionStart!)).to.equal(6);
      expect(input.value[input.selectionStart! - 1]).to.equal('1');
      await sendKeys({ type: '8' });
      expect(input.value).to.equal('07400 183456');
      expect(input.selectionStart).to.equal(input.selectionEnd);
      expect(input.value[input.selectionStart! - 1]).to.equal('8');
      expect(significantBefore(input.value, input.selectionStart!)).to.equal(7);
    });

    it('should delete the digit before a space the formatting put there', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      const input = phoneInput(el);
      typeInto(input, '07400 123456');
      input.focus();
      input.setSelectionRange(6, 6); // just after the space
      await sendKeys({ press: 'Backspace' });
      expect(input.value.replace(/\D/g, '')).to.equal('0740123456');
      expect(significantBefore(input.value, input.selectionStart!)).to.equal(4);
    });

    it('should read Arabic-Indic and full-width digits as digits', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      typeInto(phoneInput(el), '٠٧٤٠٠١٢٣٤٥٦');
      expect(phoneInput(el).value).to.equal('07400 123456');
      typeInto(phoneInput(el), '۰۷۴۰۰۱۲۳۴۵۶');
      expect(phoneInput(el).value).to.equal('07400 123456');
      typeInto(phoneInput(el), '＋４４７４００１２３４５６');
      expect(phoneInput(el).value).to.equal('+44 7400 123456');
    });

    it('should drop letters', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      phoneInput(el).focus();
      await sendKeys({ type: '07a4b00' });
      expect(phoneInput(el).value).to.equal('07400');
    });
  });

  describe('when a number is pasted', () => {
    it('should switch the country and not double the calling code', async () => {
      const el = await loaded(html`<phone-verify default-country="DE"></phone-verify>`);
      const input = phoneInput(el);
      typeInto(input, '0151');
      input.setSelectionRange(4, 4);
      expect(paste(input, '+44 7400 123456')).to.equal(false);
      expect(input.value).to.equal('+44 7400 123456');
      expect(el.selectedCountry).to.equal('GB');
      const spy = spyFetch();
      try {
        part(el, 'submit').click();
        await stepIs(el, 'enter-code');
      } finally {
        spy.restore();
      }
      const body = spy.calls.find((c) => c.url.endsWith('/start'))!.body as { phone: string; country: string };
      expect(body.phone.replace(/\D/g, '')).to.equal('447400123456');
      expect(body.country).to.equal('GB');
      expect(labelFor(el, 'code')).to.equal('Enter the code sent to +44 7400 123456');
    });

    it('should take the number out of surrounding text, 00 prefix included', async () => {
      const el = await loaded(html`<phone-verify default-country="DE"></phone-verify>`);
      paste(phoneInput(el), 'Call me on 0044 7400 123456 please');
      expect(phoneInput(el).value.replace(/\D/g, '')).to.equal('00447400123456');
      expect(el.selectedCountry).to.equal('GB');
    });

    it('should insert a national number at the caret', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      const input = phoneInput(el);
      typeInto(input, '07400');
      input.setSelectionRange(5, 5);
      paste(input, '123456');
      expect(input.value).to.equal('07400 123456');
    });
  });

  describe('when the number is checked before sending', () => {
    for (const [typed, message] of [
      ['07400 12', 'That number is too short.'],
      // Typed, a national number cannot get too long (see the length cap); pasted whole, an international one can.
      ['+44 7400 1234567', 'That number is too long.'],
      ['06000 000000', 'That is not a valid number for United Kingdom.'],
    ] as const) {
      it(`should say "${message}" without asking the server`, async () => {
        const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
        const spy = spyFetch();
        try {
          typeInto(phoneInput(el), typed);
          part(el, 'submit').click();
          await waitUntil(() => errorText(el) !== '');
        } finally {
          spy.restore();
        }
        expect(errorText(el)).to.equal(message);
        expect(spy.calls).to.have.length(0);
        expect(phoneInput(el).getAttribute('aria-invalid')).to.equal('true');
        expect(focusedId(el)).to.equal('phone');
        await expect(el).to.be.accessible();
      });
    }

    it('should refuse a landline with mobile-only, and send a mobile', async () => {
      const el = await loaded(html`<phone-verify default-country="GB" mobile-only></phone-verify>`);
      expect(el.mobileOnly).to.equal(true);
      typeInto(phoneInput(el), '020 7946 0000');
      part(el, 'submit').click();
      await waitUntil(() => errorText(el) !== '', 'no error', { timeout: 4000 });
      expect(errorText(el)).to.equal('Enter a mobile number.');
      expect(el.step).to.equal('enter-phone');
      typeInto(phoneInput(el), '07400 123456');
      part(el, 'submit').click();
      await stepIs(el, 'enter-code');
    });

    it('should send a landline without mobile-only (the server decides)', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      const spy = spyFetch();
      try {
        typeInto(phoneInput(el), '020 7946 0000');
        part(el, 'submit').click();
        await waitUntil(() => spy.calls.some((c) => c.url.endsWith('/start')), 'nothing was sent');
      } finally {
        spy.restore();
      }
    });
  });

  describe('when the formatting module loads', () => {
    it('should ask for it only after the first render', async () => {
      NeverFormats.calls = 0;
      const el = document.createElement('phone-verify-never-formats') as NeverFormats;
      document.body.append(el);
      try {
        await el.updateComplete;
        expect(el.shadowRoot!.textContent).to.contain('Loading…');
        expect(NeverFormats.calls).to.equal(0);
        await waitUntil(() => NeverFormats.calls === 1, 'formatting was not asked for');
      } finally {
        el.remove();
      }
    });

    it('should work without it while it has not arrived', async () => {
      const el = await loaded<NeverFormats>(html`<phone-verify-never-formats default-country="GB"></phone-verify-never-formats>`);
      typeInto(phoneInput(el), '07400123456');
      expect(phoneInput(el).value).to.equal('07400123456');
      await sendTo(el, '07400123456');
      expect(labelFor(el, 'code')).to.equal('Enter the code sent to +447400123456');
      typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
      await stepIs(el, 'done');
    });

    it('should work without it when it fails to load, the server checking the number', async () => {
      const el = await loaded<FailsToFormat>(html`<phone-verify-fails-to-format default-country="GB"></phone-verify-fails-to-format>`);
      typeInto(phoneInput(el), '+44 12');
      part(el, 'submit').click();
      await waitUntil(() => errorText(el) !== '');
      expect(errorText(el)).to.equal('That does not look like a valid phone number. Check it and try again.');
      typeInto(phoneInput(el), '+447400123456');
      expect(phoneInput(el).value).to.equal('+447400123456');
      part(el, 'submit').click();
      await stepIs(el, 'enter-code');
    });
  });
});
