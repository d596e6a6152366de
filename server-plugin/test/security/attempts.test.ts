// Guessing codes (SECURITY.md R3, R4, R5): at most 5 guesses per verification however
// many race, one sign-in per code, and at most 100 wrong codes per number across
// verifications, which neither a resend nor a cleared cookie resets (NIST 800-63B-4
// §3.1.3.2, §3.2.2; Kratos and Keycloak brute-force tests).

import { describe, expect, it } from 'vitest';
import { MemoryLimitStore, type FailurePolicy, type FailureState, type PhoneVerifyEvent } from '../../src/index.js';
import { browserAgent, codeFrom, createTestApp } from '../harness.js';
import { wrongCode } from '../support/index.js';
import { countingProvider, expectError, sequentially, wideLimits } from './helpers.js';

const PHONE = '+447400123456';

/** A memory limit store whose answers to lock reads take a few milliseconds to arrive, like a round trip to Redis. */
class SlowReads extends MemoryLimitStore {
  override async failures(key: string, policy: FailurePolicy, now: number): Promise<FailureState> {
    // The value is read first and arrives later: by then it may be stale.
    const state = await super.failures(key, policy, now);
    await new Promise((resolve) => setTimeout(resolve, 10));
    return state;
  }
}

/**
 * An app over a counting provider, with send limits out of the way and a handle on the
 * failure count. The lock is the flat ceiling (no waits before it) unless a test says
 * otherwise: the growing waits have their own tests below.
 */
function attackApp(limits = wideLimits(), { slowLockRead = false } = {}) {
  const counting = countingProvider();
  const test = createTestApp({
    provider: counting.provider,
    options: {
      // Twenty verifications nobody signs in with look like pumping: the breaker is another test's subject.
      breaker: { enabled: false },
      limits: {
        ...limits,
        failures: { points: 100, duration: 86_400, waits: [], ...limits.failures },
        // A shared store (Redis) answers after a round trip: parallel requests all read the lock before any writes it.
        store: slowLockRead ? new SlowReads() : new MemoryLimitStore(),
      },
    },
  });
  /** Wrong codes counted against the number right now. */
  const failureCount = (phone = PHONE) => test.strategy.service.settings.limits.failureCount(phone);
  return { ...test, ...counting, failureCount };
}

type App = ReturnType<typeof attackApp>;

/** A fresh browser starts a verification for PHONE; returns it and the code sent. */
async function begin(app: App, agent = browserAgent(app.app)) {
  const res = await agent.post('/auth/phone/start').send({ phone: PHONE });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { agent, code: codeFrom(app.outbox.at(-1)) };
}

/** `n` wrong codes on a fresh verification of PHONE, one after another; returns the last answer. */
async function failOnce(app: App, n: number) {
  const { agent, code } = await begin(app);
  const answers = await sequentially(n, () => agent.post('/auth/phone/verify').send({ code: wrongCode(code) }));
  return { agent, code, last: answers.at(-1)! };
}

/** `total` wrong codes for PHONE, five per verification (maxAttempts), each verification in a new browser. */
async function failMany(app: App, total: number) {
  let last;
  for (let left = total; left > 0; left -= 5) last = (await failOnce(app, Math.min(5, left))).last;
  return last!;
}

describe('attempts: guessing codes', () => {
  it('should judge at most 5 of 50 parallel wrong codes, then refuse the right code', async () => {
    const app = attackApp();
    const { agent, code } = await begin(app);
    const answers = await Promise.all(Array.from({ length: 50 }, () => agent.post('/auth/phone/verify').send({ code: wrongCode(code) })));

    expect(app.calls.check).toBeLessThanOrEqual(5);
    expect(answers.filter((r) => r.status === 401)).toHaveLength(4);
    for (const res of answers) expect(['invalid_code', 'too_many_attempts']).toContain(res.body.error.code);
    const checks = app.calls.check;

    const right = await agent.post('/auth/phone/verify').send({ code });
    expectError(right, 429, 'too_many_attempts');
    expect(app.calls.check).toBe(checks);
    expect((await agent.get('/account')).status).toBe(401);
  });

  it('should let exactly one of 10 parallel right codes sign in, in exactly one session', async () => {
    const app = attackApp();
    const { agent, code } = await begin(app);
    const answers = await Promise.all(Array.from({ length: 10 }, () => agent.post('/auth/phone/verify').send({ code })));

    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const res of answers.filter((r) => r.status !== 200)) {
      expect(['no_pending_verification', 'too_many_attempts']).toContain(res.body.error.code);
    }
    const signedIn = Object.values(await app.sessionData()).filter((s) => (s.passport as { user?: string } | undefined)?.user);
    expect(signedIn).toHaveLength(1);
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: PHONE });
  });

  it('should not reset the attempt count of a verification on resend', async () => {
    const app = attackApp();
    const { agent, code } = await begin(app);
    for (let i = 0; i < 3; i++) await agent.post('/auth/phone/verify').send({ code: wrongCode(code) });
    app.clock.advance(30);
    const resent = await agent.post('/auth/phone/resend').send({});
    expect(resent.status).toBe(200);
    expect(resent.body.attemptsLeft).toBe(2);
    const fresh = codeFrom(app.outbox.at(-1));

    expect((await agent.post('/auth/phone/verify').send({ code: wrongCode(fresh) })).body.error).toMatchObject({ code: 'invalid_code', attemptsLeft: 1 });
    expectError(await agent.post('/auth/phone/verify').send({ code: wrongCode(fresh) }), 429, 'too_many_attempts');
    // The verification is dead: its new code is refused too, and no more codes are paid for.
    expectError(await agent.post('/auth/phone/verify').send({ code: fresh }), 429, 'too_many_attempts');
    app.clock.advance(30);
    const starts = app.calls.start;
    expectError(await agent.post('/auth/phone/resend').send({}), 429, 'too_many_attempts');
    expect(app.calls.start).toBe(starts);
  });

  it('should not reset the failure count of the number on resend', async () => {
    // A lock at 6 wrong codes makes the count visible in a few requests.
    const app = attackApp(wideLimits({ failures: { points: 6, duration: 3600 } }));
    const { agent, code } = await begin(app);
    for (let i = 0; i < 4; i++) await agent.post('/auth/phone/verify').send({ code: wrongCode(code) });
    app.clock.advance(30);
    expect((await agent.post('/auth/phone/resend').send({})).status).toBe(200);
    expect(await app.failureCount()).toBe(4);
    await agent.post('/auth/phone/verify').send({ code: wrongCode(codeFrom(app.outbox.at(-1))) });
    expect(await app.failureCount()).toBe(5);

    // One more wrong code on a new verification reaches 6: the number is locked.
    const second = await begin(app);
    await second.agent.post('/auth/phone/verify').send({ code: wrongCode(second.code) });
    const checks = app.calls.check;
    const locked = expectError(await second.agent.post('/auth/phone/verify').send({ code: second.code }), 429, 'too_many_attempts');
    expect(locked.retryAfter).toBeGreaterThan(0);
    expect(app.calls.check).toBe(checks);
  });

  it('should count a check the provider could not answer neither as an attempt nor as a failure', async () => {
    const app = attackApp();
    const { agent, code } = await begin(app);
    app.fail.check = () => new Error('upstream 502');
    for (let i = 0; i < 7; i++) expectError(await agent.post('/auth/phone/verify').send({ code: wrongCode(code) }), 503, 'provider_unavailable');
    expect(await app.failureCount()).toBe(0);
    delete app.fail.check;
    expect((await agent.post('/auth/phone/verify').send({ code: wrongCode(code) })).body.error).toMatchObject({ code: 'invalid_code', attemptsLeft: 4 });
    expect(await app.failureCount()).toBe(1);
    expect((await agent.post('/auth/phone/verify').send({ code })).status).toBe(200);
  });

  describe('the per-number failure lock (100 wrong codes, NIST 800-63B-4 §3.2.2)', () => {
    it('should refuse the 101st try without asking the provider, refuse new starts, and not count tries during the lock', async () => {
      const app = attackApp();
      await failMany(app, 96);
      // A verification the victim (or the attacker) holds before the lock: its own wrong codes
      // bring the number to 100 (one live verification per number, so it is the newest).
      const held = await begin(app);
      let hundredth;
      for (let i = 0; i < 4; i++) hundredth = await held.agent.post('/auth/phone/verify').send({ code: wrongCode(held.code) });
      expectError(hundredth!, 401, 'invalid_code');
      expect(await app.failureCount()).toBe(100);

      const checks = app.calls.check;
      const refused = expectError(await held.agent.post('/auth/phone/verify').send({ code: held.code }), 429, 'too_many_attempts');
      expect(refused.retryAfter).toBeGreaterThan(0);
      expect(app.calls.check).toBe(checks);
      expect((await held.agent.get('/account')).status).toBe(401);

      const starts = app.calls.start;
      const restart = expectError(await browserAgent(app.app).post('/auth/phone/start').send({ phone: PHONE }), 429, 'too_many_attempts');
      expect(restart.retryAfter).toBeGreaterThan(0);
      expect(app.calls.start).toBe(starts);

      // Tries during the lock (Keycloak KEYCLOAK-5420) do not grow the count.
      for (let i = 0; i < 10; i++) await held.agent.post('/auth/phone/verify').send({ code: wrongCode(held.code) });
      expect(await app.failureCount()).toBe(100);
      expect(app.calls.check).toBe(checks);

      // Another number is not affected.
      const other = browserAgent(app.app);
      expect((await other.post('/auth/phone/start').send({ phone: '+447400123457' })).status).toBe(200);
      expect((await other.post('/auth/phone/verify').send({ code: codeFrom(app.outbox.at(-1)) })).status).toBe(200);
    });

    it('should not let parallel guesses on several verifications push the number past the lock', async () => {
      const app = attackApp(wideLimits({ failures: { points: 10, duration: 3600 } }), { slowLockRead: true });
      // 9 of 10 failures spent, then five starts for the number in five browsers (each
      // superseding the one before: only the newest is live, the others answer 409 unjudged).
      await failMany(app, 9);
      const held = await sequentially(5, () => begin(app));
      const checks = app.calls.check;
      // 25 parallel guesses: only one more wrong code may be judged before the lock.
      await Promise.all(held.flatMap(({ agent, code }) => Array.from({ length: 5 }, () => agent.post('/auth/phone/verify').send({ code: wrongCode(code) }))));
      expect(app.calls.check - checks).toBe(1);
      expect(await app.failureCount()).toBe(10);
    });

    it('should forget earlier failures at a sign-in: 99 wrong, a success, 99 wrong is not locked (Keycloak testResetLoginFailureCount)', async () => {
      const app = attackApp();
      await failMany(app, 95);
      const { agent, code } = await failOnce(app, 4);
      expect(await app.failureCount()).toBe(99);
      expect((await agent.post('/auth/phone/verify').send({ code })).status).toBe(200);
      expect(await app.failureCount()).toBe(0);

      await failMany(app, 99);
      expect(await app.failureCount()).toBe(99);
      const last = await begin(app);
      expect((await last.agent.post('/auth/phone/verify').send({ code: last.code })).status).toBe(200);
    });
  });

  describe('the growing waits (NIST 800-63B-4 §3.2.2: increasing wait after failures, not one flat day)', () => {
    /** The default lock: waits of 1, 5, 15 and 60 minutes after every 5 wrong codes, then 60 again. */
    function lockApp() {
      const events: PhoneVerifyEvent[] = [];
      const counting = countingProvider();
      const test = createTestApp({
        provider: counting.provider,
        options: { breaker: { enabled: false }, limits: wideLimits(), onEvent: (event) => void events.push(event) },
      });
      return { ...test, ...counting, events };
    }

    it('should lock for 1, 5, 15, 60 then 60 minutes, refusing starts and checks without a provider call, and not count tries during a wait', async () => {
      const app = lockApp();
      const waits: number[] = [];
      for (let run = 0; run < 5; run++) {
        const agent = browserAgent(app.app);
        const started = await agent.post('/auth/phone/start').send({ phone: PHONE });
        expect(started.status, JSON.stringify(started.body)).toBe(200);
        const code = codeFrom(app.outbox.at(-1));
        for (let i = 0; i < 5; i++) await agent.post('/auth/phone/verify').send({ code: wrongCode(code) });

        const calls = { ...app.calls };
        const refusedStart = expectError(await browserAgent(app.app).post('/auth/phone/start').send({ phone: PHONE }), 429, 'too_many_attempts');
        waits.push(refusedStart.retryAfter as number);
        // Refused before any provider call; the refused tries did not grow the count.
        expect(app.calls).toEqual(calls);
        expect(await app.strategy.service.settings.limits.failureCount(PHONE)).toBe(5 * (run + 1));

        // One second before the wait ends the number is still locked; at its end, it is not.
        app.clock.advance((refusedStart.retryAfter as number) - 1);
        expectError(await browserAgent(app.app).post('/auth/phone/start').send({ phone: PHONE }), 429, 'too_many_attempts');
        app.clock.advance(1);
      }
      expect(waits).toEqual([60, 300, 900, 3600, 3600]);
      expect(app.events.filter((e) => e.type === 'lock')).toEqual([
        { type: 'lock', failures: 5, wait: 60 },
        { type: 'lock', failures: 10, wait: 300 },
        { type: 'lock', failures: 15, wait: 900 },
        { type: 'lock', failures: 20, wait: 3600 },
        { type: 'lock', failures: 25, wait: 3600 },
      ]);
      expect(app.events.filter((e) => e.type === 'refused' && e.reason === 'locked').length).toBeGreaterThanOrEqual(10);
    });

    it('should start again from 1 minute after a sign-in', async () => {
      const app = lockApp();
      for (let run = 0; run < 2; run++) {
        const agent = browserAgent(app.app);
        await agent.post('/auth/phone/start').send({ phone: PHONE });
        const code = codeFrom(app.outbox.at(-1));
        for (let i = 0; i < 5; i++) await agent.post('/auth/phone/verify').send({ code: wrongCode(code) });
        app.clock.advance(run === 0 ? 60 : 300);
      }
      const agent = browserAgent(app.app);
      await agent.post('/auth/phone/start').send({ phone: PHONE });
      expect((await agent.post('/auth/phone/verify').send({ code: codeFrom(app.outbox.at(-1)) })).status).toBe(200);

      const again = browserAgent(app.app);
      await again.post('/auth/phone/start').send({ phone: PHONE });
      const code = codeFrom(app.outbox.at(-1));
      for (let i = 0; i < 5; i++) await again.post('/auth/phone/verify').send({ code: wrongCode(code) });
      expect(expectError(await browserAgent(app.app).post('/auth/phone/start').send({ phone: PHONE }), 429, 'too_many_attempts').retryAfter).toBe(60);
    });

    it('should forget a run a day after its last wrong code', async () => {
      const app = lockApp();
      const agent = browserAgent(app.app);
      await agent.post('/auth/phone/start').send({ phone: PHONE });
      const code = codeFrom(app.outbox.at(-1));
      for (let i = 0; i < 4; i++) await agent.post('/auth/phone/verify').send({ code: wrongCode(code) });
      expect(await app.strategy.service.settings.limits.failureCount(PHONE)).toBe(4);
      app.clock.advance(86_400);
      expect(await app.strategy.service.settings.limits.failureCount(PHONE)).toBe(0);
    });
  });

  describe('clearing cookies', () => {
    it('should meet the same send limit in a fresh browser for every send', async () => {
      const app = attackApp({});
      for (let i = 0; i < 3; i++) await begin(app);
      const starts = app.calls.start;
      const res = await browserAgent(app.app).post('/auth/phone/start').send({ phone: PHONE });
      expectError(res, 429, 'rate_limited');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(app.calls.start).toBe(starts);
    });

    it('should meet the same failure lock in a fresh browser for every verification', async () => {
      const app = attackApp(wideLimits({ failures: { points: 10, duration: 3600 } }));
      await failOnce(app, 5);
      await failOnce(app, 5);
      const starts = app.calls.start;
      expectError(await browserAgent(app.app).post('/auth/phone/start').send({ phone: PHONE }), 429, 'too_many_attempts');
      expect(app.calls.start).toBe(starts);
    });
  });
});
