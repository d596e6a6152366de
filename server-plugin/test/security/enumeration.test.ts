// Account enumeration (SECURITY.md R8; OWASP Authentication CS; Keycloak
// testNonExistingAccounts): asking for a code, and getting a code wrong, answer the same
// — status, body, headers and time — whether or not the number belongs to an account.

import type supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { browserAgent, codeFrom, createTestApp, type User } from '../harness.js';
import { wrongCode } from '../support/index.js';
import { countingProvider, wideLimits } from './helpers.js';

const KNOWN = '+447400123456';
const UNKNOWN = '+447400123457';

/** An application that signs in registered numbers only, with one account (KNOWN) that signed in before. */
async function enumerationApp() {
  const counting = countingProvider();
  const accounts = new Map<string, User>();
  const test = createTestApp({
    provider: counting.provider,
    options: { limits: wideLimits(), breaker: { enabled: false } },
    verify: async (phone: string) => accounts.get(phone) ?? false,
  });
  accounts.set(KNOWN, { id: 'u1', phone: KNOWN });
  test.users.set(KNOWN, accounts.get(KNOWN)!);
  const agent = browserAgent(test.app);
  await agent.post('/auth/phone/start').send({ phone: KNOWN });
  expect((await agent.post('/auth/phone/verify').send({ code: codeFrom(counting.outbox.at(-1)) })).status).toBe(200);
  const start = (phone: string) => browserAgent(test.app).post('/auth/phone/start').send({ phone });
  return { ...test, ...counting, start };
}

/** The headers an observer could compare, without those that differ per request anyway. */
function comparableHeaders(res: supertest.Response): Record<string, unknown> {
  const { 'set-cookie': cookie, date, etag, ...rest } = res.headers as Record<string, unknown>;
  expect(cookie).toBeDefined();
  void date;
  void etag;
  return rest;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
};

describe('enumeration', () => {
  it('should answer /start for a registered and an unknown number with the same status, body and headers', async () => {
    const app = await enumerationApp();
    const known = await app.start(KNOWN);
    const unknown = await app.start(UNKNOWN);
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect({ ...unknown.body, phone: KNOWN }).toEqual(known.body);
    expect(comparableHeaders(unknown)).toEqual(comparableHeaders(known));
  });

  it('should answer /start in about the same time for a registered and an unknown number', async () => {
    const app = await enumerationApp();
    const time = async (phone: string) => {
      const t0 = process.hrtime.bigint();
      const res = await app.start(phone);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      expect(res.status).toBe(200);
      return ms;
    };
    // Warm up both paths, then interleave so drift hits both alike.
    for (let i = 0; i < 3; i++) await time(i % 2 ? KNOWN : UNKNOWN);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 20; i++) {
      known.push(await time(KNOWN));
      unknown.push(await time(UNKNOWN));
    }
    const ratio = median(known) / median(unknown);
    expect(ratio, `medians ${median(known).toFixed(2)} ms vs ${median(unknown).toFixed(2)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('should answer a wrong code the same for a registered and an unknown number', async () => {
    const app = await enumerationApp();
    const wrong = async (phone: string) => {
      const agent = browserAgent(app.app);
      await agent.post('/auth/phone/start').send({ phone });
      return agent.post('/auth/phone/verify').send({ code: wrongCode(codeFrom(app.outbox.at(-1))) });
    };
    const known = await wrong(KNOWN);
    const unknown = await wrong(UNKNOWN);
    expect(known.status).toBe(401);
    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    const { 'set-cookie': _a, date: _b, ...knownHeaders } = known.headers as Record<string, unknown>;
    const { 'set-cookie': _c, date: _d, ...unknownHeaders } = unknown.headers as Record<string, unknown>;
    expect(unknownHeaders).toEqual(knownHeaders);
  });
});
