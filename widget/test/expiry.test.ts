// widget/test/expiry.test.ts
// Expiry in place (issue 13): a live "Code expires in 0:02" under the code field, the
// status region speaking at the end (not every second), and "Send a new code" right
// there, which starts a new verification for the same number. The /auth/strict router
// keeps codes 60 s on a clock the test moves; the answer's expiresIn is shortened to
// 2 s in the browser so the widget's own countdown runs out quickly.

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { sendKeys } from '@web/test-runner-commands';
import { advanceClock, codeFor, focusedId, GB_MOBILE, loaded, outbox, part, resetServer, screenshot, stepIs, typeInto } from './helpers.js';
import { settled } from './settled.js';

/** Shortens the code's life in the answers of /start and /resend to `seconds`, as a server with a short TTL would say. Returns the undo. */
function shortenTtl(seconds: number): () => void {
  const original = window.fetch;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    if (!/\/(start|resend)$/.test(String(input))) return original(input, init);
    return original(input, init).then(async (response) => {
      const body = await response.json();
      if (response.ok) body.expiresIn = seconds;
      return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } });
    });
  };
  return () => void (window.fetch = original);
}

describe('expiry in place', () => {
  let restore: (() => void) | undefined;
  beforeEach(resetServer);
  afterEach(() => restore?.());

  it('should count down under the field, then offer "Send a new code" whose code signs in', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/strict"></phone-verify>`);
    restore = shortenTtl(2);

    const said: string[] = [];
    const status = el.shadowRoot!.querySelectorAll('[role="status"]')[0]!;
    const observer = new MutationObserver(() => said.push(status.textContent!.trim()));
    observer.observe(status, { childList: true, subtree: true, characterData: true });

    typeInto(part<HTMLInputElement>(el, 'phone-input'), GB_MOBILE);
    part(el, 'submit').click();
    await stepIs(el, 'enter-code');
    expect(part(el, 'hint').textContent).to.match(/^Code expires in 0:0[12]$/);
    const field = part(el, 'code-input').getBoundingClientRect();
    const verify = part(el, 'submit').getBoundingClientRect();

    await waitUntil(() => part(el, 'hint').textContent === 'This code has expired. Ask for a new one.', 'the code did not expire', { timeout: 4000 });
    await el.updateComplete;
    observer.disconnect();
    // Said when the code went out, when another may be asked for (1 s here) and when it expired; the seconds in between are not read out.
    expect([...new Set(said.filter((s) => s).map((s) => s.split('.')[0]))]).to.deep.equal([
      'We sent a code to +44 7400 123456 by text message',
      'You can ask for a new code now',
      'This code has expired',
    ]);
    const resend = part(el, 'resend');
    expect(resend.textContent!.trim()).to.equal('Send a new code');
    expect(part(el, 'countdown', true)).to.equal(null);
    // Nothing above the buttons moved.
    expect(part(el, 'code-input').getBoundingClientRect().top).to.equal(field.top);
    expect(part(el, 'submit').getBoundingClientRect().top).to.equal(verify.top);
    await settled(el);
    await expect(el).to.be.accessible();
    await screenshot(el, 'code-expired');

    await advanceClock(61); // the server's copy expires too
    resend.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(async () => (await outbox(GB_MOBILE)).count === 2, 'no new code was sent');
    await stepIs(el, 'enter-code');
    await waitUntil(() => part(el, 'hint').textContent!.startsWith('Code expires in'), 'the new code has no countdown');
    expect(focusedId(el)).to.equal('code');
    const second = await codeFor(GB_MOBILE);
    expect((await outbox(GB_MOBILE)).count).to.equal(2);
    typeInto(part<HTMLInputElement>(el, 'code-input'), second);
    await stepIs(el, 'done');
  });

  it('should keep the step and focus "Send a new code" when a check answers expired, localized', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/strict" lang="fr"></phone-verify>`);
    typeInto(part<HTMLInputElement>(el, 'phone-input'), GB_MOBILE);
    part(el, 'submit').click();
    await stepIs(el, 'enter-code');
    expect(part(el, 'hint').textContent).to.match(/^Le code expire dans [01]:\d\d$/);
    const code = await codeFor(GB_MOBILE);
    await advanceClock(61);
    typeInto(part<HTMLInputElement>(el, 'code-input'), code);
    await waitUntil(() => focusedId(el) === 'resend', 'focus did not reach "Send a new code"');
    expect(part(el, 'resend').textContent!.trim()).to.equal('Envoyer un nouveau code');
    expect(part(el, 'hint').textContent).to.equal('Ce code a expiré. Demandez-en un nouveau.');
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim()).to.equal('Ce code a expiré. Demandez-en un nouveau.');
    await settled(el);
    await expect(el).to.be.accessible();
  });
});
