// Cross-site requests (SECURITY.md R10; OWASP CSRF cheat sheet): every state-changing
// endpoint refuses a request another site could make the browser send — Fetch Metadata,
// then Origin, plus the widget's custom header — before the provider or the session is
// touched. Login CSRF included: another site cannot sign the browser in.

import type { Server } from 'node:http';
import supertest from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouterOptions } from '../../src/index.js';
import { codeFrom, createTestApp, sessionCookie, type User } from '../harness.js';
import { countingProvider, expectError } from './helpers.js';

const PHONE = '+447400123456';
const EVIL = 'https://evil.example';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/**
 * A listening app (so the Host, and a same-origin Origin, are known) where a victim's
 * browser has a verification pending, its cooldown over: every endpoint would act.
 */
async function victim(router: RouterOptions<User> = {}) {
  const counting = countingProvider();
  const test = createTestApp({ provider: counting.provider, router });
  const server = test.app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const self = `http://127.0.0.1:${port}`;
  const start = await supertest(server).post('/auth/phone/start').set('x-phone-verify', '1').send({ phone: PHONE });
  expect(start.status).toBe(200);
  const cookie = sessionCookie(start)!;
  const code = codeFrom(counting.outbox.at(-1));
  test.clock.advance(30);
  const bodies: Record<string, object> = { '/start': { phone: '+447400123457' }, '/resend': {}, '/verify': { code }, '/cancel': {} };
  /** A POST to `endpoint` with the victim's cookie and exactly these headers. */
  const post = (endpoint: string, headers: Record<string, string>, body: object | string = bodies[endpoint]!) => {
    const req = supertest(server).post(`/auth/phone${endpoint}`).set('Cookie', cookie);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send(body);
  };
  const snapshot = async () => ({ sessions: await test.sessionData(), calls: { ...counting.calls }, sent: counting.outbox.length });
  return { ...test, ...counting, server, self, cookie, code, post, snapshot };
}

const ENDPOINTS = ['/start', '/resend', '/verify', '/cancel'];
const HEADER = { 'x-phone-verify': '1' };

/** Requests another site can make a browser send, each with what the browser would add. */
const ATTACKS: Array<[string, Record<string, string>]> = [
  ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: EVIL, ...HEADER }],
  ['Sec-Fetch-Site: cross-site without an Origin', { 'Sec-Fetch-Site': 'cross-site', ...HEADER }],
  ['Sec-Fetch-Site: same-site from an origin not allowed', { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.127.0.0.1', ...HEADER }],
  ['Sec-Fetch-Site: same-site without an Origin', { 'Sec-Fetch-Site': 'same-site', ...HEADER }],
  ['a foreign Origin without Fetch Metadata', { Origin: EVIL, ...HEADER }],
  ['Origin: null (sandboxed frame, data: URL)', { Origin: 'null', ...HEADER }],
  ['Origin: null with Sec-Fetch-Site: cross-site', { Origin: 'null', 'Sec-Fetch-Site': 'cross-site', ...HEADER }],
  ['no x-phone-verify header', {}],
  ['a same-origin request without the x-phone-verify header', { 'Sec-Fetch-Site': 'same-origin' }],
];

describe('cross-site requests', () => {
  describe.each(ENDPOINTS)('POST %s', (endpoint) => {
    it.each(ATTACKS)('should refuse %s with 403 forbidden, no provider call and no session change', async (_, headers) => {
      const app = await victim();
      const before = await app.snapshot();
      const res = await app.post(endpoint, headers);
      expectError(res, 403, 'forbidden');
      expect(res.headers.vary).toMatch(/Origin.*Sec-Fetch-Site/);
      expect(await app.snapshot()).toEqual(before);
    });

    it.each([
      ['text/plain', 'text/plain', (body: object) => JSON.stringify(body)],
      ['form', 'application/x-www-form-urlencoded', (body: object) => new URLSearchParams(body as Record<string, string>).toString()],
      ['multipart', 'multipart/form-data; boundary=x', () => '--x\r\nContent-Disposition: form-data; name="code"\r\n\r\n123456\r\n--x--\r\n'],
    ])('should refuse %s bodies (simple requests) and change nothing', async (_, type, encode) => {
      const app = await victim();
      const before = await app.snapshot();
      // Never empty: an empty body carries no content to misread, whatever its type.
      const body = { '/start': { phone: '+447400123457' }, '/verify': { code: app.code } }[endpoint] ?? { channel: 'sms' };
      // As a cross-site form would send it: no custom header.
      expectError(await app.post(endpoint, { 'Content-Type': type, Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' }, encode(body)), 403, 'forbidden');
      // Even same-origin with the header, the endpoint only reads JSON.
      const sameOrigin = await app.post(endpoint, { 'Content-Type': type, Origin: app.self, 'Sec-Fetch-Site': 'same-origin', ...HEADER }, encode(body));
      expectError(sameOrigin, 415, 'invalid_request');
      expect(await app.snapshot()).toEqual(before);
    });

    it('should pass a same-origin request with the header, with or without Fetch Metadata', async () => {
      const app = await victim();
      const res = await app.post(endpoint, { 'Sec-Fetch-Site': 'same-origin', Origin: app.self, ...HEADER });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers.vary).toMatch(/Origin.*Sec-Fetch-Site/);
      const again = await victim();
      expect((await again.post(endpoint, { Origin: again.self, ...HEADER })).status).toBe(200);
    });

    it("should pass a request from one of the router's allowedOrigins", async () => {
      const app = await victim({ allowedOrigins: ['https://app.example.com'] });
      const res = await app.post(endpoint, { 'Sec-Fetch-Site': 'same-site', Origin: 'https://app.example.com', ...HEADER });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const other = await victim({ allowedOrigins: ['https://app.example.com'] });
      expectError(await other.post(endpoint, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://app.example.com.evil.example', ...HEADER }), 403, 'forbidden');
    });
  });

  it('should refuse Origin: null even when an allowed origin is opaque (a file: page)', async () => {
    // new URL('file:///app/index.html').origin is the string 'null', the same as a sandboxed frame sends.
    const app = await victim({ allowedOrigins: ['file:///app/index.html'] });
    const before = await app.snapshot();
    for (const endpoint of ENDPOINTS) {
      expectError(await app.post(endpoint, { Origin: 'null', ...HEADER }), 403, 'forbidden');
      expectError(await app.post(endpoint, { Origin: 'null', 'Sec-Fetch-Site': 'cross-site', ...HEADER }), 403, 'forbidden');
    }
    expect(await app.snapshot()).toEqual(before);
  });

  it('should allow GET /config from anywhere, and vary every answer on Origin and Sec-Fetch-Site', async () => {
    const app = await victim();
    const res = await supertest(app.server).get('/auth/phone/config').set('Sec-Fetch-Site', 'cross-site').set('Origin', EVIL);
    expect(res.status).toBe(200);
    expect(res.body.codeLength).toBe(6);
    expect(res.headers.vary).toMatch(/Origin.*Sec-Fetch-Site/);
    const notFound = await app.post('/nowhere', { ...HEADER, Origin: app.self }, {});
    expect(notFound.headers.vary).toMatch(/Origin.*Sec-Fetch-Site/);
  });

  describe('login CSRF', () => {
    it("should not sign a browser into the attacker's account from another site, even with the attacker's session and code", async () => {
      // The attacker starts a sign-in for their own number and receives the code...
      const app = await victim();
      const attackerCookie = app.cookie;
      const before = await app.snapshot();
      // ...then plants their session cookie in the victim's browser (cookie tossing from a sibling
      // domain) and makes it post the code from evil.example, as a form or as fetch.
      const asForm = await supertest(app.server)
        .post('/auth/phone/verify')
        .set('Cookie', attackerCookie)
        .set('Origin', EVIL)
        .set('Sec-Fetch-Site', 'cross-site')
        .type('form')
        .send(`code=${app.code}`);
      expectError(asForm, 403, 'forbidden');
      const asFetch = await app.post('/verify', { 'Sec-Fetch-Site': 'cross-site', Origin: EVIL, 'Content-Type': 'application/json', ...HEADER });
      expectError(asFetch, 403, 'forbidden');
      // An old browser without Fetch Metadata still sends the Origin.
      expectError(await app.post('/verify', { Origin: EVIL, ...HEADER }), 403, 'forbidden');

      expect(await app.snapshot()).toEqual(before);
      expect(app.calls.check).toBe(0);
      for (const res of [asForm, asFetch]) expect(sessionCookie(res)).toBeUndefined();
      expect((await supertest(app.server).get('/account').set('Cookie', attackerCookie)).status).toBe(401);
    });

    it("should not sign in the victim's own session with the attacker's code", async () => {
      const app = await victim();
      // The victim has a session of their own (a pending sign-in of their own number).
      const own = await supertest(app.server).post('/auth/phone/start').set('x-phone-verify', '1').send({ phone: '+447400123499' });
      const victimCookie = sessionCookie(own)!;
      // Even a same-origin request (an XSS-free page cannot make one; this checks the binding) with the attacker's code fails.
      const res = await supertest(app.server).post('/auth/phone/verify').set('Cookie', victimCookie).set('x-phone-verify', '1').send({ code: app.code });
      expectError(res, 401, 'invalid_code');
      expect((await supertest(app.server).get('/account').set('Cookie', victimCookie)).status).toBe(401);
    });
  });
});
