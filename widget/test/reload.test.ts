// widget/test/reload.test.ts
// Reload-safe (issue 13): a new element on the same session (what a reload makes) asks
// GET /status and resumes at the code step of the verification the server still holds,
// sending no second code. A fresh fixture stands in for the reloaded page: same
// cookie, nothing else kept.

import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import type { PhoneVerify } from '../src/index.js';
import { advanceClock, codeFor, focusedId, GB_MOBILE, labelFor, loaded, outbox, part, resetServer, screenshot, sendTo, stepIs, typeInto } from './helpers.js';
import { settled } from './settled.js';

/** What a reload leaves: the element gone, a new one made from the page's markup. */
async function reload(markup = html`<phone-verify></phone-verify>`): Promise<PhoneVerify> {
  fixtureCleanup();
  const el = await fixture<PhoneVerify>(markup);
  await waitUntil(() => el.step === 'enter-code' || (el.step === 'enter-phone' && part(el, 'phone-input', true)), 'the element did not settle');
  await el.updateComplete;
  return el;
}

describe('reload', () => {
  beforeEach(async () => {
    await resetServer();
    sessionStorage.clear();
  });

  it('should resume at the code step with the number masked, send nothing, and sign in with the first code', async () => {
    const first = await loaded();
    await sendTo(first, GB_MOBILE);
    const el = await reload();
    await stepIs(el, 'enter-code');
    // The page keeps no copy of the number: the server shows it masked.
    expect(labelFor(el, 'code')).to.equal('Enter the code sent to +44 ••••••3456');
    expect(part(el, 'hint').textContent).to.match(/^Code expires in [45]:\d\d$/);
    expect(part(el, 'countdown').textContent).to.match(/^Send again in 0:[23]\d$/);
    await waitUntil(() => focusedId(el) === 'code', 'focus is not on the code field');
    expect((await outbox(GB_MOBILE)).count).to.equal(1);
    expect(Object.keys(sessionStorage)).to.deep.equal([]);
    expect(Object.keys(localStorage)).to.deep.equal([]);
    await settled(el);
    await expect(el).to.be.accessible();
    await screenshot(el, 'code-resumed');
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
    await stepIs(el, 'done');
    // The form value is whole again: the server's answer to the right code carries the verified number.
    expect(el.value).to.equal(GB_MOBILE);
    // Signed in: nothing is pending any more.
    const after = await reload();
    expect(after.step).to.equal('enter-phone');
  });

  it('should resume at "Send a new code" when the code ran out while the page was away', async () => {
    const first = await loaded(html`<phone-verify endpoint="/auth/strict"></phone-verify>`);
    await sendTo(first, GB_MOBILE);
    await advanceClock(61);
    const el = await reload(html`<phone-verify endpoint="/auth/strict"></phone-verify>`);
    await stepIs(el, 'enter-code');
    expect(part(el, 'hint').textContent).to.equal('This code has expired. Ask for a new one.');
    const resend = part(el, 'resend');
    expect(resend.textContent!.trim()).to.equal('Send a new code');
    resend.click();
    await waitUntil(async () => (await outbox(GB_MOBILE)).count === 2, 'no new code was sent');
    await waitUntil(() => part(el, 'hint').textContent!.startsWith('Code expires in'), 'the new code has no countdown');
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
    await stepIs(el, 'done');
  });

  it('should stay at the phone step after "Use another number"', async () => {
    const first = await loaded();
    await sendTo(first, GB_MOBILE);
    part(first, 'back').click();
    await stepIs(first, 'enter-phone');
    const el = await reload();
    expect(el.step).to.equal('enter-phone');
  });
});
