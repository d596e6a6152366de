// Fuzzing the HTTP surface (fast-check, bounded): arbitrary methods, paths, bodies,
// content types and header values never produce a 5xx or a hang, every answer is a
// protocol shape with a code from the closed set, and a bystander's sign-in survives.

import fc from 'fast-check';
import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STATUS } from '../../src/errors.js';
import { browserAgent, codeFrom, createTestApp } from '../harness.js';
import { countingProvider, wideLimits } from './helpers.js';

const ERROR_CODES = new Set(Object.keys(HTTP_STATUS));
const BYSTANDER = '+4915123456789';
/** Valid numbers, so some starts get through to the provider and the store. */
const NUMBERS = ['+447400123456', '+447400123457', '+12015550123', '+33612345678', '+448712345678', '+447700900123', BYSTANDER];

const counting = countingProvider();
const test = createTestApp({ provider: counting.provider });
const bystander = browserAgent(test.app);
let bystanderCode = '';
let fuzzCookie = '';

beforeAll(async () => {
  expect((await bystander.post('/auth/phone/start').send({ phone: BYSTANDER })).status).toBe(200);
  bystanderCode = codeFrom(counting.outbox.at(-1));
  // A session of the fuzzer's own, to replay as a real cookie now and then.
  const res = await browserAgent(test.app).post('/auth/phone/start').send({ phone: '+447400123499' });
  fuzzCookie = ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? [])[0]?.split(';')[0] ?? '';
});

/** What HTTP lets a header value hold: tab, printable ASCII and obs-text (0x80–0xff). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\t', ' ', 'a', '%', ';', ',', '=', '"', '\\', '\x80', 'é', 'ÿ'), maxLength: 40 }),
  fc.constantFrom('', ' ', 'null', 'cross-site', 'same-origin', 'same-site', 'none', 'https://evil.example', '1', 'true'),
  fc.integer({ min: 1000, max: 6000 }).map((n) => 'A'.repeat(n)),
);

const contentType = fc.option(
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=UTF-16',
      'application/json; charset=latin1',
      'application/json; charset',
      'application/json;;;',
      'application/vnd.api+json',
      'application/*',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'multipart/form-data',
      '*/*',
      '',
      'json',
    ),
    headerValue,
  ),
);

/** A value of the wrong type for any of the protocol's string fields. */
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }), fc.object({ maxDepth: 1 }));

/** The protocol's fields, each of the right type or not. */
const fields = fc
  .record(
    {
      phone: fc.oneof(fc.constantFrom(...NUMBERS), fc.string(), wrongType),
      code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string(), wrongType, fc.constant('1'.repeat(64))),
      country: fc.oneof(fc.constantFrom('GB', 'gb', 'XX', '', 'G'), fc.string(), wrongType),
      channel: fc.oneof(fc.constantFrom('sms', 'voice', 'whatsapp', 'fax', ''), fc.string(), wrongType),
      locale: fc.oneof(fc.constantFrom('de', 'en-GB', ''), fc.string({ maxLength: 60 }), wrongType),
      __proto__: fc.constant({ admin: true }),
      constructor: fc.constant({ prototype: { polluted: true } }),
    },
    { requiredKeys: ['phone', 'code'] },
  )
  .map((o) => JSON.stringify(o));

const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fields,
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1500, max: 5000 }).map((n) => `{"phone":"${'9'.repeat(n)}"}`),
  fc.constantFrom('', '{', '[]', 'null', '"x"', '{"phone":"+447400123456"', '\u0000', '\ufeff{}', '{"a":1}{"b":2}'),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.oneof(
    fc.constantFrom('/config', '/start', '/resend', '/verify', '/cancel'),
    fc.constantFrom('/start/', '/START', '/config?x=1', '/verify?code=123456', '/%2e%2e/account', '/start%00', '/nope', '//start', '/verify/..'),
    fc.webSegment().map((s) => `/${s}`),
  ),
  contentType,
  contentEncoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip')),
  headers: fc.record(
    {
      'x-phone-verify': headerValue,
      origin: headerValue,
      'sec-fetch-site': headerValue,
      'x-forwarded-for': headerValue,
      accept: headerValue,
      'accept-language': headerValue,
      cookie: fc.oneof(headerValue, fc.constant('sid=s%3Aforged.sig'), fc.constant('FUZZ')),
    },
    { requiredKeys: [] },
  ),
  body: fc.option(body),
});

type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function send(r: FuzzRequest): Promise<supertest.Response> {
  let req = supertest(test.app)[r.method.toLowerCase() as 'get'](`/auth/phone${r.path}`).timeout(3000);
  for (const [name, value] of Object.entries(r.headers)) req = req.set(name, name === 'cookie' && value === 'FUZZ' ? fuzzCookie : value);
  if (r.contentType !== null) req = req.set('Content-Type', r.contentType);
  if (r.contentEncoding !== null) req = req.set('Content-Encoding', r.contentEncoding);
  return r.body === null || r.method === 'GET' || r.method === 'HEAD' ? req : req.send(r.body);
}

/** The protocol's answers: one of the success shapes, or the error body with a code from the closed set. */
function expectProtocolAnswer(r: FuzzRequest, res: supertest.Response) {
  const context = `${r.method} ${r.path} → ${res.status} ${(res.text ?? '').slice(0, 300)}`;
  expect(res.status, context).toBeLessThan(500);
  // Node's HTTP parser refuses headers over 16 KB in all before the application sees the request.
  if (r.method === 'HEAD' || res.status === 431) return;
  expect(res.headers['content-type'], context).toMatch(/^application\/json/);
  const answer = res.body as Record<string, unknown>;
  if (res.status < 300) {
    const status = answer.status ?? ('codeLength' in answer && 'channels' in answer ? 'config' : undefined);
    expect(['pending', 'approved', 'canceled', 'config'], context).toContain(status);
    return;
  }
  expect(Object.keys(answer), context).toEqual(['error']);
  const error = answer.error as Record<string, unknown>;
  expect(ERROR_CODES.has(error.code as string), context).toBe(true);
  expect(typeof error.message, context).toBe('string');
  for (const key of Object.keys(error)) expect(['code', 'message', 'retryAfter', 'attemptsLeft'], context).toContain(key);
  const expected = HTTP_STATUS[error.code as keyof typeof HTTP_STATUS];
  expect([expected, 413, 415], context).toContain(res.status);
  expect(res.text, context).not.toMatch(/\n\s+at |node_modules|\.ts:\d/);
}

describe('fuzz', () => {
  it('should answer any request to any endpoint with a protocol shape and never a 5xx or a hang', { timeout: 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        expectProtocolAnswer(r, await send(r));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), seed: Number(process.env.FUZZ_SEED ?? 20261122) },
    );
  });

  it('should answer well-formed requests with arbitrary JSON in a session with a pending verification the same way', { timeout: 30_000 }, async () => {
    // Its own app, limits out of the way: every run starts a verification, so /verify and /resend get past the session.
    const pendingApp = createTestApp({ options: { limits: wideLimits(), breaker: { enabled: false } } });
    const wellFormed = fc.record({
      method: fc.constant('POST'),
      path: fc.constantFrom('/start', '/resend', '/verify', '/cancel'),
      contentType: fc.constant('application/json'),
      contentEncoding: fc.constant(null),
      headers: fc.constant({}),
      body: fc.oneof({ arbitrary: fields, weight: 4 }, { arbitrary: body, weight: 1 }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(wellFormed, async (r) => {
        const agent = browserAgent(pendingApp.app);
        expect((await agent.post('/auth/phone/start').send({ phone: `+4474001234${String(run++ % 100).padStart(2, '0')}` })).status).toBe(200);
        pendingApp.clock.advance(30);
        const res = await agent.post(`/auth/phone${r.path}`).set('Content-Type', r.contentType).timeout(3000).send(r.body);
        expectProtocolAnswer(r, res);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), seed: Number(process.env.FUZZ_SEED ?? 20261122) },
    );
  });

  it("should leave a bystander's pending sign-in working, and the store small", async () => {
    // Every successful start is one entry; the send limits cap them (10 per IP per hour).
    expect(test.store.size).toBeLessThanOrEqual(12);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const res = await bystander.post('/auth/phone/verify').send({ code: bystanderCode });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await bystander.get('/account')).body).toEqual({ signedIn: true, phone: BYSTANDER });
  });
});
