// Account enumeration (OWASP Authentication Cheat Sheet; Keycloak testNonExistingAccounts):
// asking for a code, and getting a code wrong, answer the same — status, body, headers, and
// the same work done — whether or not the number belongs to an account. The work is counted
// (application look-ups, provider calls), not timed: a timing assertion flakes on a loaded machine.

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
  const lookups = { count: 0 };
  const test = createTestApp({
    provider: counting.provider,
    options: { limits: wideLimits(), breaker: { enabled: false } },
    verify: async (phone: string) => {
      lookups.count += 1;
      return accounts.get(phone) ?? false;
    },
  });
  accounts.set(KNOWN, { id: 'u1', phone: KNOWN });
  test.users.set(KNOWN, accounts.get(KNOWN)!);
  const agent = browserAgent(test.app);
  await agent.post('/auth/phone/start').send({ phone: KNOWN });
  expect((await agent.post('/auth/phone/verify').send({ code: codeFrom(counting.outbox.at(-1)) })).status).toBe(200);
  const start = (phone: string) => browserAgent(test.app).post('/auth/phone/start').send({ phone });
  return { ...test, ...counting, lookups, start };
}

/** The headers an observer could compare, without those that differ per request anyway. */
function comparableHeaders(res: supertest.Response): Record<string, unknown> {
  const { 'set-cookie': cookie, date, etag, ...rest } = res.headers as Record<string, unknown>;
  expect(cookie).toBeDefined();
  void date;
  void etag;
  return rest;
}

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

  it('should do the same work on /start for a registered and an unknown number: no account look-up, one provider send each', async () => {
    const app = await enumerationApp();
    const before = { lookups: app.lookups.count, starts: app.calls.start, sent: app.outbox.length };
    expect((await app.start(KNOWN)).status).toBe(200);
    const afterKnown = { lookups: app.lookups.count, starts: app.calls.start, sent: app.outbox.length };
    expect((await app.start(UNKNOWN)).status).toBe(200);
    const afterUnknown = { lookups: app.lookups.count, starts: app.calls.start, sent: app.outbox.length };
    // The application's account look-up runs only once a code is proven, so /start cannot time it.
    expect(afterKnown.lookups).toBe(before.lookups);
    expect(afterUnknown.lookups).toBe(before.lookups);
    expect(afterKnown.starts - before.starts).toBe(1);
    expect(afterUnknown.starts - afterKnown.starts).toBe(1);
    expect(afterUnknown.sent - afterKnown.sent).toBe(afterKnown.sent - before.sent);
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
