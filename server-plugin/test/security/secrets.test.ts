// Secret hygiene (SECURITY.md R12; OWASP MFA CS "OTP handling"): over a whole attack
// session — wrong codes, a lock, the breaker opening, providers and stores whose errors
// echo what they were given, an application verify that throws — no log line holds a
// code or a full number, and no response carries a code.

import type supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { PhoneVerifyError } from '../../src/index.js';
import { browserAgent, codeFrom, createTestApp } from '../harness.js';
import { wrongCode } from '../support/index.js';
import { countingProvider, flakyLimitStore, gb, wideLimits } from './helpers.js';

/** Every form of a number that identifies it: E.164 with and without `+`. */
const forms = (e164: string) => [e164, e164.slice(1)];

describe('secrets', () => {
  it('should keep every code and every full number out of the log, and every code out of every response', async () => {
    const counting = countingProvider();
    const limitStore = flakyLimitStore('', (key) => new Error(`READONLY can't write pv:${key}`));
    const store = limitStore.down;
    let verifyThrows = false;
    const numbers = new Set<string>();
    const codes = new Set<string>();
    const responses: supertest.Response[] = [];

    const { app, log, clock } = createTestApp({
      provider: counting.provider,
      options: {
        breaker: { minSends: 5, minConversion: 0.5 },
        limits: wideLimits({
          failures: { points: 10, duration: 3600, waits: [] },
          // A store whose errors name the key they were about, as some Redis clients and proxies do.
          store: limitStore.store,
        }),
      },
      verify: async (phone: string) => {
        if (verifyThrows) throw new Error(`users table locked while reading ${phone} (${phone.slice(1)})`);
        return { id: `u-${phone.slice(-4)}`, phone };
      },
    });
    const agent = browserAgent(app);
    const post = async (path: string, body: object, who = agent) => {
      const res = await who.post(`/auth/phone${path}`).send(body);
      responses.push(res);
      return res;
    };
    const start = async (phone: string, who = agent) => {
      numbers.add(phone);
      const res = await post('/start', { phone }, who);
      if (res.status === 200) codes.add(codeFrom(counting.outbox.at(-1)));
      return res;
    };
    const verify = async (code: string, who = agent) => {
      codes.add(code);
      return post('/verify', { code }, who);
    };

    // A gateway that echoes the number and the whole message (code included) when it refuses.
    counting.fail.send = (phone, text) => new Error(`gateway refused +${phone.slice(1)} / ${phone}: "${text}" (otp ${/\d{6}/.exec(text)![0]})`);
    expect((await start(gb(1))).status).toBe(503);
    // A provider that names the number when it is down.
    delete counting.fail.send;
    counting.fail.start = (request) => new Error(`POST /verifications for ${request.phone} failed: 500`);
    expect((await start(gb(1))).status).toBe(503);
    delete counting.fail.start;

    // Wrong codes until the number is locked (10), then tries during the lock.
    for (let v = 0; v < 2; v++) {
      expect((await start(gb(2))).status).toBe(200);
      const right = codeFrom(counting.outbox.at(-1));
      for (let i = 0; i < 5; i++) await verify(wrongCode(right));
    }
    expect((await start(gb(2))).status).toBe(429);

    // The provider fails the check of the right code and its error echoes number and code, as text and as a cause.
    expect((await start(gb(3))).status).toBe(200);
    const right = codeFrom(counting.outbox.at(-1));
    counting.fail.check = (pending, code) => new Error(`check ${pending.phone} code=${code} -> 500 {"code":"${code}"}`);
    expect((await verify(right)).status).toBe(503);
    counting.fail.check = (pending, code) =>
      new PhoneVerifyError('provider_unavailable', 'down', { cause: new Error(`timeout checking ${code} for ${pending.phone.slice(1)}`) });
    expect((await verify(right)).status).toBe(503);
    delete counting.fail.check;

    // The application's verify throws with the number in its message.
    verifyThrows = true;
    expect((await verify(right)).status).toBe(500);
    verifyThrows = false;

    // A resend, a sign-in, then sends nobody enters until the breaker opens.
    expect((await start(gb(4))).status).toBe(200);
    clock.advance(30);
    expect((await post('/resend', {})).status).toBe(200);
    codes.add(codeFrom(counting.outbox.at(-1)));
    expect((await verify(codeFrom(counting.outbox.at(-1)))).status).toBe(200);
    for (let i = 10; i < 20; i++) await start(gb(i), browserAgent(app));
    expect(log.lines.some((l) => l.includes('breaker open'))).toBe(true);

    // The limiter store fails with errors naming its keys.
    store.now = true;
    expect((await start('+4915123456789')).status).toBe(503);
    expect((await verify('123456')).status).toBe(409);
    store.now = false;

    for (const m of counting.attempted) codes.add(codeFrom(m));
    // The walk did log, and did send: the assertions below look at something.
    expect(log.lines.length).toBeGreaterThanOrEqual(7);
    expect(codes.size).toBeGreaterThanOrEqual(8);

    const leaks: string[] = [];
    for (const line of log.lines) {
      for (const code of codes) if (line.includes(code)) leaks.push(`code ${code} in log: ${line}`);
      for (const number of [...numbers].flatMap(forms)) if (line.includes(number)) leaks.push(`${number} in log: ${line}`);
    }
    const sent = new Set(counting.attempted.map((m) => codeFrom(m)));
    for (const res of responses) {
      const visible = `${res.text}\n${JSON.stringify(res.headers)}`;
      for (const code of sent) if (visible.includes(code)) leaks.push(`code ${code} in a response: ${visible}`);
    }
    expect(leaks).toEqual([]);
  });
});
