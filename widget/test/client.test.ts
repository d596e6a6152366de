// widget/test/client.test.ts
// PhoneVerifyClient against the real router, plus the failures only a stubbed fetch
// can produce on demand (no network, a non-JSON answer, a provider outage).

import { expect } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { PhoneVerifyClient, PhoneVerifyRequestError } from '../src/index.js';
import { errorText, GB_MOBILE, loaded, part, resetServer, spyFetch, typeInto } from './helpers.js';

async function failure(promise: Promise<unknown>): Promise<PhoneVerifyRequestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(PhoneVerifyRequestError);
    return error as PhoneVerifyRequestError;
  }
  throw new Error('expected the request to fail');
}

const json = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

describe('PhoneVerifyClient', () => {
  beforeEach(resetServer);

  it('should read the configuration', async () => {
    const config = await new PhoneVerifyClient('/auth/phone/').config();
    expect(config.codeLength).to.equal(6);
    expect(config.channels).to.deep.equal(['sms', 'voice']);
    expect(config.resendAfter).to.equal(30);
    expect(config.countries.map((c) => c.country)).to.deep.equal(['DE', 'GB', 'US']);
  });

  it('should send JSON with the CSRF header, same-origin credentials', async () => {
    const seen: RequestInit[] = [];
    const spy = spyFetch((_url, init) => {
      seen.push(init!);
      return undefined;
    });
    try {
      await new PhoneVerifyClient('/auth/phone').start({ phone: GB_MOBILE });
    } finally {
      spy.restore();
    }
    expect(seen[0]!.method).to.equal('POST');
    expect(seen[0]!.credentials).to.equal('same-origin');
    expect(seen[0]!.headers).to.deep.include({ 'x-phone-verify': '1', 'content-type': 'application/json' });
    expect(spy.calls[0]!.body).to.deep.equal({ phone: GB_MOBILE });
  });

  it('should throw the protocol code with its hints', async () => {
    const client = new PhoneVerifyClient('/auth/phone');
    await client.start({ phone: GB_MOBILE });
    // Six digits: the server answers what is not a code at all with invalid_request, costing no attempt.
    const error = await failure(client.verify('000000'));
    expect(error.code).to.equal('invalid_code');
    expect(error.status).to.equal(401);
    expect(error.attemptsLeft).to.equal(4);
    const soon = await failure(client.resend());
    expect(soon.code).to.equal('resend_too_soon');
    expect(soon.retryAfter).to.be.within(1, 30);
  });

  it('should turn a failed fetch into network_error', async () => {
    const spy = spyFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    try {
      const error = await failure(new PhoneVerifyClient('/auth/phone').cancel());
      expect(error.code).to.equal('network_error');
      expect(error.status).to.equal(0);
    } finally {
      spy.restore();
    }
  });

  it('should turn an answer without JSON into invalid_response', async () => {
    const spy = spyFetch(() => Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502 })));
    try {
      const error = await failure(new PhoneVerifyClient('/auth/phone').config());
      expect(error.code).to.equal('invalid_response');
      expect(error.status).to.equal(502);
    } finally {
      spy.restore();
    }
  });
});

describe('<phone-verify> when the network or provider fails', () => {
  beforeEach(resetServer);

  for (const [name, answer, message] of [
    ['the network is down', () => Promise.reject(new TypeError('Failed to fetch')), 'We could not reach the server. Check your connection and try again.'],
    ['the answer is not JSON', () => Promise.resolve(new Response('oops', { status: 500 })), 'The server gave an unexpected answer. Please try again.'],
    [
      'the provider is unavailable',
      () => json(503, { error: { code: 'provider_unavailable', message: 'down', retryAfter: 5 } }),
      // One sentence with the server's time, not "in a few seconds" and then when (issue 13).
      'The code could not be sent. Try again in 5 seconds.',
    ],
  ] as const) {
    it(`should stay on the phone step and say so when ${name}`, async () => {
      const el = await loaded();
      const spy = spyFetch((url) => (url.endsWith('/start') ? answer() : undefined));
      try {
        typeInto(part<HTMLInputElement>(el, 'phone-input'), GB_MOBILE);
        part(el, 'submit').click();
        await waitUntil(() => errorText(el) !== '');
      } finally {
        spy.restore();
      }
      expect(el.step).to.equal('enter-phone');
      expect(errorText(el)).to.equal(message);
      expect(part<HTMLInputElement>(el, 'phone-input').value).to.equal('+44 7400 123456');
      expect(part<HTMLButtonElement>(el, 'submit').disabled).to.equal(false);
    });
  }
});
