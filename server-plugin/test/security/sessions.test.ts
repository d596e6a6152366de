// Sessions (SECURITY.md R3, R9; CVE-2022-25896): the login gets a new session id, the
// pre-login session (and its pending verification) is destroyed, a planted session id
// is worth nothing afterwards, logout ends the login, and a verification belongs to the
// session that started it (ASVS 6.6.2).

import session from 'express-session';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { browserAgent, codeFrom, createTestApp, sessionCookie } from '../harness.js';
import { wrongCode } from '../support/index.js';
import { countingProvider, expectError } from './helpers.js';

const PHONE = '+447400123456';

function sessionApp() {
  const counting = countingProvider();
  const test = createTestApp({ provider: counting.provider });
  const anonymous = (cookie: string) => supertest(test.app).get('/account').set('Cookie', cookie);
  return { ...test, ...counting, anonymous };
}

const sid = (cookie: string) => decodeURIComponent(cookie.slice('sid='.length)).replace(/^s:/, '').split('.')[0]!;

describe('sessions', () => {
  it('should give the login a new session id and destroy the pre-login session in the store', async () => {
    const app = sessionApp();
    const start = await app.agent.post('/auth/phone/start').send({ phone: PHONE });
    const before = sessionCookie(start)!;
    expect(Object.keys(await app.sessionData())).toEqual([sid(before)]);

    const verify = await app.agent.post('/auth/phone/verify').send({ code: codeFrom(app.outbox.at(-1)) });
    expect(verify.status).toBe(200);
    const after = sessionCookie(verify)!;
    expect(after).toBeDefined();
    expect(sid(after)).not.toBe(sid(before));

    const sessions = await app.sessionData();
    expect(Object.keys(sessions)).toEqual([sid(after)]);
    expect(sessions[sid(after)]).not.toHaveProperty('phoneVerify');
    expect(sessions[sid(after)]).toMatchObject({ passport: { user: PHONE } });

    expect((await app.anonymous(before)).status).toBe(401);
    expect((await app.anonymous(after)).body).toEqual({ signedIn: true, phone: PHONE });
  });

  it('should make a planted session id worthless (session fixation)', async () => {
    const app = sessionApp();
    // The attacker starts a sign-in for the victim's number, and plants that session's cookie in the victim's browser.
    const planted = sessionCookie(await browserAgent(app.app).post('/auth/phone/start').send({ phone: PHONE }))!;
    // The victim receives the code and enters it in the page, in the planted session.
    const verify = await supertest(app.app)
      .post('/auth/phone/verify')
      .set('Cookie', planted)
      .set('x-phone-verify', '1')
      .send({ code: codeFrom(app.outbox.at(-1)) });
    expect(verify.status).toBe(200);
    // The victim is signed in under a new id; the attacker's copy of the old one is not.
    expect((await app.anonymous(sessionCookie(verify)!)).status).toBe(200);
    expect((await app.anonymous(planted)).status).toBe(401);
    expectError(await supertest(app.app).post('/auth/phone/resend').set('Cookie', planted).set('x-phone-verify', '1').send({}), 409, 'no_pending_verification');
  });

  it('should end the login at logout, in the store too', async () => {
    const app = sessionApp();
    await app.agent.post('/auth/phone/start').send({ phone: PHONE });
    const signedIn = sessionCookie(await app.agent.post('/auth/phone/verify').send({ code: codeFrom(app.outbox.at(-1)) }))!;
    expect((await app.anonymous(signedIn)).status).toBe(200);

    expect((await app.agent.post('/logout')).status).toBe(200);
    expect((await app.agent.get('/account')).status).toBe(401);
    // A copy of the signed-in cookie (stolen, or kept by a shared computer) authenticates nothing.
    expect((await app.anonymous(signedIn)).status).toBe(401);
    for (const data of Object.values(await app.sessionData())) expect(data).not.toHaveProperty('passport.user');
  });

  describe('a verification belongs to the session that started it', () => {
    it('should refuse the right code from a session that started nothing', async () => {
      const app = sessionApp();
      const owner = browserAgent(app.app);
      await owner.post('/auth/phone/start').send({ phone: PHONE });
      const code = codeFrom(app.outbox.at(-1));

      const stranger = browserAgent(app.app);
      expectError(await stranger.post('/auth/phone/verify').send({ code }), 409, 'no_pending_verification');
      expect((await stranger.get('/account')).status).toBe(401);
      expect(app.calls.check).toBe(0);
      // A verification id in the body (even the real one, which the server never sends) is not read: the session is the only binding.
      const [pending] = Object.values(await app.sessionData()).map((s) => s.phoneVerify as { id: string; expiresAt: number });
      expectError(
        await stranger.post('/auth/phone/verify').send({ code, id: pending!.id, verificationId: pending!.id, phoneVerify: pending }),
        409,
        'no_pending_verification',
      );
      expect((await stranger.get('/account')).status).toBe(401);

      // The owner is unaffected: no attempt was spent.
      const res = await owner.post('/auth/phone/verify').send({ code: wrongCode(code) });
      expect(res.body.error).toMatchObject({ code: 'invalid_code', attemptsLeft: 4 });
      expect((await owner.post('/auth/phone/verify').send({ code })).status).toBe(200);
    });

    it('should let a code complete only the newest session of a number: a second start supersedes the first', async () => {
      const app = sessionApp();
      const owner = browserAgent(app.app);
      await owner.post('/auth/phone/start').send({ phone: PHONE });
      const ownerCode = codeFrom(app.outbox.at(-1));
      const other = browserAgent(app.app);
      await other.post('/auth/phone/start').send({ phone: PHONE });
      const otherCode = codeFrom(app.outbox.at(-1));
      expect(otherCode).not.toBe(ownerCode);

      expectError(await other.post('/auth/phone/verify').send({ code: ownerCode }), 401, 'invalid_code');
      expect((await other.get('/account')).status).toBe(401);
      // One live verification per number: the first session's is gone, the newest completes.
      expectError(await owner.post('/auth/phone/verify').send({ code: ownerCode }), 409, 'no_pending_verification');
      expect((await owner.get('/account')).status).toBe(401);
      expect((await other.post('/auth/phone/verify').send({ code: otherCode })).status).toBe(200);
    });
  });

  describe('a session store that fails at sign-in', () => {
    /**
     * A memory session store whose next `set` of a signed-in session, or next `destroy`, fails
     * as a lost Redis would; while `down`, every write fails.
     */
    class FailingAtLogin extends session.MemoryStore {
      failSave = 0;
      failDestroy = 0;
      down = false;
      override set(sid: string, data: session.SessionData, callback?: (error?: unknown) => void): void {
        if (this.down) return void callback?.(new Error('ECONNREFUSED'));
        if (this.failSave > 0 && (data as { passport?: unknown }).passport) {
          this.failSave -= 1;
          return void callback?.(new Error('ETIMEDOUT writing the session'));
        }
        super.set(sid, data, callback);
      }
      override destroy(sid: string, callback?: (error?: unknown) => void): void {
        if (this.down) return void callback?.(new Error('ECONNREFUSED'));
        if (this.failDestroy > 0) {
          this.failDestroy -= 1;
          return void callback?.(new Error('ETIMEDOUT destroying the session'));
        }
        super.destroy(sid, callback);
      }
    }

    function failingApp() {
      const store = new FailingAtLogin();
      const counting = countingProvider();
      const test = createTestApp({ provider: counting.provider, sessionStore: store });
      return { ...test, ...counting, store };
    }

    it.each([
      ['the save of the signed-in session fails', (store: FailingAtLogin) => void (store.failSave = 1)],
      ['the destroy of the pre-login session fails', (store: FailingAtLogin) => void (store.failDestroy = 1)],
      ['every write fails for the whole request', (store: FailingAtLogin) => void (store.down = true)],
    ])('should answer 503, sign nobody in, and let the same code sign in once the store is back, when %s', async (_, breakIt) => {
      const app = failingApp();
      await app.agent.post('/auth/phone/start').send({ phone: PHONE });
      const code = codeFrom(app.outbox.at(-1));
      breakIt(app.store);

      const failed = await app.agent.post('/auth/phone/verify').send({ code });
      app.store.down = false;
      expectError(failed, 503, 'provider_unavailable');
      expect(failed.body.error.retryAfter).toBeGreaterThan(0);
      expect(app.log.lines.filter((l) => l.includes('internal error'))).toEqual([]);
      expect(app.log.lines).toEqual([
        expect.stringMatching(/^error session store failed at sign-in; nobody was signed in and the code stays usable: (ETIMEDOUT|ECONNREFUSED)/),
      ]);
      expect((await app.agent.get('/account')).status).toBe(401);
      expect(Object.values(await app.sessionData()).filter((s) => s.passport)).toEqual([]);

      const retried = await app.agent.post('/auth/phone/verify').send({ code });
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect((await app.agent.get('/account')).body).toEqual({ signedIn: true, phone: PHONE });
      // Once, and once only: the code is spent now.
      expectError(await browserAgent(app.app).post('/auth/phone/verify').send({ code }), 409, 'no_pending_verification');
      expect(app.calls.check).toBe(2);
    });
  });
});
