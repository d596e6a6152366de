// widget/test/code-step.test.ts
// The code step of <phone-verify> against the real server plugin: wrong codes, paste,
// keyboard use, resend and channels, going back, and the ways a verification ends.

import { expect, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerifyErrorEvent, PhoneVerifySentEvent, PhoneVerifySuccessEvent } from '../src/index.js';
import {
  advanceClock,
  allAttributeValues,
  codeFor,
  DE_MOBILE,
  errorText,
  focusedId,
  GB_MOBILE,
  labelFor,
  loaded,
  outbox,
  part,
  parts,
  paste,
  resetServer,
  sendTo,
  spyFetch,
  stepIs,
  typeInto,
} from './helpers.js';

/** A wrong code of the right length (the real one with its first digit changed). */
function wrong(code: string): string {
  return String((Number(code[0]) + 1) % 10) + code.slice(1);
}

describe('<phone-verify> code step', () => {
  beforeEach(async () => {
    await resetServer();
  });

  describe('when the code is wrong', () => {
    it('should say so with the attempts left and keep the code step', async () => {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      const errored = oneEvent(el, 'phone-verify-error') as Promise<PhoneVerifyErrorEvent>;
      typeInto(part<HTMLInputElement>(el, 'code-input'), wrong(await codeFor(GB_MOBILE)));
      expect((await errored).detail).to.deep.equal({ code: 'invalid_code' });
      await stepIs(el, 'enter-code');
      expect(errorText(el)).to.equal('That code is not right. 4 attempts left.');
      const input = part<HTMLInputElement>(el, 'code-input');
      expect(input.getAttribute('aria-invalid')).to.equal('true');
      expect(focusedId(el)).to.equal('code');
      // The wrong code is selected, so typing replaces it.
      expect([input.selectionStart, input.selectionEnd]).to.deep.equal([0, 6]);
    });

    it('should still accept the right code afterwards', async () => {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      const code = await codeFor(GB_MOBILE);
      typeInto(part<HTMLInputElement>(el, 'code-input'), wrong(code));
      await waitUntil(() => errorText(el).includes('attempts left'));
      typeInto(part<HTMLInputElement>(el, 'code-input'), code);
      await stepIs(el, 'done');
      expect(errorText(el)).to.equal('');
    });

    it('should go back to the phone step after too many wrong codes', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/strict"></phone-verify>`);
      await sendTo(el, GB_MOBILE);
      const code = await codeFor(GB_MOBILE);
      typeInto(part<HTMLInputElement>(el, 'code-input'), wrong(code));
      await waitUntil(() => errorText(el) === 'That code is not right. 1 attempt left.');
      typeInto(part<HTMLInputElement>(el, 'code-input'), wrong(code));
      await stepIs(el, 'enter-phone');
      expect(errorText(el)).to.equal('Too many wrong codes. Enter your number to get a new one.');
      expect(part<HTMLInputElement>(el, 'phone-input').value).to.equal('+44 7400 123456');
      expect(focusedId(el)).to.equal('phone');
    });
  });

  describe('when the code has expired', () => {
    // Issue 13: the step stays, says so at the field, and offers "Send a new code" right there (expiry.test.ts).
    it('should stay on the code step with "Send a new code" focused', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/strict"></phone-verify>`);
      await sendTo(el, '+44 7400 123456');
      const code = await codeFor(GB_MOBILE);
      await advanceClock(120);
      const errored = oneEvent(el, 'phone-verify-error') as Promise<PhoneVerifyErrorEvent>;
      typeInto(part<HTMLInputElement>(el, 'code-input'), code);
      expect((await errored).detail.code).to.equal('expired');
      await waitUntil(() => focusedId(el) === 'resend', 'focus did not reach "Send a new code"');
      expect(el.step).to.equal('enter-code');
      expect(part(el, 'hint').textContent).to.equal('This code has expired. Ask for a new one.');
      expect(part(el, 'resend').textContent!.trim()).to.equal('Send a new code');
      expect(errorText(el)).to.equal('');
    });
  });

  describe('when the server has no pending verification', () => {
    it('should go back to the phone step', async () => {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      const code = await codeFor(GB_MOBILE);
      await resetServer(); // drops every session, as if it had expired server-side
      typeInto(part<HTMLInputElement>(el, 'code-input'), code);
      await stepIs(el, 'enter-phone');
      expect(errorText(el)).to.equal('That code is no longer waiting to be checked. Enter your number to get a new one.');
    });
  });

  describe('when a code is pasted', () => {
    it('should take the code out of the text and submit it', async () => {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      const code = await codeFor(GB_MOBILE);
      const input = part<HTMLInputElement>(el, 'code-input');
      const success = oneEvent(el, 'phone-verify-success');
      expect(paste(input, `Your code is ${code}. Do not share it.`)).to.equal(false);
      expect(input.value).to.equal(code);
      await success;
      await stepIs(el, 'done');
    });

    it('should keep only the digits of a spaced code', async () => {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      const input = part<HTMLInputElement>(el, 'code-input');
      paste(input, '12 3');
      expect(input.value).to.equal('123');
      expect(el.step).to.equal('enter-code');
    });
  });

  describe('when used with the keyboard only', () => {
    it('should sign in with Tab, typing and Enter', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      el.focus();
      expect(focusedId(el)).to.equal('country');
      await sendKeys({ press: 'Tab' });
      expect(focusedId(el)).to.equal('phone');
      await sendKeys({ type: '07400 123456' });
      await sendKeys({ press: 'Enter' });
      await stepIs(el, 'enter-code');
      expect(focusedId(el)).to.equal('code');
      const code = await codeFor(GB_MOBILE);
      await sendKeys({ type: code.slice(0, 5) });
      expect(el.step).to.equal('enter-code');
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(errorText(el)).to.equal('Enter all 6 digits of the code.');
      await sendKeys({ type: code.slice(5) });
      await stepIs(el, 'done');
      expect(focusedId(el)).to.equal('done');
    });

    it('should ignore letters typed into the code field', async () => {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      await sendKeys({ type: '1a2b' });
      expect(part<HTMLInputElement>(el, 'code-input').value).to.equal('12');
    });
  });

  describe('when a request is pending', () => {
    it('should send one verify request however often the code is submitted', async () => {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      const code = await codeFor(GB_MOBILE);
      const spy = spyFetch();
      try {
        const input = part<HTMLInputElement>(el, 'code-input');
        typeInto(input, code);
        await el.updateComplete;
        expect(part<HTMLButtonElement>(el, 'submit').disabled).to.equal(true);
        expect(input.readOnly).to.equal(true);
        input.form!.requestSubmit();
        input.form!.requestSubmit();
        await stepIs(el, 'done');
      } finally {
        spy.restore();
      }
      expect(spy.calls.filter((c) => c.url.endsWith('/verify'))).to.have.length(1);
    });
  });

  describe('when the resend countdown runs', () => {
    it('should count down, then offer to send again', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
      await sendTo(el, DE_MOBILE);
      expect(part(el, 'countdown').textContent!.trim()).to.equal('Send again in 0:01');
      expect(parts(el, 'resend')).to.have.length(0);
      await waitUntil(() => parts(el, 'resend').length === 1, 'no resend button', { timeout: 3000 });
      expect(part(el, 'resend').textContent!.trim()).to.equal('Send again');
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('You can ask for a new code now.');

      const first = await codeFor(DE_MOBILE);
      const sent = oneEvent(el, 'phone-verify-sent') as Promise<PhoneVerifySentEvent>;
      part(el, 'resend').click();
      expect((await sent).detail).to.deep.equal({ channel: 'sms', resendAfter: 1 });
      await el.updateComplete;
      expect((await outbox(DE_MOBILE)).count).to.equal(2);
      expect(parts(el, 'countdown')).to.have.length(1);
      expect(focusedId(el)).to.equal('code');

      const second = await codeFor(DE_MOBILE);
      typeInto(part<HTMLInputElement>(el, 'code-input'), second);
      await stepIs(el, 'done');
      expect(second).to.not.equal(first);
    });

    it('should restart the countdown when the server says it is too soon', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
      await sendTo(el, DE_MOBILE);
      await waitUntil(() => parts(el, 'resend').length === 1, 'no resend button', { timeout: 3000 });
      // Another tab of the same session resends first.
      const other = await fetch('/auth/fast/resend', { method: 'POST', headers: { 'content-type': 'application/json', 'x-phone-verify': '1' }, body: '{}' });
      expect(other.status).to.equal(200);
      const errored = oneEvent(el, 'phone-verify-error') as Promise<PhoneVerifyErrorEvent>;
      part(el, 'resend').click();
      expect((await errored).detail.code).to.equal('resend_too_soon');
      await el.updateComplete;
      expect(part(el, 'countdown').textContent!.trim()).to.equal('Send again in 0:01');
      expect(errorText(el)).to.equal('Please wait a little before asking for another code.');
      expect(el.step).to.equal('enter-code');
    });
  });

  describe('when another channel is chosen', () => {
    it('should offer one button per other channel and call on voice', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
      await sendTo(el, DE_MOBILE);
      // Issue 13: the other channels show (off, with the countdown) from the start, so this waits for them to turn on.
      const on = () => parts(el, 'channel').length > 0 && parts(el, 'channel').every((b) => !(b as HTMLButtonElement).disabled);
      await waitUntil(on, 'no channel buttons', { timeout: 3000 });
      expect(parts(el, 'channel').map((b) => b.textContent!.trim())).to.deep.equal(['Call me instead', 'Send on WhatsApp']);

      const sent = oneEvent(el, 'phone-verify-sent') as Promise<PhoneVerifySentEvent>;
      parts(el, 'channel')[0]!.click();
      expect((await sent).detail).to.deep.equal({ channel: 'voice', resendAfter: 1 });
      await el.updateComplete;
      const { message } = await outbox(DE_MOBILE);
      expect(message!.channel).to.equal('voice');
      expect(labelFor(el, 'code')).to.equal('We’re calling +49 1512 3456789. Enter the code you hear.');

      await waitUntil(on, 'no channel buttons', { timeout: 3000 });
      expect(parts(el, 'channel').map((b) => b.textContent!.trim())).to.deep.equal(['Text me instead', 'Send on WhatsApp']);
      typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(DE_MOBILE));
      await stepIs(el, 'done');
    });
  });

  describe('when "Use another number" is chosen', () => {
    it('should cancel on the server and return to the phone step with the number kept', async () => {
      const el = await loaded();
      await sendTo(el, '+44 7400 123456');
      const code = await codeFor(GB_MOBILE);
      const spy = spyFetch();
      try {
        part(el, 'back').click();
        await stepIs(el, 'enter-phone');
      } finally {
        spy.restore();
      }
      expect(spy.calls.map((c) => new URL(c.url, location.href).pathname)).to.deep.equal(['/auth/phone/cancel']);
      expect(part<HTMLInputElement>(el, 'phone-input').value).to.equal('+44 7400 123456');
      expect(focusedId(el)).to.equal('phone');
      // The old code is dead.
      const late = await fetch('/auth/phone/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-phone-verify': '1' },
        body: JSON.stringify({ code }),
      });
      expect(((await late.json()) as { error: { code: string } }).error.code).to.equal('no_pending_verification');
    });
  });

  describe('when the server sends a redirect', () => {
    it('should go there after success', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/redirect"></phone-verify>`);
      const visited: string[] = [];
      (el as unknown as { navigate: (url: string) => void }).navigate = (url) => void visited.push(url);
      await sendTo(el, GB_MOBILE);
      const success = oneEvent(el, 'phone-verify-success') as Promise<PhoneVerifySuccessEvent>;
      typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
      expect((await success).detail.redirect).to.equal('/signed-in');
      await stepIs(el, 'done');
      expect(visited).to.deep.equal(['/signed-in']);
    });

    it('should stay when the page cancels the success event', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/redirect"></phone-verify>`);
      const visited: string[] = [];
      (el as unknown as { navigate: (url: string) => void }).navigate = (url) => void visited.push(url);
      el.addEventListener('phone-verify-success', (event) => event.preventDefault());
      await sendTo(el, GB_MOBILE);
      typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
      await stepIs(el, 'done');
      expect(visited).to.deep.equal([]);
    });
  });

  describe('when events fire', () => {
    it('should never expose the code or the full number in details, attributes or storage', async () => {
      const el = await loaded();
      const details: string[] = [];
      const record = (event: Event) => void details.push(JSON.stringify((event as CustomEvent).detail));
      for (const name of ['phone-verify-sent', 'phone-verify-error', 'phone-verify-success']) document.addEventListener(name, record);
      try {
        await sendTo(el, GB_MOBILE);
        const code = await codeFor(GB_MOBILE);
        typeInto(part<HTMLInputElement>(el, 'code-input'), wrong(code));
        await waitUntil(() => errorText(el).includes('attempts left'));
        const input = part<HTMLInputElement>(el, 'code-input');
        typeInto(input, code.slice(0, 5));
        expect(allAttributeValues(el).join(' ')).to.not.contain(code.slice(0, 5));
        typeInto(input, code);
        await stepIs(el, 'done');
        expect(details).to.have.length(3);
        const everything = [
          ...details,
          ...allAttributeValues(el),
          JSON.stringify({ ...localStorage }),
          JSON.stringify({ ...sessionStorage }),
          document.cookie,
        ].join('\n');
        expect(everything).to.not.contain(code);
        expect(everything).to.not.contain(wrong(code));
        expect(everything).to.not.contain('7400123456');
      } finally {
        for (const name of ['phone-verify-sent', 'phone-verify-error', 'phone-verify-success']) document.removeEventListener(name, record);
      }
    });
  });
});
