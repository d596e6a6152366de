// Options checked once, at construction (express-rate-limit's validations): a mistyped
// key is refused with ERR_PV_UNKNOWN_OPTION and the nearest real name; a router without
// a strategy is a coded TypeError; each router uses its own strategy whatever its name;
// a secure-only session cookie on a plain-HTTP request is refused before any send.

import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { describe, expect, it } from 'vitest';
import { localProvider, PhoneVerifyConfigError, phoneVerifyRouter, PhoneVerifyStrategy } from '../src/index.js';
import { browserAgent, codeFrom, createTestApp, LogSpy, type SentMessage } from './harness.js';

const options = () => ({ provider: localProvider({ sender: () => {} }), allowedCountries: ['GB'] });

describe('option checks', () => {
  it('should refuse an unknown strategy option with a did-you-mean hint', () => {
    const attempt = () => new PhoneVerifyStrategy({ ...options(), ttL: 120 } as never, async () => false);
    expect(attempt).toThrow(PhoneVerifyConfigError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'ERR_PV_UNKNOWN_OPTION', message: expect.stringContaining('did you mean "ttl"?') }));
  });

  it('should refuse an unknown key inside limits and breaker', () => {
    expect(() => new PhoneVerifyStrategy({ ...options(), limits: { perPhon: [] } } as never, async () => false)).toThrow(/did you mean "perPhone"/);
    expect(() => new PhoneVerifyStrategy({ ...options(), breaker: { minSend: 1 } } as never, async () => false)).toThrow(/did you mean "minSends"/);
  });

  it('should list the options when nothing is close', () => {
    expect(() => new PhoneVerifyStrategy({ ...options(), zzzzzzzzzzzzzz: 1 } as never, async () => false)).toThrow(
      /the options are provider, allowedCountries/,
    );
  });

  it('should refuse an unknown router option with a did-you-mean hint', () => {
    const strategy = new PhoneVerifyStrategy(options(), async () => false);
    const attempt = () => phoneVerifyRouter(strategy, { successRedirct: '/account' } as never);
    expect(attempt).toThrow(
      expect.objectContaining({
        name: 'PhoneVerifyConfigError',
        code: 'ERR_PV_UNKNOWN_OPTION',
        message: expect.stringContaining('did you mean "successRedirect"?'),
      }),
    );
  });

  it('should refuse a router without a strategy with a coded TypeError', () => {
    for (const missing of [undefined, null, {}, 'phone-verify']) {
      const attempt = () => phoneVerifyRouter(missing as never);
      expect(attempt).toThrow(TypeError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'ERR_PV_NO_STRATEGY' }));
    }
  });

  it('should refuse an empty name', () => {
    expect(() => new PhoneVerifyStrategy({ ...options(), name: '' }, async () => false)).toThrow(expect.objectContaining({ code: 'ERR_PV_NAME' }));
  });
});

describe('two strategies under their own names', () => {
  it('should register each under its name and sign in through each router with its own verify', async () => {
    const outbox: SentMessage[] = [];
    const sender = (phone: string, text: string) => void outbox.push({ phone, text, channel: 'sms' });
    const make = (name: string, kind: string) =>
      new PhoneVerifyStrategy({ provider: localProvider({ sender }), allowedCountries: ['GB'], name, logger: new LogSpy() }, async (phone) => ({
        id: `${kind}:${phone}`,
      }));
    const customers = make('phone-customers', 'customer');
    const staff = make('phone-staff', 'staff');
    const passport = new Passport();
    passport.use(customers);
    passport.use(staff);
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));
    expect((passport as unknown as { _strategy(n: string): unknown })._strategy('phone-staff')).toBe(staff);

    const app = express();
    app.use(session({ secret: 'test', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
    app.use(passport.session());
    app.use('/auth/customers', phoneVerifyRouter(customers, { passport }));
    app.use('/auth/staff', phoneVerifyRouter(staff, { passport }));
    for (const [path, kind] of [
      ['/auth/customers', 'customer'],
      ['/auth/staff', 'staff'],
    ] as const) {
      const agent = browserAgent(app);
      expect((await agent.post(`${path}/start`).send({ phone: '+447400123456' })).status).toBe(200);
      const res = await agent.post(`${path}/verify`).send({ code: codeFrom(outbox.at(-1)) });
      // Issue 13 added `phone` (the proven number, the widget's form value also after a reload resumed masked).
      expect(res.body).toEqual({ status: 'approved', user: { id: `${kind}:+447400123456` }, phone: '+447400123456' });
    }
  });
});

describe('a secure-only session cookie over plain HTTP', () => {
  it('should refuse /start before any provider call, with ERR_PV_INSECURE_COOKIE logged once', async () => {
    const { agent, outbox, log } = createTestApp({ cookie: { httpOnly: true, sameSite: 'lax', secure: true } });
    for (let i = 0; i < 3; i++) {
      const res = await agent.post('/auth/phone/start').send({ phone: '+447400123456' });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'internal_error', message: expect.stringContaining('ERR_PV_INSECURE_COOKIE') } });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(outbox).toEqual([]);
    const lines = log.lines.filter((l) => l.includes('ERR_PV_INSECURE_COOKIE'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error .*secure: 'auto'.*secure: false/);
  });

  it("should send and sign in with secure: 'auto' over plain HTTP", async () => {
    const { agent, outbox, log } = createTestApp({ cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' } });
    expect((await agent.post('/auth/phone/start').send({ phone: '+447400123456' })).status).toBe(200);
    const res = await agent.post('/auth/phone/verify').send({ code: codeFrom(outbox.at(-1)) });
    expect(res.status).toBe(200);
    expect(log.lines.filter((l) => l.includes('ERR_PV_INSECURE_COOKIE'))).toEqual([]);
  });

  it('should let a secure cookie through when the request is secure behind a trusted proxy', async () => {
    const { app, outbox } = createTestApp({ trustProxy: 1, cookie: { httpOnly: true, sameSite: 'lax', secure: true } });
    const res = await browserAgent(app).post('/auth/phone/start').set('X-Forwarded-Proto', 'https').send({ phone: '+447400123456' });
    expect(res.status).toBe(200);
    expect(outbox).toHaveLength(1);
  });
});
