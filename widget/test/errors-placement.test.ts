// widget/test/errors-placement.test.ts
// Each error at its field (issue 13): in the code step the message sits right under the
// code field (not below the buttons), in the phone step right under the number field's row, is tied to it (aria-describedby, aria-invalid),
// goes as soon as the field is edited, and is said each time it happens, repeats included.

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerify } from '../src/index.js';
import { codeFor, errorText, GB_MOBILE, loaded, part, resetServer, screenshot, sendTo, stepIs } from './helpers.js';
import { settled } from './settled.js';

/** A wrong code for `code`, of the same length. */
const wrong = (code: string): string => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));

/** Types a whole code with the keyboard (the field submits itself) and waits for the answer. */
async function typeCode(el: PhoneVerify, code: string): Promise<void> {
  const input = part<HTMLInputElement>(el, 'code-input');
  input.focus();
  input.select();
  await sendKeys({ type: code });
  await stepIs(el, 'verifying', 2000).catch(() => undefined);
  await stepIs(el, 'enter-code');
}

/**
 * The error box starts at most 16 px under `field` (the input, or the row it sits in) and ends
 * above `next`; `input` is marked invalid and described by it.
 */
function expectErrorUnder(el: PhoneVerify, field: HTMLElement, input: HTMLElement, next: HTMLElement): void {
  const box = part(el, 'error');
  const gap = box.getBoundingClientRect().top - field.getBoundingClientRect().bottom;
  expect(gap).to.be.at.least(0);
  expect(gap).to.be.at.most(16);
  expect(box.getBoundingClientRect().bottom).to.be.at.most(next.getBoundingClientRect().top);
  expect(input.getAttribute('aria-describedby')!.split(' ')).to.include('error');
  expect(input.getAttribute('aria-invalid')).to.equal('true');
}

describe('errors at their field', () => {
  beforeEach(resetServer);

  for (const [name, width] of [
    ['phone', 390],
    ['desktop', 1280],
  ] as const) {
    it(`should show a wrong code's message right under the code field (${name})`, async () => {
      const el = await loaded();
      el.style.display = 'block';
      el.style.width = `${Math.min(width - 32, 480)}px`;
      await sendTo(el, GB_MOBILE);
      const code = await codeFor(GB_MOBILE);
      await typeCode(el, wrong(code));
      await waitUntil(() => errorText(el) !== '', 'no error');
      const input = part(el, 'code-input');
      expect(errorText(el)).to.equal('That code is not right. 4 attempts left.');
      // Above the Verify button, not after every button.
      expectErrorUnder(el, input, input, part(el, 'submit'));
      // One error region at a time.
      expect(el.shadowRoot!.querySelectorAll('[role="alert"]')).to.have.length(1);
      await settled(el);
      await expect(el).to.be.accessible();
      await screenshot(el, `code-error-${name}`);
    });
  }

  for (const [name, width] of [
    ['phone', 390],
    ['desktop', 1280],
  ] as const) {
    it(`should show a number's message right under the number field's row (${name})`, async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      el.style.display = 'block';
      el.style.width = `${Math.min(width - 32, 480)}px`;
      const input = part<HTMLInputElement>(el, 'phone-input');
      input.focus();
      await sendKeys({ type: '07400 12' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => errorText(el) !== '', 'no error');
      expect(errorText(el)).to.equal('That number is too short.');
      // The row holds the country button and the number; the message starts just below it.
      const row = input.parentElement!;
      expect(row.contains(part(el, 'country-toggle'))).to.equal(true);
      expectErrorUnder(el, row, input, part(el, 'hint'));
      expect(el.shadowRoot!.querySelectorAll('[role="alert"], #error')).to.have.length(1);
      await settled(el);
      await expect(el).to.be.accessible();
      await screenshot(el, `phone-error-${name}`);
    });
  }

  it('should clear the error and aria-invalid as soon as the code is edited', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    const code = await codeFor(GB_MOBILE);
    await typeCode(el, wrong(code));
    await waitUntil(() => errorText(el) !== '', 'no error');
    part(el, 'code-input').focus();
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(errorText(el)).to.equal('');
    expect(part(el, 'code-input').getAttribute('aria-invalid')).to.equal('false');
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('should clear a phone error and aria-invalid as soon as the number is edited', async () => {
    const el = await loaded();
    const input = part<HTMLInputElement>(el, 'phone-input');
    input.focus();
    await sendKeys({ type: '+44 20 7123 4567' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => errorText(el) !== '', 'no error');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(errorText(el)).to.equal('');
    expect(input.getAttribute('aria-invalid')).to.equal('false');
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('should say a repeated error again, once each time', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    const code = await codeFor(GB_MOBILE);
    const region = () => part(el, 'error');
    const said: string[] = [];
    let last = '';
    const observer = new MutationObserver(() => {
      const text = region().textContent!.trim();
      if (text !== last) {
        last = text;
        if (text) said.push(text);
      }
    });
    observer.observe(el.shadowRoot!, { childList: true, subtree: true, characterData: true });
    await typeCode(el, wrong(code));
    await waitUntil(() => said.length === 1, 'the first error was not shown');
    await typeCode(el, wrong(code));
    await waitUntil(() => said.length === 2, 'the repeated error was not shown again');
    observer.disconnect();
    expect(said).to.deep.equal(['That code is not right. 4 attempts left.', 'That code is not right. 3 attempts left.']);
  });

  it('should say "Checking…" while a code is checked, the form aria-busy', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    const code = await codeFor(GB_MOBILE);
    const seen: string[] = [];
    const observer = new MutationObserver(() => {
      const status = el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();
      const busy = part(el, 'form', true)?.getAttribute('aria-busy');
      seen.push(`${busy}:${status}`);
    });
    observer.observe(el.shadowRoot!, { childList: true, subtree: true, characterData: true, attributes: true });
    const input = part<HTMLInputElement>(el, 'code-input');
    input.focus();
    await sendKeys({ type: code });
    await stepIs(el, 'done');
    observer.disconnect();
    expect(seen).to.include('true:Checking…');
  });
});
