// widget/test/metadata.test.ts
// The formatting metadata comes from the server (GET {endpoint}/metadata), for the
// countries it allows only (the test server allows GB, DE and US): formatting with
// it, countries it leaves out, and the element without it when it does not come.

import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { PhoneVerify } from '../src/index.js';
import { codeFor, errorText, formatterOf, GB_MOBILE, loaded, part, resetServer, spyFetch, stepIs, typeInto } from './helpers.js';

function phoneInput(el: PhoneVerify): HTMLInputElement {
  return part<HTMLInputElement>(el, 'phone-input');
}

/** A `<phone-verify>` whose fetches of `…/metadata` get `answer` instead of the server's. */
async function withMetadataAnswer(answer: () => Promise<Response>): Promise<{ el: PhoneVerify; asked: () => number }> {
  await PhoneVerify.loadFormatting();
  const spy = spyFetch((url) => (new URL(url, location.href).pathname.endsWith('/metadata') ? answer() : undefined));
  try {
    const el = await fixture<PhoneVerify>(html`<phone-verify default-country="GB"></phone-verify>`);
    await waitUntil(() => el.step === 'enter-phone', 'the configuration did not load');
    await waitUntil(() => spy.calls.some((c) => c.url.endsWith('/metadata')), 'the metadata was not asked for');
    // Let the answer (and the module's reading of it) settle.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { el, asked: () => spy.calls.filter((c) => c.url.endsWith('/metadata')).length };
  } finally {
    spy.restore();
  }
}

describe('<phone-verify> formatting metadata', () => {
  beforeEach(resetServer);

  it("should format with the server's metadata, which has the allowed countries only", async () => {
    const answer = await fetch('/auth/phone/metadata');
    expect(answer.headers.get('cache-control')).to.equal('public, max-age=86400');
    const metadata = (await answer.json()) as { countries: Record<string, unknown> };
    expect(Object.keys(metadata.countries).sort()).to.deep.equal(['DE', 'GB', 'US']);

    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    typeInto(phoneInput(el), '07400123456');
    expect(phoneInput(el).value).to.equal('07400 123456');
    typeInto(phoneInput(el), '+4915123456789');
    expect(phoneInput(el).value).to.equal('+49 1512 3456789');
    expect(el.selectedCountry).to.equal('DE');
    typeInto(phoneInput(el), '+12015550123');
    expect(phoneInput(el).value).to.equal('+1 201 555 0123');
    expect(el.selectedCountry).to.equal('US');
  });

  it('should fetch the metadata from its own endpoint, alongside the formatting module', async () => {
    const spy = spyFetch();
    try {
      const el = await loaded(html`<phone-verify endpoint="/auth/fast/" default-country="DE"></phone-verify>`);
      expect(spy.calls.map((c) => new URL(c.url, location.href).pathname)).to.include('/auth/fast/metadata');
      typeInto(phoneInput(el), '015123456789');
      expect(phoneInput(el).value).to.equal('01512 3456789');
    } finally {
      spy.restore();
    }
  });

  it('should neither format nor select a country the server does not allow, and let the server say no', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    // France is not allowed: its +33 is unknown to the metadata, so the number stays as typed.
    typeInto(phoneInput(el), '+33612345678');
    expect(phoneInput(el).value).to.equal('+33612345678');
    expect(el.selectedCountry).to.equal('GB');
    expect(formatterOf(el)!.readPhone('+33612345678', 'GB')).to.deep.equal({ text: '+33612345678', country: undefined, problem: undefined });
    // Not refused as "too short" in the browser: the server answers, with its reason.
    const spy = spyFetch();
    try {
      part(el, 'submit').click();
      await waitUntil(() => errorText(el) !== '', 'no error');
    } finally {
      spy.restore();
    }
    expect(spy.calls.some((c) => c.url.endsWith('/start'))).to.equal(true);
    // Issue 13: the server names the country it refused.
    expect(errorText(el)).to.equal('We cannot send codes to numbers from France.');
    expect(el.step).to.equal('enter-phone');
  });

  it('should still tell a landline from a mobile with mobile-only, from the mobile metadata of the server', async () => {
    const spy = spyFetch();
    try {
      const el = await loaded(html`<phone-verify default-country="GB" mobile-only></phone-verify>`);
      typeInto(phoneInput(el), '020 7946 0000');
      part(el, 'submit').click();
      await waitUntil(() => errorText(el) !== '', 'no error', { timeout: 4000 });
      expect(errorText(el)).to.equal('Enter a mobile number.');
      expect(spy.calls.some((c) => c.url.endsWith('/metadata?type=mobile'))).to.equal(true);
      expect(spy.calls.some((c) => c.url.endsWith('/start'))).to.equal(false);
    } finally {
      spy.restore();
    }
  });

  for (const [why, answer] of [
    ['the request fails', () => Promise.reject(new TypeError('Failed to fetch'))],
    ['the server answers an error', () => Promise.resolve(new Response('{"error":{"code":"not_found","message":"no"}}', { status: 404 }))],
    ['the answer is not metadata', () => Promise.resolve(new Response('{"hello":"world"}', { status: 200 }))],
  ] as const) {
    it(`should work without formatting when ${why}`, async () => {
      const { el, asked } = await withMetadataAnswer(answer);
      expect(asked()).to.equal(1);
      expect(formatterOf(el)).to.equal(undefined);
      typeInto(phoneInput(el), '07400123456');
      expect(phoneInput(el).value).to.equal('07400123456');
      part(el, 'submit').click();
      await stepIs(el, 'enter-code');
      typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
      await stepIs(el, 'done');
    });
  }
});
