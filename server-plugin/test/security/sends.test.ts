// Send limits (SECURITY.md R6, R7 §4.3 and §4.8): every code sent costs money and is
// a pumping target. Per number, per client network (IPv6 by /56), per number range and
// in all; a send that did not happen is given back; a limiter that is down fails closed.

import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { errors } from '../../src/errors.js';
import { ipKey, type LimitsOptions } from '../../src/limits.js';
import { telegramProvider } from '../../src/providers/telegram.js';
import type { VerifyProvider } from '../../src/providers/types.js';
import { TelegramSandbox } from '../../src/testing/index.js';
import { browserAgent, createTestApp } from '../harness.js';
import { countingProvider, expectError, flakyLimitStore, gb, sequentially, wideLimits } from './helpers.js';

const PHONE = '+447400123456';

function sendsApp(limits: LimitsOptions, extra: { trustProxy?: number; maxSends?: number; providerTimeout?: number; provider?: VerifyProvider } = {}) {
  const counting = countingProvider();
  const test = createTestApp({
    provider: extra.provider ?? counting.provider,
    ...(extra.trustProxy === undefined ? {} : { trustProxy: extra.trustProxy }),
    options: {
      limits,
      breaker: { enabled: false },
      ...(extra.maxSends ? { maxSends: extra.maxSends } : {}),
      ...(extra.providerTimeout ? { providerTimeout: extra.providerTimeout } : {}),
    },
  });
  /** A new browser behind the proxy at `ip` asks for a code to `phone`. */
  const startFrom = (ip: string | undefined, phone: string) => {
    const req = browserAgent(test.app).post('/auth/phone/start');
    if (ip !== undefined) req.set('X-Forwarded-For', ip);
    return req.send({ phone });
  };
  return { ...test, ...counting, startFrom };
}

/** The refusal of a send: 429 rate_limited, a retryAfter in the body and the same in Retry-After. */
function expectRateLimited(res: supertest.Response, maxSeconds: number) {
  const error = expectError(res, 429, 'rate_limited');
  expect(error.retryAfter).toBeGreaterThan(0);
  expect(error.retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(res.headers['retry-after']).toBe(String(error.retryAfter));
}

describe('sends: what a code costs', () => {
  describe('per number (3 per 10 minutes)', () => {
    it('should refuse the 4th start with 429 rate_limited, Retry-After and no provider call', async () => {
      const app = sendsApp(wideLimits({ perPhone: undefined }));
      for (let i = 0; i < 3; i++) expect((await app.startFrom(undefined, PHONE)).status).toBe(200);
      const res = await app.startFrom(undefined, PHONE);
      expectRateLimited(res, 600);
      expect(app.calls.start).toBe(3);
      // Another number is not affected.
      expect((await app.startFrom(undefined, gb(7))).status).toBe(200);
    });

    it('should count resends: start, resend, resend, then the 4th send is refused', async () => {
      const app = sendsApp(wideLimits({ perPhone: undefined }), { maxSends: 5 });
      expect((await app.agent.post('/auth/phone/start').send({ phone: PHONE })).status).toBe(200);
      for (let i = 0; i < 2; i++) {
        app.clock.advance(30);
        expect((await app.agent.post('/auth/phone/resend').send({})).status).toBe(200);
      }
      app.clock.advance(30);
      expectRateLimited(await app.agent.post('/auth/phone/resend').send({}), 600);
      expect(app.calls.start).toBe(3);
      // The refused resend did not use up the verification's own allowance either.
      expect((await app.agent.post('/auth/phone/verify').send({ code: '000000' })).status).toBe(401);
    });
  });

  describe('per client network (10 per hour, behind one trusted proxy)', () => {
    it('should refuse the 11th send from one IPv4 address across different numbers, and not another address', async () => {
      const app = sendsApp(wideLimits({ perIp: undefined }), { trustProxy: 1 });
      for (let i = 0; i < 10; i++) expect((await app.startFrom('203.0.113.7', gb(i))).status).toBe(200);
      expectRateLimited(await app.startFrom('203.0.113.7', gb(10)), 3600);
      // Addresses a client writes in front of its own do not change who it is (the proxy appends the real one).
      expectRateLimited(await app.startFrom('198.51.100.1, 203.0.113.7', gb(11)), 3600);
      expect(app.calls.start).toBe(10);
      expect((await app.startFrom('203.0.113.8', gb(12))).status).toBe(200);
    });

    it('should key IPv4 by its address, IPv4-mapped IPv6 by the IPv4 inside, and IPv6 by its /56', () => {
      expect(ipKey('192.0.2.7')).toBe('192.0.2.7');
      expect(ipKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
      expect(ipKey('2001:db8:aa:1ff:1:2:3:4')).toBe('2001:db8:aa:100::/56');
      expect(ipKey('2001:db8:aa:100::9')).toBe('2001:db8:aa:100::/56');
      expect(ipKey('::1')).toBe('0:0:0:0::/56');
    });

    it('should count IPv6 addresses by /56: one network shares a count, another does not', async () => {
      const app = sendsApp(wideLimits({ perIp: undefined }), { trustProxy: 1 });
      // 2001:db8:aa:100:: to 2001:db8:aa:1ff:… is one /56.
      const sameNetwork = (i: number) => `2001:db8:aa:1${i.toString(16).padStart(2, '0')}::${i + 1}`;
      for (let i = 0; i < 10; i++) expect((await app.startFrom(sameNetwork(i * 25), gb(i))).status).toBe(200);
      expectRateLimited(await app.startFrom('2001:db8:aa:1ff:ffff:ffff:ffff:ffff', gb(10)), 3600);
      expectRateLimited(await app.startFrom('2001:0DB8:00AA:0100:0000:0000:0000:0009', gb(11)), 3600);
      expect(app.calls.start).toBe(10);
      expect((await app.startFrom('2001:db8:aa:200::1', gb(12))).status).toBe(200);
      expect((await app.startFrom('2001:db8:ab:100::1', gb(13))).status).toBe(200);
    });
  });

  it('should share a number-range limit between numbers differing only in their last 4 digits', async () => {
    const app = sendsApp(wideLimits({ perPrefix: [{ points: 3, duration: 3600 }] }));
    for (const phone of ['+447400121111', '+447400122222', '+447400123333']) expect((await app.startFrom(undefined, phone)).status).toBe(200);
    expectRateLimited(await app.startFrom(undefined, '+447400124444'), 3600);
    expect(app.calls.start).toBe(3);
    expect((await app.startFrom(undefined, '+447400134444')).status).toBe(200);
  });

  it('should stop at a global ceiling, whatever the number and country', async () => {
    const app = sendsApp(wideLimits({ global: [{ points: 4, duration: 3600 }] }));
    for (const phone of [gb(1), '+447400134444', '+4915123456789', '+12015550123']) expect((await app.startFrom(undefined, phone)).status).toBe(200);
    expectRateLimited(await app.startFrom(undefined, '+4915223456789'), 3600);
    expect(app.calls.start).toBe(4);
  });

  describe('a send that did not happen', () => {
    it('should not use up the allowance when the provider fails a start', async () => {
      const app = sendsApp(wideLimits({ perPhone: undefined }));
      app.fail.start = () => new Error('gateway down');
      for (let i = 0; i < 5; i++) expectError(await app.startFrom(undefined, PHONE), 503, 'provider_unavailable');
      delete app.fail.start;
      for (let i = 0; i < 3; i++) expect((await app.startFrom(undefined, PHONE)).status).toBe(200);
      expectRateLimited(await app.startFrom(undefined, PHONE), 600);
    });

    it('should not use up the allowance when the provider fails a resend', async () => {
      const app = sendsApp(wideLimits({ perPhone: undefined }));
      expect((await app.agent.post('/auth/phone/start').send({ phone: PHONE })).status).toBe(200);
      app.fail.start = () => new Error('gateway down');
      for (let i = 0; i < 4; i++) {
        app.clock.advance(30);
        expectError(await app.agent.post('/auth/phone/resend').send({}), 503, 'provider_unavailable');
      }
      delete app.fail.start;
      // The verification's own 3 sends and the number's 3 per 10 minutes are both still there.
      const sends = await sequentially(2, async () => {
        app.clock.advance(30);
        return app.agent.post('/auth/phone/resend').send({});
      });
      expect(sends.map((r) => [r.status, r.body.sendsLeft])).toEqual([
        [200, 1],
        [200, 0],
      ]);
      expectRateLimited(await app.startFrom(undefined, PHONE), 600);
    });
  });

  describe('a send that may have happened', () => {
    it('should keep a start the provider did not answer in time counted: the SMS may still go out', async () => {
      // A provider that never answers: the one deadline (providerTimeout, 1 s) cuts it off.
      const inner = countingProvider();
      let hang = true;
      let calls = 0;
      const provider: VerifyProvider = {
        ...inner.provider,
        start: (request, signal) => {
          calls += 1;
          return hang ? new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))) : inner.provider.start(request, signal);
        },
      };
      const app = sendsApp(wideLimits({ perPhone: [{ points: 2, duration: 600 }], perIp: [{ points: 3, duration: 3600 }] }), {
        trustProxy: 1,
        providerTimeout: 1,
        provider,
      });
      for (let i = 0; i < 2; i++) {
        const error = expectError(await app.startFrom('203.0.113.7', PHONE), 503, 'provider_unavailable');
        expect(error.message).toMatch(/in time/);
      }
      hang = false;
      // The number's 2 per 10 minutes are used up by the two sends that may have happened…
      expectRateLimited(await app.startFrom('198.51.100.9', PHONE), 600);
      // …and so is one more of the network's 3 an hour.
      expect((await app.startFrom('203.0.113.7', gb(1))).status).toBe(200);
      expectRateLimited(await app.startFrom('203.0.113.7', gb(2)), 3600);
      expect(calls).toBe(3);
    });
  });

  describe('a provider that says no about the number (an enumeration oracle if it cost nothing)', () => {
    it('should charge a refused start to the asking network, not to the number: Telegram-first /start answers who is on Telegram', async () => {
      const TOKEN = 'AAEAAAAAtelegram-gateway-token';
      // Only gb(0) uses Telegram; the rest are answered "not a Telegram user".
      const sandbox = new TelegramSandbox({ token: TOKEN, users: [gb(0)] });
      const url = await sandbox.listen();
      try {
        const app = sendsApp(wideLimits({ perIp: [{ points: 3, duration: 3600 }], perPhone: [{ points: 1, duration: 600 }] }), {
          trustProxy: 1,
          provider: telegramProvider({ token: TOKEN, baseUrl: url }),
        });
        const asks = (number: number) => app.startFrom('203.0.113.7', gb(number));
        for (const number of [1, 2, 3]) expectError(await asks(number), 400, 'channel_unavailable');
        const probes = sandbox.requests.length;
        // Three questions answered; the fourth, about a number on Telegram or not, costs the network its quota.
        expectRateLimited(await asks(0), 3600);
        expectRateLimited(await asks(4), 3600);
        expect(sandbox.requests.length).toBe(probes);
        // The numbers asked about lost nothing: their owner (another network) still has their one send.
        expectError(await app.startFrom('198.51.100.9', gb(1)), 400, 'channel_unavailable');
        expect((await app.startFrom('198.51.100.10', gb(0))).status).toBe(200);
      } finally {
        await sandbox.close();
      }
    });

    it('should still give everything back for an outage, which answers the same for every number', async () => {
      const app = sendsApp(wideLimits({ perIp: [{ points: 2, duration: 3600 }] }), { trustProxy: 1 });
      app.fail.start = () =>
        errors.providerUnavailable('The verification service is not answering; try again shortly.', new Error('ECONNREFUSED'), undefined, 'refused');
      for (let i = 0; i < 4; i++) expectError(await app.startFrom('203.0.113.7', gb(i)), 503, 'provider_unavailable');
      delete app.fail.start;
      for (let i = 0; i < 2; i++) expect((await app.startFrom('203.0.113.7', gb(i))).status).toBe(200);
      expectRateLimited(await app.startFrom('203.0.113.7', gb(2)), 3600);
    });
  });

  describe('the limiter store down', () => {
    it.each([
      ['every limiter', ''],
      ['the send limits', 'send:'],
      ['the failure lock', 'failures:'],
      ['the breaker', 'breaker:'],
    ])('should refuse /start with 503 provider_unavailable and no provider call when %s cannot answer (fail closed)', async (_, only) => {
      const { down, store } = flakyLimitStore(only);
      const counting = countingProvider();
      const { agent, log } = createTestApp({ provider: counting.provider, options: { limits: { store } } });
      down.now = true;
      const res = await agent.post('/auth/phone/start').send({ phone: PHONE });
      const error = expectError(res, 503, 'provider_unavailable');
      expect(error.retryAfter).toBeGreaterThan(0);
      expect(res.text).not.toContain('ECONNREFUSED');
      expect(counting.calls.start).toBe(0);
      expect(log.lines.some((l) => l.startsWith('error ') && l.includes('fail closed'))).toBe(true);
    });

    it('should refuse /resend and /verify too while the store is down, and work again after', async () => {
      const { down, store } = flakyLimitStore();
      const counting = countingProvider();
      const { agent, clock } = createTestApp({ provider: counting.provider, options: { limits: { store } } });
      expect((await agent.post('/auth/phone/start').send({ phone: PHONE })).status).toBe(200);
      const code = counting.outbox.at(-1)!.text.slice(0, 6);
      down.now = true;
      clock.advance(30);
      expectError(await agent.post('/auth/phone/resend').send({}), 503, 'provider_unavailable');
      expectError(await agent.post('/auth/phone/verify').send({ code }), 503, 'provider_unavailable');
      expect(counting.calls).toMatchObject({ start: 1, check: 0 });
      down.now = false;
      expect((await agent.post('/auth/phone/verify').send({ code })).status).toBe(200);
    });
  });
});
