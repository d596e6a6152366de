// server-plugin/test/intents.test.ts
// The four intents over real HTTP (Express, express-session, Passport): sign-in never
// switches accounts by surprise, verify answers a single-use phone proof, link adds a
// number to the signed-in user, step-up re-proves the account's own number.

import express, { type NextFunction, type Request, type Response } from 'express';
import type supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { localProvider, PhoneVerifyError, requireRecentPhoneVerification, type RouterOptions, type VerifyProvider } from '../src/index.js';
import { browserAgent, codeFrom, createTestApp, startVerification, type SentMessage, type TestAppOptions, type User } from './harness.js';
import { wrongCode } from './support/index.js';

const ALICE = '+447400123456';
const BOB = '+447400654321';
const NEW_NUMBER = '+447400111222';
const SECRET = 'a test signing key of at least thirty-two bytes';
const AUDIENCE = 'http://app.test';

/** The test app with the intents on, and the app's own routes a real app would have. */
function intentsApp(config: TestAppOptions & { router?: Partial<RouterOptions<User>> } = {}) {
  const changes: Array<{ user: string; old: string | undefined; new: string }> = [];
  /** Users whose account has no number (phoneOf answers undefined). */
  const phoneless = new Set<string>();
  // eslint-disable-next-line prefer-const -- assigned once below, after the router whose callbacks read it
  let test!: ReturnType<typeof createTestApp>;
  const router: RouterOptions<User> = {
    phoneOf: (user) => (phoneless.has(user.id) ? undefined : user.phone),
    link: (user, phone) => {
      const owner = test.users.get(phone);
      if (owner && owner.id !== user.id) return false;
      user.phone = phone;
      // Both keys find the user: its session was serialized under the old number.
      test.users.set(phone, user);
      return true;
    },
    onPhoneChanged: (user, old, next) => void changes.push({ user: user.id, old, new: next }),
    ...config.router,
  };
  test = createTestApp({ ...config, options: { proof: { secret: SECRET, audience: AUDIENCE }, ...config.options }, router });
  const { app, strategy, clock } = test;
  const answerError = (error: unknown, res: Response, next: NextFunction) =>
    error instanceof PhoneVerifyError ? res.status(error.status).json(error.toJSON()) : next(error);
  // A sign-up form handler: it trusts the proof, never a posted number.
  app.post('/signup', express.json(), (req: Request, res: Response, next: NextFunction) => {
    strategy.verifyPhoneProof(req.body?.proof, { purpose: 'signup' }).then(
      (phone) => res.status(201).json({ phone }),
      (e) => answerError(e, res, next),
    );
  });
  app.get('/sensitive', requireRecentPhoneVerification({ maxAge: 300, redirectTo: '/step-up', clock: clock.now }), (_req, res) => {
    res.json({ recoveryCodes: ['abcd-efgh'] });
  });
  // An app's own route that checks a code without a login session.
  app.post('/api/check', express.json(), (req, res, next) =>
    test.passport.authenticate('phone-verify', { session: false }, (error: unknown, user: User | false, info: unknown) => {
      if (error) return next(error);
      if (!user) return res.status(409).json({ refused: (info as PhoneVerifyError).code, user: (req.user as User | undefined)?.id ?? null });
      res.json({ user: user.id, reqUser: (req.user as User | undefined)?.id ?? null });
    })(req, res, next),
  );
  // The same without a callback: Passport itself would put the verified user in req.user.
  app.post('/api/check-plain', express.json(), test.passport.authenticate('phone-verify', { session: false }), (req, res) => {
    res.json({ reqUser: (req.user as User).id });
  });
  return { ...test, changes, phoneless };
}

async function signIn(agent: supertest.Agent, outbox: SentMessage[], phone: string): Promise<supertest.Response> {
  const { code } = await startVerification(agent, outbox, { phone });
  return agent.post('/auth/phone/verify').send({ code });
}

async function proofFor(agent: supertest.Agent, outbox: SentMessage[], phone = ALICE, purpose = 'signup'): Promise<string> {
  const { code } = await startVerification(agent, outbox, { phone, intent: 'verify', purpose });
  const res = await agent.post('/auth/phone/verify').send({ code });
  expect(res.status).toBe(200);
  return res.body.proof as string;
}

describe('signin while someone is signed in', () => {
  it('refuses the number of another account with already_signed_in, and keeps who is signed in', async () => {
    const { agent, outbox } = intentsApp();
    expect((await signIn(agent, outbox, ALICE)).status).toBe(200);
    const res = await signIn(agent, outbox, BOB);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_signed_in');
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: ALICE });
  });

  it('signs in again as the same account', async () => {
    const { agent, outbox } = intentsApp();
    await signIn(agent, outbox, ALICE);
    expect((await signIn(agent, outbox, ALICE)).status).toBe(200);
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: ALICE });
  });

  it("switches with whenSignedIn: 'switch'", async () => {
    const { agent, outbox } = intentsApp({ options: { whenSignedIn: 'switch' } });
    await signIn(agent, outbox, ALICE);
    expect((await signIn(agent, outbox, BOB)).status).toBe(200);
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: BOB });
  });

  it('refuses an unknown whenSignedIn at start-up', () => {
    expect(() => intentsApp({ options: { whenSignedIn: 'maybe' as 'switch' } })).toThrow(/ERR_PV_WHEN_SIGNED_IN/);
  });

  it("passport.authenticate({ session: false }) in an app's route neither replaces req.user nor leaves the used verification in the session", async () => {
    const { agent, outbox, sessionData } = intentsApp();
    await signIn(agent, outbox, ALICE);
    const { code } = await startVerification(agent, outbox, { phone: BOB });
    const refused = await agent.post('/api/check').send({ code });
    expect(refused.body).toEqual({ refused: 'already_signed_in', user: 'u1' });
    expect(Object.values(await sessionData()).some((s) => 'phoneVerify' in s)).toBe(false);
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: ALICE });

    const again = await startVerification(agent, outbox, { phone: BOB });
    expect((await agent.post('/api/check-plain').send({ code: again.code })).status).toBe(401);
    const own = await startVerification(agent, outbox, { phone: ALICE });
    expect((await agent.post('/api/check-plain').send({ code: own.code })).body).toEqual({ reqUser: 'u1' });
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: ALICE });
  });

  it('passport.authenticate({ session: false }) answers the user without a login, and the code cannot be used twice', async () => {
    const { agent, outbox, sessionData } = intentsApp();
    const { code } = await startVerification(agent, outbox, { phone: ALICE });
    expect((await agent.post('/api/check').send({ code })).body).toEqual({ user: 'u1', reqUser: null });
    expect(Object.values(await sessionData()).some((s) => 'phoneVerify' in s)).toBe(false);
    expect((await agent.get('/account')).status).toBe(401);
    expect((await agent.post('/auth/phone/verify').send({ code })).body.error.code).toBe('no_pending_verification');
  });
});

describe('verify: a phone proof', () => {
  it('answers a proof and signs nobody in; the form handler gets the number once', async () => {
    const { agent, outbox } = intentsApp();
    const { code } = await startVerification(agent, outbox, { phone: ALICE, intent: 'verify', purpose: 'signup' });
    const res = await agent.post('/auth/phone/verify').send({ code });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', intent: 'verify', phone: ALICE, user: {} });
    expect(res.body.proof).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await agent.get('/account')).status).toBe(401);

    expect(await agent.post('/signup').send({ proof: res.body.proof })).toMatchObject({ status: 201, body: { phone: ALICE } });
    const replay = await agent.post('/signup').send({ proof: res.body.proof });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('proof_used');
  });

  it('refuses a proof with one byte changed, and the genuine one still works', async () => {
    const { agent, outbox } = intentsApp();
    const proof = await proofFor(agent, outbox);
    const [header, payload, signature] = proof.split('.') as [string, string, string];
    const at = Math.floor(payload.length / 2);
    const tampered = `${header}.${payload.slice(0, at)}${payload[at] === 'A' ? 'B' : 'A'}${payload.slice(at + 1)}.${signature}`;
    const res = await agent.post('/signup').send({ proof: tampered });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('proof_invalid');
    expect((await agent.post('/signup').send({ proof })).status).toBe(201);
  });

  it('refuses an expired proof (10 minutes by default)', async () => {
    const { agent, outbox, clock } = intentsApp();
    const proof = await proofFor(agent, outbox);
    clock.advance(601);
    const res = await agent.post('/signup').send({ proof });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('proof_expired');
  });

  it('refuses a proof for another purpose without using it up', async () => {
    const { agent, outbox, strategy } = intentsApp();
    const proof = await proofFor(agent, outbox, ALICE, 'newsletter');
    const res = await agent.post('/signup').send({ proof });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('proof_wrong_purpose');
    expect(await strategy.verifyPhoneProof(proof, { purpose: 'newsletter' })).toBe(ALICE);
  });

  it('refuses a proof made for another audience', async () => {
    const issuer = intentsApp({ options: { proof: { secret: SECRET, audience: 'https://other.example' } } });
    const proof = await proofFor(issuer.agent, issuer.outbox);
    const { agent } = intentsApp();
    const res = await agent.post('/signup').send({ proof });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('proof_invalid');
  });

  it.each([
    ['missing', {}],
    ['not a string', { proof: 42 }],
    ['not a JWS', { proof: 'abc' }],
    ['too long', { proof: 'a'.repeat(5000) }],
  ])('refuses a %s proof with proof_invalid', async (_what, body) => {
    const { agent } = intentsApp();
    const res = await agent.post('/signup').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('proof_invalid');
  });

  it('is refused at start without the proof option, and with a bad purpose', async () => {
    const plain = createTestApp();
    const res = await plain.agent.post('/auth/phone/start').send({ phone: ALICE, intent: 'verify' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    const { agent } = intentsApp();
    expect((await agent.post('/auth/phone/start').send({ phone: ALICE, intent: 'verify', purpose: 'no spaces please' })).body.error.code).toBe(
      'invalid_request',
    );
  });

  it('refuses a short secret at start-up', () => {
    expect(() => intentsApp({ options: { proof: { secret: 'short' } } })).toThrow(/ERR_PV_PROOF_SECRET/);
  });
});

describe('link', () => {
  it('adds the proven number to the signed-in user, keeps the session, and tells onPhoneChanged', async () => {
    const { agent, outbox, changes } = intentsApp();
    await signIn(agent, outbox, ALICE);
    const { code } = await startVerification(agent, outbox, { phone: NEW_NUMBER, intent: 'link' });
    const res = await agent.post('/auth/phone/verify').send({ code });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', intent: 'link', phone: NEW_NUMBER, user: { id: 'u1' } });
    expect(changes).toEqual([{ user: 'u1', old: ALICE, new: NEW_NUMBER }]);
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: NEW_NUMBER });
  });

  it('answers phone_taken for another account’s number, only once the code is proven', async () => {
    const { app, agent, outbox, changes } = intentsApp();
    await signIn(browserAgent(app), outbox, BOB);
    await signIn(agent, outbox, ALICE);
    // The start says nothing about who owns the number: no enumeration oracle.
    const { res: started, code } = await startVerification(agent, outbox, { phone: BOB, intent: 'link' });
    expect(started.body.status).toBe('pending');
    const wrong = await agent.post('/auth/phone/verify').send({ code: wrongCode(code) });
    expect(wrong.body.error.code).toBe('invalid_code');
    const res = await agent.post('/auth/phone/verify').send({ code });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('phone_taken');
    expect(changes).toEqual([]);
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: ALICE });
  });

  it('is forbidden without a signed-in user, before any code is sent', async () => {
    const { agent, outbox } = intentsApp();
    const res = await agent.post('/auth/phone/start').send({ phone: NEW_NUMBER, intent: 'link' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(outbox).toEqual([]);
  });

  it('ends with a sign-out in between (Passport regenerates the session, and its pending verification with it)', async () => {
    const { agent, outbox } = intentsApp();
    await signIn(agent, outbox, ALICE);
    const { code } = await startVerification(agent, outbox, { phone: NEW_NUMBER, intent: 'link' });
    await agent.post('/logout');
    const res = await agent.post('/auth/phone/verify').send({ code });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_pending_verification');
  });
});

describe('stepup', () => {
  it('re-proves the account’s own number (never the one in the request) and opens the guarded action for maxAge', async () => {
    const { agent, outbox, clock } = intentsApp();
    await signIn(agent, outbox, ALICE);
    const before = await agent.get('/sensitive').set('Accept', 'application/json');
    expect(before.status).toBe(401);
    expect(before.body.error.code).toBe('step_up_required');

    const started = await agent.post('/auth/phone/start').send({ intent: 'stepup', phone: BOB });
    expect(started.status).toBe(200);
    expect(started.body.phone).toBe(ALICE);
    expect(outbox.at(-1)!.phone).toBe(ALICE);
    const res = await agent.post('/auth/phone/verify').send({ code: codeFrom(outbox.at(-1)) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', intent: 'stepup', verifiedAt: clock.now() });
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: ALICE });
    expect((await agent.get('/sensitive')).body).toEqual({ recoveryCodes: ['abcd-efgh'] });

    clock.advance(301);
    const stale = await agent.get('/sensitive').set('Accept', 'application/json');
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('step_up_required');
  });

  it('redirects a page load to the step-up page', async () => {
    const { agent, outbox } = intentsApp();
    await signIn(agent, outbox, ALICE);
    const res = await agent.get('/sensitive?x=1').set('Sec-Fetch-Mode', 'navigate').set('Accept', 'text/html');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/step-up?next=%2Fsensitive%3Fx%3D1');
  });

  it('is forbidden without a signed-in user, and for an account without a number', async () => {
    const { agent, outbox, phoneless } = intentsApp();
    const anonymous = await agent.post('/auth/phone/start').send({ intent: 'stepup' });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.error.code).toBe('forbidden');
    await signIn(agent, outbox, ALICE);
    phoneless.add('u1');
    const numberless = await agent.post('/auth/phone/start').send({ intent: 'stepup' });
    expect(numberless.status).toBe(403);
    expect(numberless.body.error.message).toMatch(/no phone number/);
    expect(outbox).toHaveLength(1);
  });

  it('is refused for a number locked by wrong sign-in codes', async () => {
    const { app, agent, outbox } = intentsApp();
    await signIn(agent, outbox, ALICE);
    const stranger = browserAgent(app);
    const { code } = await startVerification(stranger, outbox, { phone: ALICE });
    for (let i = 0; i < 5; i++) await stranger.post('/auth/phone/verify').send({ code: wrongCode(code) });
    const res = await agent.post('/auth/phone/start').send({ intent: 'stepup' });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('too_many_attempts');
  });
});

describe('one budget per number across intents', () => {
  it('50 parallel wrong codes over two intents for one number are judged at most maxAttempts times', async () => {
    const outbox: SentMessage[] = [];
    const local = localProvider({ sender: (phone, text, channel) => void outbox.push({ phone, text, channel }) });
    let judged = 0;
    const provider: VerifyProvider = { ...local, check: (...args) => ((judged += 1), local.check(...args)) };
    const { app, agent } = intentsApp({ provider });
    await signIn(agent, outbox, ALICE);
    judged = 0;
    const other = browserAgent(app);
    const { code: verifyCode } = await startVerification(other, outbox, { phone: ALICE, intent: 'verify', purpose: 'signup' });
    const started = await agent.post('/auth/phone/start').send({ intent: 'stepup' });
    expect(started.status).toBe(200);
    const code = codeFrom(outbox.at(-1));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0 ? other.post('/auth/phone/verify').send({ code: wrongCode(verifyCode) }) : agent.post('/auth/phone/verify').send({ code: wrongCode(code) }),
      ),
    );
    expect(judged).toBeLessThanOrEqual(5);
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    // The right code comes too late: the guesses used the budget up.
    expect((await agent.post('/auth/phone/verify').send({ code })).status).toBe(429);
  });
});

describe('bad input', () => {
  it.each([
    ['an unknown intent', { phone: ALICE, intent: 'takeover' }],
    ['an intent that is not a string', { phone: ALICE, intent: ['signin'] }],
    ['a purpose without intent verify', { phone: ALICE, purpose: 'signup' }],
  ])('refuses %s with invalid_request', async (_what, body) => {
    const { agent, outbox } = intentsApp();
    const res = await agent.post('/auth/phone/start').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(outbox).toEqual([]);
  });

  it('refuses link and stepup on a router without their options', async () => {
    const plain = createTestApp();
    for (const intent of ['link', 'stepup']) {
      const res = await plain.agent.post('/auth/phone/start').send({ phone: ALICE, intent });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });

  it('keeps the phone proof out of the log', async () => {
    const { agent, outbox, log } = intentsApp();
    const proof = await proofFor(agent, outbox);
    await agent.post('/signup').send({ proof });
    expect(log.lines.join('\n')).not.toContain(proof.split('.')[2]!);
  });
});
