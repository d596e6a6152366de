// widget/test/challenge.test.ts
// The widget's side of the challenge (CAPTCHA) contract: on `challenge_required` the
// element shows its `challenge` slot, fires `phone-verify-challenge`, and sends the
// stopped request again with `challengeToken` when the page calls `submitChallenge`.
// The server's answer is stubbed (429 challenge_required) only for the stopped
// request; the request sent again goes to the real plugin server.

import { expect, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import type { PhoneVerify, PhoneVerifyChallengeEvent } from '../src/index.js';
import { DE_MOBILE, errorText, GB_MOBILE, loaded, part, parts, resetServer, sendTo, spyFetch, stepIs, typeInto } from './helpers.js';

const CHALLENGE_TEXT = "Please confirm you're a person to continue.";

/** A 429 with the protocol's error body, as the server answers under pressure with a challenge configured. */
const challengeRequired = (): Promise<Response> =>
  Promise.resolve(
    new Response(JSON.stringify({ error: { code: 'challenge_required', message: 'Complete the challenge to continue.' } }), {
      status: 429,
      headers: { 'content-type': 'application/json' },
    }),
  );

/** Stubs the first request to `path` with `challenge_required`; every other request reaches the server. */
function challengeOnce(path: string) {
  let stopped = false;
  return spyFetch((url) => {
    if (stopped || new URL(url, location.href).pathname !== path) return undefined;
    stopped = true;
    return challengeRequired();
  });
}

const slot = (el: PhoneVerify): HTMLSlotElement | null => el.shadowRoot!.querySelector('slot[name="challenge"]');

describe('<phone-verify> challenge', () => {
  beforeEach(resetServer);

  it('should show no challenge slot until the server asks for one', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    expect(slot(el)).to.equal(null);
  });

  it('should ask the page for a challenge on start, then send the same number again with the token', async () => {
    const spy = challengeOnce('/auth/phone/start');
    try {
      const el = await loaded(html`<phone-verify default-country="GB"><div slot="challenge" id="captcha">captcha</div></phone-verify>`);
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '07400 123456');
      const asked = oneEvent(el, 'phone-verify-challenge') as Promise<PhoneVerifyChallengeEvent>;
      const failed = oneEvent(el, 'phone-verify-error');
      part(el, 'submit').click();
      const event = await asked;
      expect(event.detail).to.deep.equal({ step: 'start' });
      expect(event.bubbles && event.composed).to.equal(true);
      expect((await failed).detail).to.deep.equal({ code: 'challenge_required' });
      await el.updateComplete;
      expect(el.step).to.equal('enter-phone');
      expect(errorText(el)).to.equal(CHALLENGE_TEXT);
      // The page's widget shows through the slot, after the message (which sits under the number, issue 13).
      expect(
        slot(el)!
          .assignedElements()
          .map((e) => e.id),
      ).to.deep.equal(['captcha']);
      expect(slot(el)!.compareDocumentPosition(part(el, 'error')) & Node.DOCUMENT_POSITION_PRECEDING).to.not.equal(0);
      // Nothing pending is lost: the number stays in its field.
      expect(part<HTMLInputElement>(el, 'phone-input').value).to.equal('07400 123456');

      el.submitChallenge('token-1');
      await stepIs(el, 'enter-code');
      const starts = spy.calls.filter((c) => c.url.endsWith('/start'));
      expect(starts).to.have.length(2);
      expect(starts[1]!.body).to.deep.equal({ ...(starts[0]!.body as object), challengeToken: 'token-1' });
      expect(starts[0]!.body).to.not.have.property('challengeToken');
      expect((starts[1]!.body as { phone: string }).phone).to.equal('07400 123456');
      expect(slot(el)).to.equal(null);
      expect(errorText(el)).to.equal('');
    } finally {
      spy.restore();
    }
  });

  it('should ask again on resend, and send the resend again with the token on the same channel', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    await sendTo(el, DE_MOBILE);
    await waitUntil(() => parts(el, 'channel').some((b) => !(b as HTMLButtonElement).disabled), 'the resend buttons did not show', { timeout: 3000 });
    const spy = challengeOnce('/auth/fast/resend');
    try {
      const asked = oneEvent(el, 'phone-verify-challenge') as Promise<PhoneVerifyChallengeEvent>;
      const voice = parts(el, 'channel').find((b) => b.dataset['channel'] === 'voice')!;
      voice.click();
      expect((await asked).detail).to.deep.equal({ step: 'resend' });
      await el.updateComplete;
      expect(el.step).to.equal('enter-code');
      expect(errorText(el)).to.equal(CHALLENGE_TEXT);
      expect(slot(el)).to.not.equal(null);

      const sent = oneEvent(el, 'phone-verify-sent');
      el.submitChallenge('token-2');
      expect((await sent).detail.channel).to.equal('voice');
      const resends = spy.calls.filter((c) => c.url.endsWith('/resend'));
      expect(resends).to.have.length(2);
      expect(resends[1]!.body).to.deep.equal({ ...(resends[0]!.body as object), challengeToken: 'token-2' });
      await el.updateComplete;
      expect(slot(el)).to.equal(null);
    } finally {
      spy.restore();
    }
  });

  it('should ask again when the server refuses the token', async () => {
    const spy = spyFetch((url) => (url.endsWith('/start') ? challengeRequired() : undefined));
    try {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      typeInto(part<HTMLInputElement>(el, 'phone-input'), GB_MOBILE);
      part(el, 'submit').click();
      await oneEvent(el, 'phone-verify-challenge');
      const again = oneEvent(el, 'phone-verify-challenge') as Promise<PhoneVerifyChallengeEvent>;
      el.submitChallenge('bad-token');
      expect((await again).detail).to.deep.equal({ step: 'start' });
      await el.updateComplete;
      expect(slot(el)).to.not.equal(null);
      expect(spy.calls.filter((c) => c.url.endsWith('/start'))).to.have.length(2);
    } finally {
      spy.restore();
    }
  });

  it('should do nothing on submitChallenge when no challenge is pending', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    const spy = spyFetch();
    try {
      el.submitChallenge('unasked');
      await el.updateComplete;
      expect(spy.calls).to.have.length(0);
      expect(el.step).to.equal('enter-phone');
    } finally {
      spy.restore();
    }
  });
});
