// widget/test/refusals.test.ts
// The right message for each refusal (issue 13): a landline with its country allowed is
// refused for its kind of line, a number from another country names that country; a limit
// says "later", or when the server says when, that time in one sentence.

import { expect, html } from '@open-wc/testing';
import type { PhoneVerify } from '../src/index.js';
import { errorText, GB_MOBILE, loaded, outbox, part, resetServer, spyFetch, stepIs, typeInto } from './helpers.js';
import { settled } from './settled.js';

async function submit(el: PhoneVerify, phone: string): Promise<void> {
  typeInto(part<HTMLInputElement>(el, 'phone-input'), phone);
  part(el, 'submit').click();
  await stepIs(el, 'sending', 2000).catch(() => undefined);
  await stepIs(el, 'enter-phone');
}

describe('refusals', () => {
  beforeEach(resetServer);

  it('should say "Enter a mobile number" for a UK landline with the UK allowed, at the phone field', async () => {
    const el = await loaded();
    await submit(el, '+44 20 7123 4567');
    expect(errorText(el)).to.equal('We cannot send codes to this kind of number. Enter a mobile number.');
    expect(errorText(el)).not.to.contain('country');
    expect(part(el, 'phone-input').getAttribute('aria-invalid')).to.equal('true');
    expect((await outbox('+442071234567')).count).to.equal(0);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it("should name the country of a number from a country not allowed, in the element's language", async () => {
    const el = await loaded();
    await submit(el, '+33 6 12 34 56 78');
    expect(errorText(el)).to.equal('We cannot send codes to numbers from France.');
    expect(part(el, 'phone-input').getAttribute('aria-invalid')).to.equal('true');

    const de = await loaded(html`<phone-verify lang="de"></phone-verify>`);
    await submit(de, '+33 6 12 34 56 78');
    expect(errorText(de)).to.equal('An Nummern aus diesem Land (Frankreich) können wir keine Codes senden.');
    await submit(de, '+44 20 7123 4567');
    expect(errorText(de)).to.equal('An diese Art von Nummer können wir keine Codes senden. Geben Sie eine Mobilnummer ein.');
    await settled(de);
    await expect(de).to.be.accessible();
  });

  for (const [code, status, retryAfter, message] of [
    ['rate_limited', 429, undefined, 'Too many codes were requested. Please try again later.'],
    ['rate_limited', 429, 600, 'Too many codes were requested. Try again in 10 minutes.'],
    ['provider_unavailable', 503, undefined, 'The code could not be sent. Please try again in a few seconds.'],
    ['provider_unavailable', 503, 45, 'The code could not be sent. Try again in 45 seconds.'],
  ] as const) {
    it(`should say "${message}" for ${code} ${retryAfter === undefined ? 'without a time' : `with retryAfter ${retryAfter}`}`, async () => {
      const el = await loaded();
      const error = { code, message: 'x', ...(retryAfter === undefined ? {} : { retryAfter }) };
      const spy = spyFetch((url) => (url.endsWith('/start') ? Promise.resolve(new Response(JSON.stringify({ error }), { status })) : undefined));
      try {
        await submit(el, GB_MOBILE);
      } finally {
        spy.restore();
      }
      expect(errorText(el)).to.equal(message);
    });
  }
});
