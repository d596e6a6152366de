// widget/test/code-step-focus.test.ts
// The code step as a person at the keyboard feels it (issue 13): the other channels in
// sight but off while the countdown runs ("Call me instead · 0:27"), nothing moving when
// it ends, focus always on a real control (never the page's <body> while a request is
// pending), and each error said once: by the alert region, or, when focus moves onto
// the field with it, by the field's description, never by both.

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerify } from '../src/index.js';
import {
  codeFor,
  DE_MOBILE,
  errorText,
  focusedId,
  GB_MOBILE,
  loaded,
  part,
  parts,
  resetServer,
  sendTo,
  setViewportSize,
  skipHere,
  stepIs,
  typeInto,
} from './helpers.js';
import { settled } from './settled.js';

/** A wrong code of the right length. */
const wrong = (code: string): string => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));

const buttons = (el: PhoneVerify) => parts(el, 'channel') as HTMLButtonElement[];

/** Who says the shown error: the alert region (it is one, and has the text), and the focused field's description (it points at the error). */
function speakers(el: PhoneVerify, movedOnto: boolean): string[] {
  const region = part(el, 'error');
  const said: string[] = [];
  if (region.getAttribute('role') === 'alert' && region.textContent!.trim()) said.push('alert');
  const field = el.shadowRoot!.activeElement as HTMLElement | null;
  if (movedOnto && field?.getAttribute('aria-describedby')?.split(' ').includes('error') && region.textContent!.trim()) said.push('description');
  return said;
}

/** Holds every answer of `path` back for `ms` (a slow network), with the page's own fetch underneath. */
function slow(path: RegExp, ms: number): () => void {
  const real = window.fetch;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) =>
    path.test(String(input)) ? new Promise((resolve) => setTimeout(resolve, ms)).then(() => real(input, init)) : real(input, init);
  return () => void (window.fetch = real);
}

describe('the code step at the keyboard', () => {
  let restore: (() => void) | undefined;
  beforeEach(resetServer);
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('should show the other channels off with the countdown, then on', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/phone"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    expect(buttons(el).map((b) => b.textContent!.trim())).to.have.length(1);
    expect(buttons(el)[0]!.textContent!.trim()).to.match(/^Call me instead · 0:(30|29)$/);
    expect(buttons(el)[0]!.disabled).to.equal(true);
    expect(part(el, 'countdown').textContent!.trim()).to.match(/^Send again in 0:(30|29)$/);
    await settled(el);
    await expect(el).to.be.accessible();

    const fast = await loaded(html`<phone-verify endpoint="/auth/fast" lang="de"></phone-verify>`);
    await sendTo(fast, DE_MOBILE);
    expect(buttons(fast).map((b) => b.textContent!.trim())).to.deep.equal(['Stattdessen anrufen · 0:01', 'Per WhatsApp senden · 0:01']);
    await waitUntil(() => buttons(fast).every((b) => !b.disabled), 'the channels did not turn on', { timeout: 3000 });
    expect(buttons(fast).map((b) => b.textContent!.trim())).to.deep.equal(['Stattdessen anrufen', 'Per WhatsApp senden']);
  });

  for (const width of [390, 320]) {
    it(`should move nothing when the countdown ends (${width} px)`, async function () {
      const reached = await setViewportSize(width, 800);
      try {
        if (reached.width !== width)
          await skipHere(this, `the window cannot be narrower than ${reached.width} CSS px in this browser, so ${width} px cannot be shown`);
        const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
        await sendTo(el, DE_MOBILE);
        const where = () => ['code-input', 'submit', 'back'].map((name) => Math.round(part(el, name).getBoundingClientRect().top));
        const before = where();
        expect(part(el, 'countdown', true)).to.not.equal(null);
        await waitUntil(() => part(el, 'resend', true), 'no resend button', { timeout: 3000 });
        await el.updateComplete;
        expect(part(el, 'countdown', true)).to.equal(null);
        expect(where()).to.deep.equal(before);
      } finally {
        await setViewportSize(800, 600);
      }
    });
  }

  it('should keep focus on the number, not the page, while a pressed Send is pending', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/slow"></phone-verify>`);
    typeInto(part<HTMLInputElement>(el, 'phone-input'), GB_MOBILE);
    part(el, 'submit').focus();
    await sendKeys({ press: 'Enter' });
    await stepIs(el, 'sending');
    expect(part<HTMLButtonElement>(el, 'submit').disabled).to.equal(true);
    expect(focusedId(el)).to.equal('phone');
    await stepIs(el, 'enter-code');
    expect(focusedId(el)).to.equal('code');
  });

  it('should keep focus on the code field while a pressed Verify, Send again or Use another number is pending', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    restore = slow(/\/(verify|resend|cancel)$/, 400);

    await waitUntil(() => part(el, 'resend', true), 'no resend button', { timeout: 3000 });
    part(el, 'resend').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part<HTMLButtonElement>(el, 'resend').disabled).to.equal(true);
    expect(focusedId(el)).to.equal('code');
    await waitUntil(() => !el.shadowRoot!.querySelector('[part~="form"][aria-busy="true"]'), 'the resend did not end');

    part(el, 'submit').focus();
    typeInto(part<HTMLInputElement>(el, 'code-input'), wrong(await codeFor(GB_MOBILE)));
    await stepIs(el, 'verifying');
    expect(focusedId(el)).to.equal('code');
    await waitUntil(() => errorText(el) !== '', 'no error');
    expect(focusedId(el)).to.equal('code');

    part(el, 'back').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(focusedId(el)).to.equal('code');
    await stepIs(el, 'enter-phone');
    expect(focusedId(el)).to.equal('phone');
  });

  it('should say an error once: by the alert when focus is on its field, by the description when focus moves there', async () => {
    const el = await loaded();
    const input = part<HTMLInputElement>(el, 'phone-input');
    // Send pressed with half a number: focus moves from the button to the field, whose description says it.
    typeInto(input, '+44 7400');
    part(el, 'submit').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => errorText(el) !== '', 'no error');
    await el.updateComplete;
    expect(focusedId(el)).to.equal('phone');
    expect(speakers(el, true)).to.deep.equal(['description']);
    await settled(el);
    await expect(el).to.be.accessible();

    // Enter in the field again: focus stays, the alert says it (the description is not read again).
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(errorText(el)).to.equal('');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => errorText(el) !== '', 'no second error');
    await el.updateComplete;
    expect(speakers(el, false)).to.deep.equal(['alert']);

    // In the code step: a wrong code typed into the field (focus there): the alert.
    typeInto(input, GB_MOBILE);
    part(el, 'submit').click();
    await stepIs(el, 'enter-code');
    const code = part<HTMLInputElement>(el, 'code-input');
    code.focus();
    await sendKeys({ type: wrong(await codeFor(GB_MOBILE)) });
    await waitUntil(() => errorText(el) !== '', 'no code error');
    await el.updateComplete;
    expect(focusedId(el)).to.equal('code');
    expect(speakers(el, false)).to.deep.equal(['alert']);

    // Verify pressed on half a code: focus moves to the code field, its description says it.
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Backspace' });
    part(el, 'submit').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => errorText(el).startsWith('Enter all'), 'no incomplete-code error');
    await el.updateComplete;
    expect(focusedId(el)).to.equal('code');
    expect(speakers(el, true)).to.deep.equal(['description']);
    await settled(el);
    await expect(el).to.be.accessible();
  });
});
