// widget/test/resend.test.ts
// After a resend (issue 13): the local provider (like most) sends a new code and the
// earlier one stops working, so the code step says to use the newest code; the newest signs in.

import { expect, html, waitUntil } from '@open-wc/testing';
import { codeFor, errorText, GB_MOBILE, loaded, outbox, part, resetServer, screenshot, sendTo, spyFetch, stepIs, typeInto } from './helpers.js';
import { settled } from './settled.js';

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
    await waitUntil(() => part(el, 'hint').textContent!.endsWith('Use the newest code we sent.'), 'the hint does not say to use the newest code');
    const status = el.shadowRoot!.querySelector('[role="status"]')!.textContent!;
    expect(status).to.contain('Use the newest code we sent.');
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
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).not.to.contain('newest');
    await settled(el);
    await expect(el).to.be.accessible();
  });
});
