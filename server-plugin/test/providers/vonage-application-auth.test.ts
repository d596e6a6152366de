// Vonage application auth: the adapter signs a fresh RS256 JWT per call with jose; the
// sandbox checks signature, application_id, iat/exp and a single-use jti, alongside Basic,
// and refuses everything else with Vonage's 401 problem+json.

import { createHmac, createPrivateKey, generateKeyPairSync, randomUUID, sign as rsaSign, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { vonageProvider, type VonageProviderOptions } from '../../src/providers/vonage.js';
import { VONAGE_JWT_TTL_SECONDS } from '../../src/providers/vonage-jwt.js';
import type { VerifyProvider } from '../../src/providers/types.js';
import { VerificationService } from '../../src/service.js';
import { ManualClock, VonageSandbox } from '../../src/testing/index.js';
import { call, codeIn, GB, LogSpy, rejectsWith, startedWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';

const KEY = 'vg-key';
const SECRET = 'vg-secret-value';
const APP_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OTHER_APP = '11111111-2222-4333-8444-555555555555';

let pair: { privateKey: KeyObject; publicKey: KeyObject; pem: string };
let stranger: KeyObject;
let clock: ManualClock;
let sandbox: VonageSandbox;
let url: string;
let log: LogSpy;

beforeAll(() => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  pair = { privateKey, publicKey, pem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});

beforeEach(async () => {
  clock = new ManualClock();
  log = new LogSpy();
  sandbox = new VonageSandbox({ apiKey: KEY, apiSecret: SECRET, clock: clock.now, application: { id: APP_ID, publicKey: pair.publicKey } });
  url = await sandbox.listen();
});

afterEach(async () => {
  await sandbox.close();
});

function adapter(overrides: Partial<VonageProviderOptions> = {}): VerifyProvider {
  return vonageProvider({ applicationId: APP_ID, privateKey: pair.pem, brand: 'Acme', baseUrl: url, logger: log, clock: clock.now, ...overrides });
}

const started = startedWith(() => clock.now());
const seconds = (): number => Math.floor(clock.now() / 1000);

/** A token as a test wants it: jose-signed with `key`, claims overridable (undefined drops one). */
async function token(claims: Record<string, unknown> = {}, key: KeyObject = pair.privateKey): Promise<string> {
  const now = seconds();
  const all: Record<string, unknown> = { application_id: APP_ID, iat: now, exp: now + 300, jti: randomUUID(), ...claims };
  for (const [name, value] of Object.entries(all)) if (value === undefined) delete all[name];
  return new SignJWT(all).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(key);
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const startBody = { brand: 'Acme', workflow: [{ channel: 'sms', to: '447400123456' }] };
const startWith = (authorization: string) => call(`${url}/v2/verify`, 'POST', { authorization }, startBody);

describe('vonageProvider with application auth', () => {
  it('start, a wrong code, the right code: every call carries its own JWT (the sandbox takes each jti once)', async () => {
    const provider = adapter();
    const pending = await started(provider);
    const code = codeIn(sandbox.outbox[0]);
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    expect(sandbox.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(log.lines).toEqual([]);
  });

  it('cancel and a channel switch (cancel + start) work the same way', async () => {
    const provider = adapter({ channels: ['sms', 'voice'] });
    const pending = await started(provider);
    const moved = await provider.resend!(pending, startRequest({ channel: 'voice' }));
    expect(sandbox.requests.map((r) => r.method)).toEqual(['POST', 'DELETE', 'POST']);
    await provider.cancel!({ ...pending, state: moved.state });
    expect(sandbox.requests.at(-1)!.method).toBe('DELETE');
  });

  it('the token it signs: RS256, typ JWT, application_id, iat = now, exp = iat + 60, a UUID jti', async () => {
    const seen: string[] = [];
    const spy = await import('node:http').then(({ createServer }) =>
      createServer((req, res) => {
        seen.push(String(req.headers.authorization));
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ request_id: randomUUID() }));
      }),
    );
    await new Promise<void>((resolve) => spy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = spy.address() as { port: number };
      const provider = adapter({ baseUrl: `http://127.0.0.1:${port}` });
      await provider.start(startRequest());
      await provider.start(startRequest());
    } finally {
      spy.closeAllConnections();
      await new Promise<void>((resolve) => spy.close(() => resolve()));
    }
    expect(seen).toHaveLength(2);
    const decoded = seen.map((h) => {
      const [header, claims] = h
        .replace(/^Bearer /, '')
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p!, 'base64url').toString()));
      return { header, claims };
    });
    expect(decoded[0]!.header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decoded[0]!.claims).toEqual({
      application_id: APP_ID,
      iat: seconds(),
      exp: seconds() + VONAGE_JWT_TTL_SECONDS,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(decoded[0]!.claims.jti).not.toBe(decoded[1]!.claims.jti);
  });

  it('a key Vonage does not know → provider_error, one log line, never the key; nothing sent', async () => {
    const provider = adapter({ privateKey: stranger });
    await rejectsWith(provider.start(startRequest()), 'provider_error');
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/refused the credentials \(HTTP 401\)/);
    expect(log.lines[0]).not.toMatch(/PRIVATE KEY|eyJ/);
    expect(sandbox.outbox).toHaveLength(0);
  });

  it('a clock that runs two minutes slow signs tokens that have expired → provider_error', async () => {
    const provider = adapter({ clock: () => clock.now() - 120_000 });
    await rejectsWith(provider.start(startRequest()), 'provider_error');
    expect(log.lines[0]).toMatch(/expired/);
  });

  it('validates its credentials at construction, without echoing the key', () => {
    const base = { brand: 'Acme', baseUrl: url };
    expect(() => vonageProvider({ ...base, applicationId: 'not-a-uuid', privateKey: pair.pem })).toThrow(/applicationId/);
    expect(() => vonageProvider({ ...base, applicationId: APP_ID })).toThrow(/privateKey is required/);
    const garbled = pair.pem.replace(/[A-Za-z]{20}/, 'x');
    let message = '';
    try {
      vonageProvider({ ...base, applicationId: APP_ID, privateKey: garbled });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/privateKey must be the application's private key/);
    expect(message).not.toContain(garbled.slice(40, 80));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => vonageProvider({ ...base, applicationId: APP_ID, privateKey: ec })).toThrow(/RSA/);
    expect(() => vonageProvider({ ...base, applicationId: APP_ID, privateKey: pair.publicKey })).toThrow(/RSA private key/);
    expect(() => vonageProvider({ ...base, applicationId: APP_ID, privateKey: pair.pem, apiKey: KEY, apiSecret: SECRET })).toThrow(/not both/);
    expect(() => vonageProvider({ ...base } as VonageProviderOptions)).toThrow(/apiKey/);
    // PKCS#1 works as well as PKCS#8.
    const pkcs1 = createPrivateKey(pair.pem).export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(() => vonageProvider({ ...base, applicationId: APP_ID, privateKey: pkcs1 })).not.toThrow();
  });

  describe('faults', () => {
    it.each(['500', '429', 'timeout', 'reset', 'garbage'] as const)(
      '%s on start → provider_unavailable; the next call signs a new token and works',
      async (kind) => {
        sandbox.fail({ kind, delay: 2000 });
        await rejectsWith(adapter({ timeout: 0.3 }).start(startRequest()), 'provider_unavailable');
        expect(sandbox.outbox).toHaveLength(0);
        // A patient adapter for the rest: a loaded machine must not turn the good call into a timeout.
        const provider = adapter();
        const pending = await started(provider);
        expect(await provider.check(pending, codeIn(sandbox.outbox[0]))).toEqual({ status: 'approved' });
      },
    );
  });

  it('drives VerificationService: start, a channel switch, the right code', async () => {
    const service = new VerificationService({
      provider: adapter({ channels: ['sms', 'voice'] }),
      allowedCountries: ['GB'],
      maxAttempts: 3,
      clock: clock.now,
      logger: log,
    });
    const { verification } = await service.start({ phone: GB });
    clock.advance(60);
    await service.resend(verification.id, { channel: 'voice' });
    const done = await service.check(verification.id, codeIn(sandbox.outbox.at(-1)));
    expect(done.phone).toBe(GB);
  });
});

describe('VonageSandbox application auth rules', () => {
  const refusedFor = async (authorization: string, why: RegExp): Promise<void> => {
    const res = await startWith(authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toEqual({
      type: expect.stringMatching(/#unauthorized$/),
      title: 'Unauthorized',
      detail: expect.stringMatching(why),
      instance: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  };

  it('a good token → 202; Basic still works beside it', async () => {
    expect((await startWith(`Bearer ${await token()}`)).status).toBe(202);
    const basic = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
    expect(
      (await call(`${url}/v2/verify`, 'POST', { authorization: basic }, { ...startBody, workflow: [{ channel: 'sms', to: '4915123456789' }] })).status,
    ).toBe(202);
  });

  it('a tampered token (claims changed after signing) → 401 signature', async () => {
    const [header, , signature] = (await token()).split('.');
    const forged = `${header}.${b64({ application_id: APP_ID, iat: seconds(), exp: seconds() + 300, jti: randomUUID(), admin: true })}.${signature}`;
    await refusedFor(`Bearer ${forged}`, /signature/);
    // A signature from a key Vonage does not hold.
    await refusedFor(`Bearer ${await token({}, stranger)}`, /signature/);
    expect(sandbox.outbox).toHaveLength(0);
  });

  it('alg none and HS256 keyed with the public key (alg confusion) → 401', async () => {
    const claims = b64({ application_id: APP_ID, iat: seconds(), exp: seconds() + 300, jti: randomUUID() });
    await refusedFor(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${claims}.`, /not well formed|none/);
    const hsHeader = b64({ alg: 'HS256', typ: 'JWT' });
    const secret = pair.publicKey.export({ type: 'spki', format: 'pem' });
    const mac = createHmac('sha256', secret).update(`${hsHeader}.${claims}`).digest('base64url');
    await refusedFor(`Bearer ${hsHeader}.${claims}.${mac}`, /HS256, not RS256/);
  });

  it('expired (exp at or before now), no exp, issued in the future, or not valid yet → 401', async () => {
    await refusedFor(`Bearer ${await token({ iat: seconds() - 600, exp: seconds() })}`, /expired/);
    await refusedFor(`Bearer ${await token({ exp: undefined })}`, /no exp/);
    await refusedFor(`Bearer ${await token({ iat: seconds() + 120, exp: seconds() + 600 })}`, /future/);
    await refusedFor(`Bearer ${await token({ nbf: seconds() + 120 })}`, /not valid yet/);
    await refusedFor(`Bearer ${await token({ iat: undefined })}`, /no iat/);
    // A token good now dies at its exp on the sandbox clock.
    const later = await token({ exp: seconds() + 30 });
    clock.advance(30);
    await refusedFor(`Bearer ${later}`, /expired/);
  });

  it('another application, or none → 401', async () => {
    await refusedFor(`Bearer ${await token({ application_id: OTHER_APP })}`, /another application/);
    await refusedFor(`Bearer ${await token({ application_id: undefined })}`, /another application/);
  });

  it('a replayed jti → 401 the second time; a missing jti → 401', async () => {
    const once = await token();
    expect((await startWith(`Bearer ${once}`)).status).toBe(202);
    await refusedFor(`Bearer ${once}`, /already used/);
    await refusedFor(`Bearer ${await token({ jti: undefined })}`, /no jti/);
    expect(sandbox.outbox).toHaveLength(1);
  });

  it('not a JWT at all, or a sandbox without an application → 401', async () => {
    await refusedFor('Bearer not-a-token', /not a JWS/);
    await refusedFor(`Bearer a.b.c`, /not well formed/);
    const bare = new VonageSandbox({ apiKey: KEY, apiSecret: SECRET, clock: clock.now });
    const base = await bare.listen();
    try {
      const res = await call(`${base}/v2/verify`, 'POST', { authorization: `Bearer ${await token()}` }, startBody);
      expect(res.status).toBe(401);
      expect(res.body.detail).toMatch(/not set up/);
    } finally {
      await bare.close();
    }
  });

  it('a token signed RS256 by hand (node:crypto, not jose) is accepted: the rules are the JWS ones, not one library’s', async () => {
    const header = b64({ alg: 'RS256', typ: 'JWT' });
    const claims = b64({ application_id: APP_ID, iat: seconds(), exp: seconds() + 60, jti: randomUUID() });
    const signature = rsaSign('RSA-SHA256', Buffer.from(`${header}.${claims}`), pair.privateKey).toString('base64url');
    expect((await startWith(`Bearer ${header}.${claims}.${signature}`)).status).toBe(202);
  });
});
