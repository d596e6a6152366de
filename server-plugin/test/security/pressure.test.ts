// Friction instead of a closed door (issue 12; OWASP Authentication CS "lockout as DoS";
// DESIGN.md "under pressure, friction before refusal"): when strangers use up a number's
// sends, a range, the world's, or open the breaker, the person at the keyboard is asked
// for the application's challenge instead of being shut out; passing it lets them sign
// in, under a tighter quota of their own. Without a challenge, limits refuse as before.

import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import type { PhoneVerifyEvent } from '../../src/index.js';
import type { LimitsOptions } from '../../src/limits.js';
import { browserAgent, codeFrom, createTestApp } from '../harness.js';
import { countingProvider, expectError, gb, wideLimits } from './helpers.js';

const VICTIM = '+447400123456';
const GOOD_TOKEN = 'turnstile-ok';

function pressureApp({ limits = {}, challenge = true, breaker = { enabled: false } as object } = {}) {
  const counting = countingProvider();
  const events: PhoneVerifyEvent[] = [];
  const seen: Array<{ token: string; ip: string | undefined }> = [];
  const test = createTestApp({
    provider: counting.provider,
    trustProxy: 1,
    options: { limits: limits as LimitsOptions, breaker, onEvent: (event) => void events.push(event) },
    router: challenge
      ? {
          challenge: {
            verify: async (token: string, req: Request) => {
              seen.push({ token, ip: req.ip });
              return token === GOOD_TOKEN;
            },
          },
        }
      : {},
  });
  /** A browser behind the proxy at `ip`. */
  const browser = (ip: string) => {
    const agent = browserAgent(test.app);
    const post = (path: string, body: object) => agent.post(`/auth/phone${path}`).set('X-Forwarded-For', ip).send(body);
    return {
      agent,
      start: (phone: string, challengeToken?: string) => post('/start', challengeToken === undefined ? { phone } : { phone, challengeToken }),
      resend: (challengeToken?: string) => post('/resend', challengeToken === undefined ? {} : { challengeToken }),
      verify: (code: string) => post('/verify', { code }),
    };
  };
  return { ...test, ...counting, events, seen, browser };
}

/** Strangers on three networks each ask for one code to the victim's number: its 3 per 10 minutes are gone. */
async function strangersUseUpTheNumber(app: ReturnType<typeof pressureApp>) {
  for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) expect((await app.browser(ip).start(VICTIM)).status).toBe(200);
}

describe('pressure: a challenge instead of a closed door', () => {
  it('without a challenge, should refuse the owner with rate_limited once strangers used up the number, as before', async () => {
    const app = pressureApp({ challenge: false });
    await strangersUseUpTheNumber(app);
    expectError(await app.browser('203.0.113.7').start(VICTIM), 429, 'rate_limited');
    expect(app.events.filter((e) => e.type === 'refused')).toEqual([{ type: 'refused', step: 'start', reason: 'per_phone', country: 'GB' }]);
  });

  it('should ask the owner for the challenge, refuse a bad token, and let a good one through to a sign-in', async () => {
    const app = pressureApp();
    await strangersUseUpTheNumber(app);
    const owner = app.browser('203.0.113.7');
    const starts = app.calls.start;

    const asked = await owner.start(VICTIM);
    expect(asked.status).toBe(429);
    expect(asked.body).toEqual({ error: { code: 'challenge_required', message: 'Complete the challenge to continue.' } });
    expectError(await owner.start(VICTIM, 'forged'), 429, 'challenge_required');
    expect(app.calls.start).toBe(starts);

    const passed = await owner.start(VICTIM, GOOD_TOKEN);
    expect(passed.status, JSON.stringify(passed.body)).toBe(200);
    expect((await owner.verify(codeFrom(app.outbox.at(-1)))).status).toBe(200);
    expect((await owner.agent.get('/account')).body).toEqual({ signedIn: true, phone: VICTIM });

    // The application saw each token with the request it came in.
    expect(app.seen).toEqual([
      { token: 'forged', ip: '203.0.113.7' },
      { token: GOOD_TOKEN, ip: '203.0.113.7' },
    ]);
    expect(app.events.filter((e) => e.type === 'challenge')).toEqual([
      { type: 'challenge', step: 'start', outcome: 'asked', reason: 'per_phone', country: 'GB' },
      { type: 'challenge', step: 'start', outcome: 'failed', reason: 'per_phone', country: 'GB' },
      { type: 'challenge', step: 'start', outcome: 'passed', reason: 'per_phone', country: 'GB' },
    ]);
    expect(app.events.filter((e) => e.type === 'send').map((e) => (e as { challenged: boolean }).challenged)).toEqual([false, false, false, true]);
  });

  it('should not ask when there is no pressure: a token is then ignored and never verified', async () => {
    const app = pressureApp();
    expect((await app.browser('203.0.113.7').start(VICTIM, GOOD_TOKEN)).status).toBe(200);
    expect(app.seen).toEqual([]);
  });

  it("should refuse with rate_limited, not a challenge, when the client used up the number's sends itself", async () => {
    const app = pressureApp();
    const owner = app.browser('203.0.113.7');
    for (let i = 0; i < 3; i++) expect((await owner.start(VICTIM)).status).toBe(200);
    expectError(await owner.start(VICTIM), 429, 'rate_limited');
    expect(app.events.filter((e) => e.type === 'challenge')).toEqual([]);
  });

  it('should hold challenged sends to their own, tighter quota per client network (3 an hour)', async () => {
    // A stranger uses up the range (1 an hour here): every number in it is under pressure.
    const tight = pressureApp({ limits: wideLimits({ perPrefix: [{ points: 1, duration: 3600 }] }) });
    expect((await tight.browser('198.51.100.1').start(gb(1))).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await tight.browser('203.0.113.7').start(gb(10 + i), GOOD_TOKEN)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(tight.events.filter((e) => e.type === 'refused').at(-1)).toMatchObject({ reason: 'challenged' });
  });

  it('should ask for the challenge on a resend under pressure too, and let it through', async () => {
    const app = pressureApp({ limits: wideLimits({ perPrefix: [{ points: 1, duration: 3600 }] }) });
    const owner = app.browser('203.0.113.7');
    expect((await owner.start(VICTIM)).status).toBe(200);
    app.clock.advance(30);
    expectError(await owner.resend(), 429, 'challenge_required');
    const resent = await owner.resend(GOOD_TOKEN);
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect((await owner.verify(codeFrom(app.outbox.at(-1)))).status).toBe(200);
    expect(app.events.filter((e) => e.type === 'challenge').map((e) => [e.step, (e as { outcome: string }).outcome])).toEqual([
      ['resend', 'asked'],
      ['resend', 'passed'],
    ]);
  });

  it('should answer 503 provider_unavailable, not a 500, when the challenge service fails, and send nothing', async () => {
    const counting = countingProvider();
    const test = createTestApp({
      provider: counting.provider,
      trustProxy: 1,
      options: { limits: wideLimits({ perPrefix: [{ points: 1, duration: 3600 }] }), breaker: { enabled: false } },
      router: {
        challenge: {
          verify: () => {
            throw new Error('siteverify: getaddrinfo ENOTFOUND challenges.cloudflare.com');
          },
        },
      },
    });
    const start = (ip: string, body: object) => browserAgent(test.app).post('/auth/phone/start').set('X-Forwarded-For', ip).send(body);
    expect((await start('198.51.100.1', { phone: gb(1) })).status).toBe(200);
    const res = await start('203.0.113.7', { phone: VICTIM, challengeToken: GOOD_TOKEN });
    expectError(res, 503, 'provider_unavailable');
    expect(res.text).not.toContain('ENOTFOUND');
    expect(counting.calls.start).toBe(1);
    expect(test.log.lines).toEqual([expect.stringMatching(/^error challenge verify failed, refusing \(fail closed\)/)]);
  });

  it('should refuse a challengeToken that is not a string with invalid_request', async () => {
    const app = pressureApp();
    const res = await app.browser('203.0.113.7').agent.post('/auth/phone/start').send({ phone: VICTIM, challengeToken: 42 });
    expectError(res, 400, 'invalid_request');
    expect(app.calls.start).toBe(0);
  });

  describe('an attacker with 10 networks', () => {
    /** 100 sends to GB numbers across ranges from 10 networks (10 each), none signing in. */
    async function attack(app: ReturnType<typeof pressureApp>) {
      for (let net = 0; net < 10; net++) {
        for (let i = 0; i < 10; i++) await app.browser(`198.51.100.${net + 1}`).start(`+4474006${net}${i}345`);
      }
    }

    it('should not close the world (global limit used up) nor GB (breaker open) for a user who passes the challenge', async () => {
      const app = pressureApp({
        limits: { global: [{ points: 100, duration: 3600 }] },
        breaker: { minSends: 100, minConversion: 0.2 },
      });
      await attack(app);
      expect(app.calls.start).toBe(100);

      for (const [ip, phone] of [
        ['203.0.113.7', VICTIM],
        ['203.0.113.8', '+4915123456789'],
      ] as const) {
        const user = app.browser(ip);
        expectError(await user.start(phone), 429, 'challenge_required');
        expect((await user.start(phone, GOOD_TOKEN)).status).toBe(200);
        expect((await user.verify(codeFrom(app.outbox.at(-1)))).status).toBe(200);
      }
      // GB was closed to everyone else, and the world was full.
      expect(app.events.some((e) => e.type === 'breaker' && e.state === 'open' && e.scope === 'country' && e.key === 'GB')).toBe(true);
      expect(app.events.filter((e) => e.type === 'challenge' && e.outcome === 'passed').map((e) => (e as { reason: string }).reason)).toEqual([
        'breaker',
        'global',
      ]);
      // The attacker's own networks are over their own limit: they are not even asked, and a token does not help them.
      const asked = app.events.filter((e) => e.type === 'challenge').length;
      expectError(await app.browser('198.51.100.1').start(gb(99)), 429, 'rate_limited');
      expectError(await app.browser('198.51.100.1').start(gb(99), GOOD_TOKEN), 429, 'rate_limited');
      expect(app.events.filter((e) => e.type === 'challenge')).toHaveLength(asked);
    });

    it('without a challenge, should still refuse while the breaker is open, as before', async () => {
      const app = pressureApp({ challenge: false, breaker: { minSends: 100, minConversion: 0.2 } });
      await attack(app);
      expectError(await app.browser('203.0.113.7').start(VICTIM), 429, 'rate_limited');
      expect(app.events.at(-1)).toEqual({ type: 'refused', step: 'start', reason: 'breaker', country: 'GB' });
    });
  });
});
