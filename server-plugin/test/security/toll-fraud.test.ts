// Toll fraud / SMS pumping (SECURITY.md R7, §4): destinations outside the allow-list,
// premium-rate lines, the application's bot check and the conversion breaker all
// refuse before the provider is paid, and before anyone's send allowance is spent.

import { describe, expect, it } from 'vitest';
import { localProvider, PhoneVerifyConfigError, PhoneVerifyError, PhoneVerifyStrategy, type PhoneVerifyOptions } from '../../src/index.js';
import { codeFrom, createTestApp, type TestAppOptions } from '../harness.js';
import { countingProvider, expectError, gb, wideLimits } from './helpers.js';

function fraudApp(config: Omit<TestAppOptions, 'provider'> = {}) {
  const counting = countingProvider();
  const test = createTestApp({ ...config, provider: counting.provider });
  const start = (phone: string, agent = test.agent) => agent.post('/auth/phone/start').send({ phone });
  return { ...test, ...counting, start };
}

describe('toll fraud', () => {
  describe('destinations', () => {
    it.each([
      ['a country outside allowedCountries', '+33612345678', 'country_not_allowed'],
      ['a GB premium-rate number', '+448712345678', 'number_type_not_allowed'],
      ['a US premium-rate number', '+19005551234', 'number_type_not_allowed'],
      ['a GB fixed line', '+442071234567', 'number_type_not_allowed'],
    ])('should refuse %s with 400 %s before any provider call', async (_, phone, code) => {
      const app = fraudApp();
      expectError(await app.start(phone), 400, code);
      expect(app.calls.start).toBe(0);
      expect(Object.keys(await app.sessionData())).toHaveLength(0);
    });

    it('should let allowedNumberTypes allow more kinds of line', async () => {
      const app = fraudApp({ options: { allowedNumberTypes: ['MOBILE', 'FIXED_LINE_OR_MOBILE', 'FIXED_LINE'] } });
      expect((await app.start('+442071234567')).status).toBe(200);
      expectError(await app.start('+448712345678'), 400, 'number_type_not_allowed');
      expect(app.calls.start).toBe(1);
    });

    it("should send anywhere with '*', but still not to premium-rate lines", async () => {
      const app = fraudApp({ options: { allowedCountries: '*' } });
      expect((await app.start('+33612345678')).status).toBe(200);
      expectError(await app.start('+448712345678'), 400, 'number_type_not_allowed');
      expect(app.calls.start).toBe(1);
    });

    it('should refuse to construct without allowedCountries (ERR_PV_NO_COUNTRIES)', () => {
      const make = (allowedCountries: unknown) => () =>
        new PhoneVerifyStrategy({ provider: localProvider(), allowedCountries } as PhoneVerifyOptions, (phone) => ({ phone }));
      for (const missing of [undefined, [], null, 'GB']) {
        expect(make(missing)).toThrow(PhoneVerifyConfigError);
        expect(make(missing)).toThrow(expect.objectContaining({ code: 'ERR_PV_NO_COUNTRIES' }));
      }
      expect(make('*')).not.toThrow();
    });
  });

  describe('beforeSend, the application bot check', () => {
    it('should answer 403 forbidden when it returns false, before the provider and before the send limits', async () => {
      const seen: string[] = [];
      let allow = false;
      const app = fraudApp({
        router: {
          beforeSend: (req, phone) => {
            seen.push(`${String(req.body.phone)} -> ${phone}`);
            return allow;
          },
        },
      });
      for (let i = 0; i < 5; i++) expectError(await app.start('+44 7400 123456'), 403, 'forbidden');
      expect(app.calls.start).toBe(0);
      expect(seen[0]).toBe('+44 7400 123456 -> +447400123456');
      // Refused before the country check would be a waste of the application's CAPTCHA budget: it is not even asked.
      expectError(await app.start('+33612345678'), 400, 'country_not_allowed');
      expect(seen).toHaveLength(5);
      // The five refusals spent none of the number's 3 sends per 10 minutes.
      allow = true;
      for (let i = 0; i < 3; i++) expect((await app.start('+447400123456')).status).toBe(200);
      expectError(await app.start('+447400123456'), 429, 'rate_limited');
    });

    it('should answer with the PhoneVerifyError it throws, before the provider and the send limits', async () => {
      let refuse = true;
      const app = fraudApp({
        router: {
          beforeSend: async () => {
            if (refuse) throw new PhoneVerifyError('rate_limited', 'Solve the challenge first.', { retryAfter: 7 });
          },
        },
      });
      for (let i = 0; i < 4; i++) {
        const res = await app.start('+447400123456');
        expect(res.body).toEqual({ error: { code: 'rate_limited', message: 'Solve the challenge first.', retryAfter: 7 } });
        expect(res.status).toBe(429);
        expect(res.headers['retry-after']).toBe('7');
      }
      expect(app.calls.start).toBe(0);
      refuse = false;
      for (let i = 0; i < 3; i++) expect((await app.start('+447400123456')).status).toBe(200);
    });
  });

  describe('the conversion breaker', () => {
    // One browser signs in as many users in turn: it switches accounts on purpose.
    const breakerApp = () => fraudApp({ options: { breaker: { minSends: 5, minConversion: 0.5 }, limits: wideLimits(), whenSignedIn: 'switch' } });

    /** Start a verification for `phone` in the app's agent and sign in with its code. */
    async function signIn(app: ReturnType<typeof breakerApp>, phone: string) {
      expect((await app.start(phone)).status).toBe(200);
      expect((await app.agent.post('/auth/phone/verify').send({ code: codeFrom(app.outbox.at(-1)) })).status).toBe(200);
    }

    /** GB mobiles in ten different ranges: `spread(3)` is `+447400312345`. */
    const spread = (n: number) => `+4474003${n}2345`;

    it('should open for a country whose sends never sign in, log once, and leave other countries alone', async () => {
      const app = breakerApp();
      // One send per range: no range reaches minSends, the country does.
      for (let i = 0; i < 5; i++) expect((await app.start(spread(i))).status).toBe(200);
      for (let i = 5; i < 10; i++) {
        const error = expectError(await app.start(spread(i)), 429, 'rate_limited');
        expect(error.retryAfter).toBeGreaterThan(0);
      }
      expect(app.calls.start).toBe(5);
      expectError(await app.start(gb(1)), 429, 'rate_limited');
      const warnings = app.log.lines.filter((l) => l.includes('breaker open'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^warn .*country:GB/);

      // Resends to the paused country are refused too.
      app.clock.advance(30);
      expectError(await app.agent.post('/auth/phone/resend').send({}), 429, 'rate_limited');
      expect(app.calls.start).toBe(5);

      // Germany is not paused.
      await signIn(app, '+4915123456789');
      expect(app.log.lines.filter((l) => l.includes('breaker open'))).toHaveLength(1);
    });

    it('should open for a number range that never signs in while the rest of its country does', async () => {
      const app = breakerApp();
      // Another GB range converts well...
      for (let i = 0; i < 5; i++) await signIn(app, `+44740013000${i}`);
      // ...this one never does.
      for (let i = 0; i < 5; i++) expect((await app.start(gb(i))).status).toBe(200);
      expectError(await app.start(gb(5)), 429, 'rate_limited');
      expect(app.log.lines.filter((l) => l.includes('breaker open'))).toEqual([expect.stringContaining('range:+44740012')]);
      expect((await app.start('+447400130009')).status).toBe(200);
    });

    it('should pause a range with the default settings before its country (30 sends an hour per range, 20 to judge)', async () => {
      const counting = countingProvider();
      const test = createTestApp({ provider: counting.provider, options: { limits: wideLimits({ perPrefix: undefined }) } });
      const start = (phone: string) => test.agent.post('/auth/phone/start').send({ phone });
      for (let i = 0; i < 20; i++) expect((await start(gb(i))).status).toBe(200);
      expectError(await start(gb(20)), 429, 'rate_limited');
      expect(test.log.lines.filter((l) => l.includes('breaker open'))).toEqual([expect.stringContaining('range:+44740012')]);
      // The rest of the country is not paused.
      expect((await start('+447400130009')).status).toBe(200);
      expect(counting.calls.start).toBe(21);
    });

    it('should stay closed while sends sign in', async () => {
      const app = breakerApp();
      // Half of them sign in: 50 % is not below minConversion.
      for (let i = 0; i < 10; i++) {
        if (i % 2 === 0) await signIn(app, gb(i));
        else expect((await app.start(gb(i))).status).toBe(200);
      }
      expect(app.calls.start).toBe(10);
      expect(app.log.lines.filter((l) => l.includes('breaker'))).toEqual([]);
    });
  });
});
