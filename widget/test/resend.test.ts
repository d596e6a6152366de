// widget/test/resend.test.ts
// After a resend (issue 13): the local provider (like most) sends a new code and the
// earlier one stops working, so the code step says to use the newest code, and which send
// that was ("(3rd)") when it made them all; the newest signs in.

import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import type { PhoneVerify } from '../src/index.js';
import { codeFor, errorText, GB_MOBILE, loaded, outbox, part, resetServer, screenshot, sendTo, spyFetch, stepIs, typeInto } from './helpers.js';
import { settled } from './settled.js';

const status = (el: PhoneVerify) => el.shadowRoot!.querySelector('[role="status"]')!.textContent!;

/** Presses "Send again" once it is on, and waits for the `count`-th message and the code step after it. */
async function resend(el: PhoneVerify, count: number): Promise<void> {
  await waitUntil(() => part<HTMLButtonElement>(el, 'resend', true)?.disabled === false, 'no resend button', { timeout: 3000 });
  part(el, 'resend').click();
  await waitUntil(async () => (await outbox(GB_MOBILE)).count === count, `no message number ${count}`);
  await stepIs(el, 'enter-code');
}

describe('after a resend', () => {
  beforeEach(resetServer);

  it('should say to use the newest code, refuse the earlier one, and sign in with the newest', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    expect(part(el, 'hint').textContent).not.to.contain('newest');
    const first = await codeFor(GB_MOBILE);
    await waitUntil(() => part(el, 'resend', true), 'no resend button', { timeout: 3000 });
    part(el, 'resend').click();
    await waitUntil(async () => (await outbox(GB_MOBILE)).count === 2, 'no second code');
    await stepIs(el, 'enter-code');
    await waitUntil(() => part(el, 'hint').textContent!.endsWith('Use the newest code we sent (2nd).'), 'the hint does not say to use the newest code');
    expect(status(el)).to.contain('Use the newest code we sent (2nd).');
    await settled(el);
    await expect(el).to.be.accessible();
    await screenshot(el, 'code-resent');
    const newest = await codeFor(GB_MOBILE);
    if (newest !== first) {
      typeInto(part<HTMLInputElement>(el, 'code-input'), first);
      await waitUntil(() => errorText(el).startsWith('That code is not right.'), 'the earlier code was not refused');
    }
    typeInto(part<HTMLInputElement>(el, 'code-input'), newest);
    await stepIs(el, 'done');
  });

  it('should say nothing of the newest code when the server says the resend brought the same code (Twilio)', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    // The answer a Twilio-backed server gives (the test server's local provider sends a new code).
    const real = window.fetch;
    const spy = spyFetch((url, init) =>
      url.endsWith('/resend')
        ? real(url, init).then(async (response) => new Response(JSON.stringify({ ...(await response.json()), sameCode: true }), { status: response.status }))
        : undefined,
    );
    try {
      await waitUntil(() => part(el, 'resend', true), 'no resend button', { timeout: 3000 });
      part(el, 'resend').click();
      await waitUntil(async () => (await outbox(GB_MOBILE)).count === 2, 'no second code');
      await waitUntil(() => spy.calls.some((c) => c.url.endsWith('/resend')) && !el.shadowRoot!.querySelector('[aria-busy="true"]'), 'the resend did not end');
      await el.updateComplete;
    } finally {
      spy.restore();
    }
    expect(part(el, 'hint').textContent).to.match(/^Code expires in/);
    expect(part(el, 'hint').textContent).not.to.contain('newest');
    expect(status(el)).not.to.contain('newest');
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('should count the sends: the third code is the 3rd, also on another channel', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    await resend(el, 2);
    await waitUntil(() => part(el, 'hint').textContent!.endsWith('(2nd).'), 'the second code is not the 2nd');
    await waitUntil(() => part<HTMLButtonElement>(el, 'channel', true)?.disabled === false, 'no channel button', { timeout: 3000 });
    el.shadowRoot!.querySelector<HTMLButtonElement>('[data-channel="voice"]')!.click();
    await waitUntil(async () => (await outbox(GB_MOBILE)).count === 3, 'no call');
    await waitUntil(() => part(el, 'hint').textContent!.endsWith('. Use the newest code we sent (3rd).'), 'the third code is not the 3rd');
    expect(status(el)).to.contain('by phone call. Use the newest code we sent (3rd).');
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
    await stepIs(el, 'done');
  });

  it('should say the ordinal in the language of the messages: "2.", "2e", "2.º", "2回目"', async () => {
    for (const [lang, nth] of [
      ['de', '(den 2.).'],
      ['fr', '(le 2e).'],
      ['es', '(el 2.º).'],
      ['ja', '（2回目）を使用してください。'],
    ] as const) {
      await resetServer();
      const el = await loaded(html`<phone-verify endpoint="/auth/fast" lang=${lang}></phone-verify>`);
      await waitUntil(() => part(el, 'base').lang === lang, `${lang} did not load`);
      await sendTo(el, GB_MOBILE);
      await resend(el, 2);
      await waitUntil(() => part(el, 'hint').textContent!.endsWith(nth), `${lang}: ${part(el, 'hint').textContent} does not end with ${nth}`);
      fixtureCleanup();
    }
  });

  it('should leave the ordinal out after a reload: the sends before it are not known', async () => {
    const first = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    await sendTo(first, GB_MOBILE);
    await resend(first, 2);
    fixtureCleanup();
    const el = await fixture<PhoneVerify>(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    await stepIs(el, 'enter-code');
    expect(part(el, 'hint').textContent).to.match(/^Code expires in \d:\d\d$/);
    await resend(el, 3);
    await waitUntil(() => part(el, 'hint').textContent!.endsWith('. Use the newest code we sent.'), 'the hint does not say to use the newest code');
    expect(status(el)).to.contain('Use the newest code we sent.');
    expect(part(el, 'hint').textContent).not.to.match(/\(\d/);
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
    await stepIs(el, 'done');
  });
});
