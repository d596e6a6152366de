// The router over HTTP: a real Express app with express-session and Passport,
// driven with supertest agents (one agent = one browser with its cookie jar).

import supertest from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import type { Verification } from '../src/index.js';
import { browserAgent, codeFrom, createTestApp, sessionCookie, startVerification } from './harness.js';
import { DEFAULT_CONFIG, FIRST_PENDING_GB, GB_DE_US_COUNTRIES, wrongCode } from './support/index.js';

const GB = '+447400123456';

/** Every error answer: the protocol body, JSON, no-store, and nothing that looks like a stack trace. */
function expectErrorAnswer(res: supertest.Response, status: number, error: Record<string, unknown>) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toEqual({ error });
  expect(res.text).not.toMatch(/\n\s+at /);
  expect(res.text).not.toContain('node_modules');
}

/** libphonenumber-js's example mobile numbers (examples.mobile.json), national format. */
const EXAMPLES: Record<string, string> = { DE: '01512 3456789', GB: '07400 123456', US: '(201) 555-0123' };

const invalidRequest = (message: string) => ({ code: 'invalid_request', message });

describe('phoneVerifyRouter', () => {
  describe('GET /config', () => {
    it('should describe the options', async () => {
      const { agent } = createTestApp({ options: { defaultCountry: 'GB', resendAfter: 60 } });
      const res = await agent.get('/auth/phone/config');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        ...DEFAULT_CONFIG,
        resendAfter: 60,
        countries: GB_DE_US_COUNTRIES.map((c) => ({ ...c, example: EXAMPLES[c.country] })),
        defaultCountry: 'GB',
      });
    });

    it('should give each allowed country an example mobile number in national format, for the placeholder', async () => {
      const { agent } = createTestApp({ options: { allowedCountries: ['FR', 'JP'] } });
      const { countries } = (await agent.get('/auth/phone/config')).body as { countries: { country: string; example?: string }[] };
      expect(countries.map((c) => [c.country, c.example])).toEqual([
        ['FR', '06 12 34 56 78'],
        ['JP', '090-1234-5678'],
      ]);
    });

    it('should not start a session', async () => {
      const { agent } = createTestApp();
      expect(sessionCookie(await agent.get('/auth/phone/config'))).toBeUndefined();
    });
  });

  describe('a full sign-in', () => {
    it('should sign in with the cookie, changing its value at login', async () => {
      const { app, agent, outbox } = createTestApp();
      expect((await agent.get('/account')).status).toBe(401);

      const start = await agent.post('/auth/phone/start').send({ phone: '+44 7400 123456' });
      expect(start.status).toBe(200);
      expect(start.headers['cache-control']).toBe('no-store');
      expect(start.body).toEqual(FIRST_PENDING_GB);
      expect(outbox).toEqual([{ phone: GB, channel: 'sms', text: expect.any(String) }]);
      const before = sessionCookie(start);
      expect(before).toBeDefined();

      const verify = await agent.post('/auth/phone/verify').send({ code: codeFrom(outbox[0]) });
      expect(verify.status).toBe(200);
      expect(verify.headers['cache-control']).toBe('no-store');
      // The verified number too (issue 13): the widget's form value, also after a reload resumed with it masked.
      expect(verify.body).toEqual({ status: 'approved', user: { id: 'u1' }, phone: GB });
      const after = sessionCookie(verify);
      expect(after).toBeDefined();
      expect(after).not.toBe(before);

      const account = await agent.get('/account');
      expect(account.status).toBe(200);
      expect(account.body).toEqual({ signedIn: true, phone: GB });
      // The pre-login cookie is worth nothing now.
      expect((await supertest(app).get('/account').set('Cookie', before!)).status).toBe(401);
      expect((await supertest(app).get('/account').set('Cookie', after!)).status).toBe(200);
    });

    it('should leave no pending verification in the new session: the code cannot be used again', async () => {
      const { agent, outbox, sessionData } = createTestApp();
      const { code } = await startVerification(agent, outbox);
      const before = await sessionData();
      expect(Object.values(before)).toEqual([expect.objectContaining({ phoneVerify: expect.any(Object) })]);
      expect((await agent.post('/auth/phone/verify').send({ code })).status).toBe(200);
      // Passport regenerated the session: the old one is destroyed, the new one holds the user and nothing else of ours.
      const after = await sessionData();
      expect(Object.keys(after)).toHaveLength(1);
      expect(Object.keys(after)[0]).not.toBe(Object.keys(before)[0]);
      expect(Object.values(after)[0]).not.toHaveProperty('phoneVerify');
      expect(Object.values(after)[0]).toMatchObject({ passport: { user: GB } });
      const again = await agent.post('/auth/phone/verify').send({ code });
      expectErrorAnswer(again, 409, { code: 'no_pending_verification', message: 'There is no code waiting to be checked; ask for a new one.' });
      // And still signed in.
      expect((await agent.get('/account')).status).toBe(200);
    });

    it('should sign in with a national number and its country', async () => {
      const { agent, outbox } = createTestApp();
      const { res, code } = await startVerification(agent, outbox, { phone: '07400 123456', country: 'gb' });
      expect(res.body.phone).toBe(GB);
      expect((await agent.post('/auth/phone/verify').send({ code })).body).toEqual({ status: 'approved', user: { id: 'u1' }, phone: GB });
    });

    it('should use summarize and successRedirect', async () => {
      const { agent, outbox } = createTestApp({ router: { summarize: (u) => ({ name: `user ${u.id}` }), successRedirect: '/home' } });
      const { code } = await startVerification(agent, outbox);
      expect((await agent.post('/auth/phone/verify').send({ code })).body).toEqual({
        status: 'approved',
        user: { name: 'user u1' },
        phone: GB,
        redirect: '/home',
      });
    });

    it('should answer 500 internal_error, not crash or hang, when summarize throws', async () => {
      const { agent, outbox, log } = createTestApp({
        router: {
          summarize: () => {
            throw new Error('no summary');
          },
        },
      });
      const { code } = await startVerification(agent, outbox);
      const res = await agent.post('/auth/phone/verify').send({ code }).timeout(2000);
      expectErrorAnswer(res, 500, { code: 'internal_error', message: 'Something went wrong on the server.' });
      expect(log.lines[0]).toMatch(/^error internal error: Error: no summary/);
    });

    it('should let exactly one of 10 parallel submissions of the right code sign in', async () => {
      const { agent, outbox } = createTestApp();
      const { code } = await startVerification(agent, outbox);
      const results = await Promise.all(Array.from({ length: 10 }, () => agent.post('/auth/phone/verify').send({ code })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((r) => r.status !== 200)) expect(r.body.error.code).toBe('no_pending_verification');
    });

    it('should log out', async () => {
      const { agent, outbox } = createTestApp();
      const { code } = await startVerification(agent, outbox);
      await agent.post('/auth/phone/verify').send({ code });
      expect((await agent.get('/account')).status).toBe(200);
      expect((await agent.post('/logout')).body).toEqual({ signedIn: false });
      expect((await agent.get('/account')).status).toBe(401);
    });
  });

  describe('POST /verify', () => {
    it('should answer 401 invalid_code with attemptsLeft, then 429 too_many_attempts', async () => {
      const { agent, outbox } = createTestApp();
      const { code } = await startVerification(agent, outbox);
      const wrong = wrongCode(code);
      for (const attemptsLeft of [4, 3, 2, 1]) {
        expectErrorAnswer(await agent.post('/auth/phone/verify').send({ code: wrong }), 401, {
          code: 'invalid_code',
          message: 'That code is not right.',
          attemptsLeft,
        });
      }
      const exhausted = { code: 'too_many_attempts', message: 'Too many wrong codes; ask for a new one.', attemptsLeft: 0 };
      expectErrorAnswer(await agent.post('/auth/phone/verify').send({ code: wrong }), 429, exhausted);
      expectErrorAnswer(await agent.post('/auth/phone/verify').send({ code }), 429, exhausted);
      expect((await agent.get('/account')).status).toBe(401);
    });

    it('should answer 410 expired after the ttl', async () => {
      const { agent, outbox, clock } = createTestApp();
      const { code } = await startVerification(agent, outbox);
      clock.advance(301);
      expectErrorAnswer(await agent.post('/auth/phone/verify').send({ code }), 410, { code: 'expired', message: 'That code has expired; ask for a new one.' });
    });

    it('should answer 403 forbidden when verify refuses the number', async () => {
      const { agent, outbox } = createTestApp({ verify: async () => false });
      const { code } = await startVerification(agent, outbox);
      expectErrorAnswer(await agent.post('/auth/phone/verify').send({ code }), 403, { code: 'forbidden', message: 'This number cannot sign in here.' });
      expect((await agent.get('/account')).status).toBe(401);
    });

    it('should never take the verification id from the body', async () => {
      const { agent: alice, app, outbox, strategy } = createTestApp();
      const mallory = browserAgent(app);
      const started = vi.spyOn(strategy.service, 'start');
      const { code: aliceCode } = await startVerification(alice, outbox);
      const aliceVerification = (await started.mock.results[0]!.value) as { verification: Verification };
      const stolen = { code: aliceCode, id: aliceVerification.verification.id };

      // With no verification of her own, and with one of her own.
      expectErrorAnswer(await mallory.post('/auth/phone/verify').send(stolen), 409, {
        code: 'no_pending_verification',
        message: 'There is no code waiting to be checked; ask for a new one.',
      });
      await startVerification(mallory, outbox, { phone: '+12015550123' });
      const res = await mallory.post('/auth/phone/verify').send(stolen);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'invalid_code', attemptsLeft: 4 });
      expect((await mallory.get('/account')).status).toBe(401);

      // Alice's verification is untouched: no attempt used, her code works.
      const aliceRes = await alice.post('/auth/phone/verify').send({ code: aliceCode });
      expect(aliceRes.body).toEqual({ status: 'approved', user: { id: 'u1' }, phone: GB });
      expect((await alice.get('/account')).body).toEqual({ signedIn: true, phone: GB });
    });

    it.each([
      ['a number', { code: 123456 }],
      ['missing', {}],
      ['an object', { code: { $gt: '' } }],
    ])('should answer 400 invalid_request when the code is %s', async (_name, body) => {
      const { agent, outbox } = createTestApp();
      await startVerification(agent, outbox);
      expectErrorAnswer(await agent.post('/auth/phone/verify').send(body), 400, invalidRequest('Send the code as a string: {"code": "123456"}.'));
    });

    it('should answer 409 no_pending_verification without a started verification', async () => {
      const { agent } = createTestApp();
      expectErrorAnswer(await agent.post('/auth/phone/verify').send({ code: '123456' }), 409, {
        code: 'no_pending_verification',
        message: 'There is no code waiting to be checked; ask for a new one.',
      });
    });
  });

  describe('POST /start', () => {
    it('should cancel the first verification when a second starts: its code stops working', async () => {
      const { agent, outbox, strategy, store } = createTestApp();
      const started = vi.spyOn(strategy.service, 'start');
      const { code: first } = await startVerification(agent, outbox);
      const { code: second } = await startVerification(agent, outbox, { phone: '+4915123456789' });
      const firstId = ((await started.mock.results[0]!.value) as { verification: Verification }).verification.id;
      expect(await store.get(firstId)).toBeUndefined();
      expect(store.size).toBe(1);
      if (first !== second) {
        expect((await agent.post('/auth/phone/verify').send({ code: first })).body.error.code).toBe('invalid_code');
      }
      expect((await agent.post('/auth/phone/verify').send({ code: second })).status).toBe(200);
      expect((await agent.get('/account')).body.phone).toBe('+4915123456789');
    });

    it('should answer 400 invalid_phone, 400 country_not_allowed naming the country, 400 number_type_not_allowed and 400 channel_unavailable', async () => {
      const { agent, outbox } = createTestApp();
      expectErrorAnswer(await agent.post('/auth/phone/start').send({ phone: '+447700900123' }), 400, {
        code: 'invalid_phone',
        message: 'That is not a valid phone number.',
      });
      expectErrorAnswer(await agent.post('/auth/phone/start').send({ phone: '+33612345678' }), 400, {
        code: 'country_not_allowed',
        message: 'Codes cannot be sent to numbers from France.',
        country: 'FR',
      });
      // A UK landline with the UK allowed: the kind of line is refused, not the country.
      expectErrorAnswer(await agent.post('/auth/phone/start').send({ phone: '+442071234567' }), 400, {
        code: 'number_type_not_allowed',
        message: 'Codes cannot be sent to this kind of number; enter a mobile number.',
      });
      expectErrorAnswer(await agent.post('/auth/phone/start').send({ phone: GB, channel: 'whatsapp' }), 400, {
        code: 'channel_unavailable',
        message: 'Codes cannot be sent by whatsapp; try sms or voice.',
      });
      expect(outbox).toEqual([]);
    });

    it('should answer 503 provider_unavailable with Retry-After when the sender fails', async () => {
      const { agent } = createTestApp({
        sender: () => {
          throw new Error('gateway down');
        },
      });
      const res = await agent.post('/auth/phone/start').send({ phone: GB });
      expectErrorAnswer(res, 503, { code: 'provider_unavailable', message: 'The code could not be sent; try again shortly.', retryAfter: 5 });
      expect(res.headers['retry-after']).toBe('5');
      // No verification was left in the session.
      expect((await agent.post('/auth/phone/verify').send({ code: '123456' })).status).toBe(409);
    });
  });

  describe('POST /resend', () => {
    it('should answer 429 resend_too_soon with Retry-After, then send a new code after the cooldown', async () => {
      const { agent, outbox, clock } = createTestApp();
      const { code: oldCode } = await startVerification(agent, outbox);
      clock.advance(12);
      const early = await agent.post('/auth/phone/resend').send({});
      expectErrorAnswer(early, 429, { code: 'resend_too_soon', message: 'Wait a little before asking for another code.', retryAfter: 18 });
      expect(early.headers['retry-after']).toBe('18');

      clock.advance(18);
      const res = await agent.post('/auth/phone/resend').send({ channel: 'voice' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'pending',
        phone: GB,
        channel: 'voice',
        codeLength: 6,
        expiresIn: 270,
        resendAfter: 30,
        sendsLeft: 1,
        attemptsLeft: 5,
      });
      expect(outbox).toHaveLength(2);
      const newCode = outbox[1]!.text.replace(/\D/g, '').slice(0, 6);
      if (newCode !== oldCode) {
        expect((await agent.post('/auth/phone/verify').send({ code: oldCode })).body.error).toMatchObject({ code: 'invalid_code', attemptsLeft: 4 });
      }
      expect((await agent.post('/auth/phone/verify').send({ code: newCode })).status).toBe(200);
    });

    it('should answer 429 rate_limited with Retry-After after the 3rd send', async () => {
      const { agent, outbox, clock } = createTestApp();
      await startVerification(agent, outbox);
      for (let i = 0; i < 2; i++) {
        clock.advance(30);
        expect((await agent.post('/auth/phone/resend').send({})).status).toBe(200);
      }
      clock.advance(30);
      const res = await agent.post('/auth/phone/resend').send({});
      expectErrorAnswer(res, 429, { code: 'rate_limited', message: 'No more codes can be sent for this verification; start again later.', retryAfter: 210 });
      expect(res.headers['retry-after']).toBe('210');
    });

    it('should answer 409 no_pending_verification without a started verification', async () => {
      const { agent } = createTestApp();
      expectErrorAnswer(await agent.post('/auth/phone/resend').send({}), 409, {
        code: 'no_pending_verification',
        message: 'There is no verification to resend; enter your number again.',
      });
    });

    it('should answer 400 for an unknown channel and for one the provider lacks', async () => {
      const { agent, outbox, clock } = createTestApp();
      await startVerification(agent, outbox);
      clock.advance(30);
      expectErrorAnswer(
        await agent.post('/auth/phone/resend').send({ channel: 'pigeon' }),
        400,
        invalidRequest('"channel" must be one of sms, voice, whatsapp, flashcall, telegram.'),
      );
      expectErrorAnswer(await agent.post('/auth/phone/resend').send({ channel: 'whatsapp' }), 400, {
        code: 'channel_unavailable',
        message: 'Codes cannot be sent by whatsapp; try sms or voice.',
      });
    });
  });

  describe('POST /cancel', () => {
    it('should make the code unusable', async () => {
      const { agent, outbox, store } = createTestApp();
      const { code } = await startVerification(agent, outbox);
      const res = await agent.post('/auth/phone/cancel').send({});
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'canceled' });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(store.size).toBe(0);
      expect((await agent.post('/auth/phone/verify').send({ code })).status).toBe(409);
    });

    it('should answer canceled with nothing pending, even with no body', async () => {
      const { agent } = createTestApp();
      const res = await agent.post('/auth/phone/cancel');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'canceled' });
    });
  });

  describe('bad input', () => {
    const json = (agent: supertest.Agent, path: string, raw: string) => agent.post(path).set('Content-Type', 'application/json').send(raw);

    it('should answer 400 invalid_request for malformed JSON', async () => {
      const { agent } = createTestApp();
      expectErrorAnswer(await json(agent, '/auth/phone/start', '{"phone": "+44'), 400, invalidRequest('The body is not valid JSON.'));
      expectErrorAnswer(await json(agent, '/auth/phone/verify', '{code: 1}'), 400, invalidRequest('The body is not valid JSON.'));
    });

    it('should answer 400 invalid_request for a body that is not an object', async () => {
      const { agent } = createTestApp();
      expectErrorAnswer(await json(agent, '/auth/phone/start', '["+447400123456"]'), 400, invalidRequest('The body must be a JSON object.'));
      // express.json's strict mode refuses top-level strings and numbers as unparsable.
      expectErrorAnswer(await json(agent, '/auth/phone/start', '"+447400123456"'), 400, invalidRequest('The body is not valid JSON.'));
      expectErrorAnswer(await json(agent, '/auth/phone/start', '447400123456'), 400, invalidRequest('The body is not valid JSON.'));
      expectErrorAnswer(await json(agent, '/auth/phone/start', 'null'), 400, invalidRequest('The body is not valid JSON.'));
      expectErrorAnswer(await json(agent, '/auth/phone/resend', '[]'), 400, expect.objectContaining({ code: 'invalid_request' }) as never);
    });

    it.each([
      ['missing', {}],
      ['a number', { phone: 447400123456 }],
      ['an array', { phone: ['+447400123456'] }],
      ['null', { phone: null }],
    ])('should answer 400 invalid_request when phone is %s', async (_name, body) => {
      const { agent, outbox } = createTestApp();
      expectErrorAnswer(await agent.post('/auth/phone/start').send(body), 400, invalidRequest('"phone" is required and must be a string.'));
      expect(outbox).toEqual([]);
    });

    it('should answer 400 invalid_request for a country or locale of the wrong type or length', async () => {
      const { agent } = createTestApp();
      expectErrorAnswer(
        await agent.post('/auth/phone/start').send({ phone: '07400 123456', country: 'GBR' }),
        400,
        invalidRequest('"country" must be a string of at most 2 characters.'),
      );
      expectErrorAnswer(
        await agent.post('/auth/phone/start').send({ phone: GB, country: 44 }),
        400,
        invalidRequest('"country" must be a string of at most 2 characters.'),
      );
      expectErrorAnswer(
        await agent.post('/auth/phone/start').send({ phone: GB, locale: 'x'.repeat(36) }),
        400,
        invalidRequest('"locale" must be a string of at most 35 characters.'),
      );
    });

    it('should answer 400 invalid_request for an unknown channel', async () => {
      const { agent } = createTestApp();
      expectErrorAnswer(
        await agent.post('/auth/phone/start').send({ phone: GB, channel: 'pigeon' }),
        400,
        invalidRequest('"channel" must be one of sms, voice, whatsapp, flashcall, telegram.'),
      );
      expectErrorAnswer(
        await agent.post('/auth/phone/start').send({ phone: GB, channel: 7 }),
        400,
        invalidRequest('"channel" must be a string of at most 16 characters.'),
      );
    });

    it('should answer 413 invalid_request for an oversized body', async () => {
      const { agent, outbox } = createTestApp();
      const res = await agent.post('/auth/phone/start').send({ phone: GB, padding: 'x'.repeat(4096) });
      expectErrorAnswer(res, 413, invalidRequest('The body is too large.'));
      expect(outbox).toEqual([]);
    });

    it('should honour a larger bodyLimit', async () => {
      const { agent } = createTestApp({ router: { bodyLimit: '10kb' } });
      expect((await agent.post('/auth/phone/start').send({ phone: GB, padding: 'x'.repeat(4096) })).status).toBe(200);
    });

    it.each([
      ['text/plain', '{"phone":"+447400123456"}'],
      ['application/x-www-form-urlencoded', 'phone=%2B447400123456'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="phone"\r\n\r\n+447400123456\r\n--x--\r\n'],
    ])('should answer 415 invalid_request for Content-Type %s', async (type, body) => {
      const { agent, outbox } = createTestApp();
      for (const path of ['/auth/phone/start', '/auth/phone/verify', '/auth/phone/resend', '/auth/phone/cancel']) {
        const res = await agent.post(path).set('Content-Type', type).send(body);
        expectErrorAnswer(res, 415, invalidRequest('Send JSON with Content-Type: application/json.'));
      }
      expect(outbox).toEqual([]);
    });

    it('should accept application/json with a charset', async () => {
      const { agent } = createTestApp();
      const res = await agent
        .post('/auth/phone/start')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ phone: GB }));
      expect(res.status).toBe(200);
    });

    it('should answer 415 invalid_request for a JSON body in another charset', async () => {
      const { agent } = createTestApp();
      const res = await agent
        .post('/auth/phone/start')
        .set('Content-Type', 'application/json; charset=koi8-r')
        .send(JSON.stringify({ phone: GB }));
      expectErrorAnswer(res, 415, invalidRequest('Send the body as UTF-8 JSON.'));
    });

    it('should answer 404 not_found for an unknown path or method', async () => {
      const { agent } = createTestApp();
      const notFound = { code: 'not_found', message: 'No such phone-verify endpoint.' };
      expectErrorAnswer(await agent.get('/auth/phone/nope'), 404, notFound);
      expectErrorAnswer(await agent.post('/auth/phone/nope').send({}), 404, notFound);
      expectErrorAnswer(await agent.get('/auth/phone/start'), 404, notFound);
    });
  });

  describe('without express-session', () => {
    it('should answer 500 internal_error and log ERR_PV_NO_SESSION', async () => {
      const { agent, log, outbox } = createTestApp({ withoutSession: true });
      for (const [path, body] of [
        ['/auth/phone/start', { phone: GB }],
        ['/auth/phone/verify', { code: '123456' }],
        ['/auth/phone/resend', {}],
        ['/auth/phone/cancel', {}],
      ] as const) {
        log.lines.length = 0;
        const res = await agent.post(path).send(body).timeout(2000);
        expectErrorAnswer(res, 500, { code: 'internal_error', message: 'Something went wrong on the server.' });
        expect(res.text).not.toContain('ERR_PV_NO_SESSION');
        expect(log.lines).toHaveLength(1);
        expect(log.lines[0]).toMatch(/^error internal error: .*ERR_PV_NO_SESSION/);
      }
      // Refused before anything was sent.
      expect(outbox).toEqual([]);
    });

    it('should still answer /config', async () => {
      const { agent } = createTestApp({ withoutSession: true });
      expect((await agent.get('/auth/phone/config')).status).toBe(200);
    });
  });
});
