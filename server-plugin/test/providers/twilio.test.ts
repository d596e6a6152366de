import { describe, expect, it } from 'vitest';
import { twilioProvider, type TwilioProviderOptions } from '../../src/providers/twilio.js';
import { TwilioSandbox, type TwilioSandboxOptions } from '../../src/testing/index.js';
import { call, codeIn, DE, GB, rejectsWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';
import { describeProviderContract, listening, useSubject, type ProviderSubject } from './provider-contract.js';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'f00dfeedf00dfeedf00dfeedf00dfeed';
const SERVICE_SID = 'VAfedcba9876543210fedcba9876543210';
const BASIC = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;

const subject: ProviderSubject<TwilioSandbox, TwilioProviderOptions, TwilioSandboxOptions> = {
  name: 'twilio',
  openSandbox: (clock, options = {}) =>
    listening(new TwilioSandbox({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, serviceSid: SERVICE_SID, clock: clock.now, ...options })),
  adapter: (s, { clock, log }, overrides = {}) =>
    twilioProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, serviceSid: SERVICE_SID, baseUrl: s.url, logger: log, clock: clock.now, ...overrides }),
  // Its validity is a Service setting (10 minutes), not per request.
  validitySeconds: 600,
};

describeProviderContract(subject);

const fx = useSubject(subject);
const { adapter, started } = fx;

const SERVICE = `/v2/Services/${SERVICE_SID}`;
const checks = () => fx.sandbox.requests.filter((r) => r.path.endsWith('/VerificationCheck'));

describe('twilioProvider', () => {
  it('starts with a form-encoded PascalCase body (To, Channel, Locale), keeps the VE… SID, approves the right code by SID', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ locale: 'de-AT' }));
    expect(fx.sandbox.requests[0]).toMatchObject({ method: 'POST', path: `${SERVICE}/Verifications`, body: { To: GB, Channel: 'sms', Locale: 'de' } });
    expect(pending.state.verificationSid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(pending.state.createdAt).toBe(fx.clock.now());
    expect(fx.sandbox.outbox).toHaveLength(1);
    expect(fx.sandbox.outbox[0]).toMatchObject({ to: GB, channel: 'sms' });
    const code = codeIn(fx.sandbox.outbox[0]);
    expect(code).toHaveLength(6);
    expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    // By VerificationSid, never To.
    expect(checks()[0]!.body).toEqual({ VerificationSid: pending.state.verificationSid, Code: code });
  });

  it('maps locales to Twilio’s spelling and leaves out the ones it does not read', async () => {
    const provider = adapter();
    await started(provider, startRequest({ locale: 'pt-br' }));
    await started(provider, startRequest({ locale: 'en_GB', phone: DE }));
    await started(provider, startRequest({ locale: 'xx-YY', phone: '+14155550123' }));
    expect(fx.sandbox.requests.map((r) => (r.body as Record<string, string>).Locale)).toEqual(['pt-BR', 'en-GB', undefined]);
  });

  it('sends no ttl: its validity is a Service setting (10 minutes; the contract runs the expiry with validitySeconds 600)', async () => {
    const provider = adapter();
    expect(provider.maxTtlSeconds).toBe(600);
    await started(provider, startRequest({ ttlSeconds: 120 }));
    expect(Object.keys(fx.sandbox.requests[0]!.body as object).sort()).toEqual(['Channel', 'To']);
  });

  it('channel switch: resend by call is another create (Channel=call) that keeps the SID and resends the same code', async () => {
    const provider = adapter({ channels: ['sms', 'voice', 'whatsapp'] });
    expect(provider.channels).toEqual(['sms', 'voice', 'whatsapp']);
    const first = await started(provider);
    const { state } = await provider.resend!(first, startRequest({ channel: 'voice' }));
    expect(fx.sandbox.requests[1]!.body).toMatchObject({ To: GB, Channel: 'call' });
    expect(state.verificationSid).toBe(first.state.verificationSid);
    expect(fx.sandbox.outbox[1]).toMatchObject({ to: GB, channel: 'voice' });
    expect(codeIn(fx.sandbox.outbox[1])).toBe(codeIn(fx.sandbox.outbox[0]));
    expect(await provider.check({ ...first, channel: 'voice', state }, codeIn(fx.sandbox.outbox[1]))).toEqual({ status: 'approved' });

    await started(provider, startRequest({ channel: 'whatsapp', phone: DE }));
    expect(fx.sandbox.requests.at(-1)!.body).toMatchObject({ To: DE, Channel: 'whatsapp' });
    expect(fx.sandbox.outbox.at(-1)).toMatchObject({ to: DE, channel: 'whatsapp' });
  });

  it('cancel posts Status=canceled; a second cancel (404) is fine; a check afterwards → expired', async () => {
    const provider = adapter();
    const pending = await started(provider);
    await provider.cancel!(pending);
    expect(fx.sandbox.requests[1]).toMatchObject({
      method: 'POST',
      path: `${SERVICE}/Verifications/${pending.state.verificationSid}`,
      body: { Status: 'canceled' },
    });
    await provider.cancel!(pending);
    expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'expired' });
  });

  it('the check after 5 (429 / 60202) → exhausted, even with the right code; afterwards → expired', async () => {
    const provider = adapter();
    const pending = await started(provider);
    const code = codeIn(fx.sandbox.outbox[0]);
    for (let i = 0; i < 5; i++) expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, code)).toEqual({ status: 'exhausted' });
    expect(await provider.check(pending, code)).toEqual({ status: 'expired' });
  });

  it('the send after 5 in 10 minutes (429 / 60203) → rate_limited with a retryAfter; nothing sent', async () => {
    const provider = adapter();
    const pending = await started(provider);
    for (let i = 0; i < 4; i++) await provider.resend!(pending, startRequest());
    expect(fx.sandbox.outbox).toHaveLength(5);
    fx.clock.advance(120);
    // A resend knows when the verification was created: the rest of its 10 minutes.
    let error = await rejectsWith(provider.resend!(pending, startRequest({ channel: 'voice' })), 'rate_limited');
    expect(error.retryAfter).toBe(480);
    // A fresh start does not: the whole window.
    error = await rejectsWith(provider.start(startRequest()), 'rate_limited');
    expect(error.retryAfter).toBe(600);
    expect(fx.sandbox.outbox).toHaveLength(5);
    expect(fx.log.lines).toHaveLength(0);
  });

  it('bad credentials (401 / 20003) → provider_error and exactly one log line, without the token', async () => {
    const provider = adapter({ authToken: 'badbadbadbadtoken' });
    const error = await rejectsWith(provider.start(startRequest()), 'provider_error');
    expect(error.message).not.toMatch(/Authenticate|token/i);
    expect(fx.log.lines).toHaveLength(1);
    expect(fx.log.lines[0]).toMatch(/^error twilio refused the credentials \(HTTP 401\) on start \(sms\): 20003 Authenticate/);
    expect(fx.log.lines[0]).not.toContain('badbadbadbadtoken');
    expect(fx.log.lines[0]).not.toContain(Buffer.from(`${ACCOUNT_SID}:badbadbadbadtoken`).toString('base64'));
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('60200 on To → invalid_phone (no log line); 60200 on anything else → provider_error with a log line', async () => {
    await rejectsWith(adapter().start(startRequest({ phone: '+0123' })), 'invalid_phone');
    expect(fx.log.lines).toHaveLength(0);
    // A Service SID from another account: 404 / 20404 is a configuration problem, not an expiry.
    const misconfigured = twilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      serviceSid: 'VA' + '1'.repeat(32),
      baseUrl: fx.url,
      logger: fx.log,
    });
    await rejectsWith(misconfigured.start(startRequest()), 'provider_error');
    expect(fx.log.lines).toEqual([expect.stringMatching(/^error twilio rejected start \(sms\) \(HTTP 404\): 20404/)]);
  });

  it('validates its options at construction', () => {
    const base = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, serviceSid: SERVICE_SID };
    expect(() => twilioProvider({ ...base, authToken: '' })).toThrow(/authToken/);
    expect(() => twilioProvider({ ...base, accountSid: 'nope' })).toThrow(/accountSid/);
    expect(twilioProvider({ ...base, accountSid: 'SK' + 'a'.repeat(32) }).name).toBe('twilio');
    expect(() => twilioProvider({ ...base, serviceSid: 'MG' + 'a'.repeat(32) })).toThrow(/VA/);
    expect(() => twilioProvider({ ...base, channels: ['email' as never] })).toThrow(/email/);
    expect(() => twilioProvider({ ...base, codeLength: 3 })).toThrow(/codeLength/);
    expect(() => twilioProvider({ ...base, timeout: 0 })).toThrow(/timeout/);
    const provider = twilioProvider(base);
    expect(provider.channels).toEqual(['sms', 'voice']);
    expect(provider.codeLengths).toEqual([6]);
    expect(twilioProvider({ ...base, codeLength: 8 }).codeLengths).toEqual([8]);
  });

  describe('faults', () => {
    it('a fault on cancel → provider_unavailable, and the verification is still there', async () => {
      const provider = adapter();
      const pending = await started(provider);
      fx.sandbox.fail({ kind: '500' });
      await rejectsWith(provider.cancel!(pending), 'provider_unavailable');
      expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'approved' });
    });
  });
});

describe('TwilioSandbox rules', () => {
  const auth = { authorization: BASIC };
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = auth) =>
    fetch(`${fx.url}${SERVICE}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    }).then(async (res) => ({ status: res.status, headers: res.headers, body: (await res.json()) as any }));
  const create = (fields: Record<string, string>) => post('/Verifications', fields);
  const verify = (fields: Record<string, string>) => post('/VerificationCheck', fields);

  it('needs HTTP Basic AccountSid:AuthToken: else 401 / 20003 in Twilio’s error shape', async () => {
    const wrongToken = `Basic ${Buffer.from(`${ACCOUNT_SID}:nope`).toString('base64')}`;
    for (const headers of [{}, { authorization: wrongToken }, { authorization: `Bearer ${AUTH_TOKEN}` }] as Record<string, string>[]) {
      const res = await post('/Verifications', { To: GB, Channel: 'sms' }, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    }
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('reads form fields only: a JSON body, or camelCase names, carry no To (400 / 60200)', async () => {
    const json = await call(`${fx.url}${SERVICE}/Verifications`, 'POST', auth, { To: GB, Channel: 'sms' });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({
      code: 60200,
      message: expect.stringContaining('To'),
      more_info: 'https://www.twilio.com/docs/errors/60200',
      status: 400,
    });
    const lower = await create({ to: GB, channel: 'sms' });
    expect(lower.body).toMatchObject({ code: 60200, status: 400 });
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it.each([
    [{ To: GB.slice(1), Channel: 'sms' }, 'To'],
    [{ To: GB, Channel: 'voice' }, 'Channel'],
    [{ To: GB }, 'Channel'],
    [{ To: GB, Channel: 'sms', Locale: 'xx' }, 'Locale'],
    [{ To: GB, Channel: 'sms', CustomCode: '123456' }, 'CustomCode'],
  ])('refuses %j: 400 / 60200 naming %s', async (fields, parameter) => {
    const res = await create(fields as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 60200 });
    expect(res.body.message).toContain(parameter);
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('create → 201 with a pending VE… verification, snake_case fields and the code in the message', async () => {
    const res = await create({ To: GB, Channel: 'sms' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ service_sid: SERVICE_SID, account_sid: ACCOUNT_SID, to: GB, channel: 'sms', status: 'pending', valid: false });
    expect(res.body.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(res.body.date_created).toBe('2026-01-01T12:00:00Z');
    expect(res.body.send_code_attempts).toEqual([{ time: '2026-01-01T12:00:00Z', channel: 'sms', attempt_sid: expect.stringMatching(/^VL/) }]);
    expect(fx.sandbox.outbox[0]!.text).toBe(`Your phone-verify verification code is: ${codeIn(fx.sandbox.outbox[0])}`);
    expect(codeIn(fx.sandbox.outbox[0])).toHaveLength(6);
  });

  it('the code length is the Service’s CodeLength', async () => {
    const eight = new TwilioSandbox({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, codeLength: 8 });
    const base = await eight.listen();
    try {
      expect(eight.serviceSid).toMatch(/^VA[0-9a-f]{32}$/);
      const res = await fetch(`${base}/v2/Services/${eight.serviceSid}/Verifications`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: `To=${encodeURIComponent(GB)}&Channel=call`,
      });
      expect(res.status).toBe(201);
      expect(eight.outbox[0]).toMatchObject({ channel: 'voice' });
      expect(codeIn(eight.outbox[0])).toHaveLength(8);
    } finally {
      await eight.close();
    }
  });

  it('a repeat create within the validity reuses the verification: same SID, same code, new send attempt', async () => {
    const a = await create({ To: GB, Channel: 'sms' });
    fx.clock.advance(40);
    const b = await create({ To: GB, Channel: 'whatsapp' });
    expect(b.status).toBe(201);
    expect(b.body.sid).toBe(a.body.sid);
    expect(b.body.channel).toBe('whatsapp');
    expect(b.body.send_code_attempts.map((s: { channel: string }) => s.channel)).toEqual(['sms', 'whatsapp']);
    expect(codeIn(fx.sandbox.outbox[1])).toBe(codeIn(fx.sandbox.outbox[0]));
    expect(fx.sandbox.outbox[1]!.channel).toBe('whatsapp');
    const other = await create({ To: DE, Channel: 'sms' });
    expect(other.body.sid).not.toBe(a.body.sid);
  });

  it('check: 200 pending for a wrong code, 200 approved for the right one, then 404 / 20404; by To or VerificationSid, not both', async () => {
    const { body } = await create({ To: GB, Channel: 'sms' });
    const code = codeIn(fx.sandbox.outbox[0]);
    expect((await verify({ To: GB, VerificationSid: body.sid, Code: code })).body).toMatchObject({ code: 60200 });
    expect((await verify({ Code: code })).body).toMatchObject({ code: 60200 });
    expect((await verify({ VerificationSid: body.sid, Code: '123' })).body).toMatchObject({ code: 60200 });
    let res = await verify({ VerificationSid: body.sid, Code: wrongCode(code) });
    expect(res).toMatchObject({ status: 200, body: { sid: body.sid, status: 'pending', valid: false } });
    res = await verify({ To: GB, Code: code });
    expect(res).toMatchObject({ status: 200, body: { sid: body.sid, status: 'approved', valid: true } });
    res = await verify({ VerificationSid: body.sid, Code: code });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 20404, status: 404, more_info: 'https://www.twilio.com/docs/errors/20404' });
    expect((await fetch(`${fx.url}${SERVICE}/Verifications/${body.sid}`, { headers: auth })).status).toBe(404);
  });

  it('a code is valid for 10 minutes; then the verification is gone and a create starts a new one', async () => {
    const { body } = await create({ To: GB, Channel: 'sms' });
    fx.clock.advance(599.9);
    expect((await fetch(`${fx.url}${SERVICE}/Verifications/${body.sid}`, { headers: auth })).status).toBe(200);
    fx.clock.advance(0.1);
    expect((await verify({ VerificationSid: body.sid, Code: codeIn(fx.sandbox.outbox[0]) })).status).toBe(404);
    const again = await create({ To: GB, Channel: 'sms' });
    expect(again.body.sid).not.toBe(body.sid);
  });

  it('5 checks, then 429 / 60202 (even for the right code) and the verification is deleted', async () => {
    const { body } = await create({ To: GB, Channel: 'sms' });
    const code = codeIn(fx.sandbox.outbox[0]);
    for (let i = 0; i < 5; i++) expect((await verify({ VerificationSid: body.sid, Code: wrongCode(code) })).body.status).toBe('pending');
    const res = await verify({ VerificationSid: body.sid, Code: code });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 60202, status: 429 });
    expect((await verify({ VerificationSid: body.sid, Code: code })).status).toBe(404);
  });

  it('5 sends to a number per 10 minutes without an approval, then 429 / 60203; the window and an approval reset it', async () => {
    for (let i = 0; i < 5; i++) expect((await create({ To: GB, Channel: 'sms' })).status).toBe(201);
    const refused = await create({ To: GB, Channel: 'call' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 60203, status: 429 });
    expect(fx.sandbox.outbox).toHaveLength(5);
    // Another number is not affected; and a cancel is no completion: its count stands.
    const live = await create({ To: DE, Channel: 'sms' });
    expect(live.status).toBe(201);
    expect((await post(`/Verifications/${live.body.sid}`, { Status: 'canceled' })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await create({ To: DE, Channel: 'sms' })).status).toBe(201);
    expect((await create({ To: DE, Channel: 'sms' })).body).toMatchObject({ code: 60203 });
    // The window passes.
    fx.clock.advance(600);
    expect((await create({ To: GB, Channel: 'sms' })).status).toBe(201);
    // An approval completes the number: its count starts again.
    expect((await verify({ To: GB, Code: codeIn(fx.sandbox.outbox.at(-1)) })).body.status).toBe('approved');
    for (let i = 0; i < 5; i++) expect((await create({ To: GB, Channel: 'sms' })).status).toBe(201);
    expect((await create({ To: GB, Channel: 'sms' })).status).toBe(429);
  });

  it('cancel: Status=canceled → 200 canceled, then 404 for fetch, check and cancel; other statuses → 60200', async () => {
    const { body } = await create({ To: GB, Channel: 'sms' });
    expect((await post(`/Verifications/${body.sid}`, { Status: 'bogus' })).body).toMatchObject({ code: 60200 });
    const res = await post(`/Verifications/${body.sid}`, { Status: 'canceled' });
    expect(res).toMatchObject({ status: 200, body: { sid: body.sid, status: 'canceled' } });
    expect((await fetch(`${fx.url}${SERVICE}/Verifications/${body.sid}`, { headers: auth })).status).toBe(404);
    expect((await verify({ VerificationSid: body.sid, Code: codeIn(fx.sandbox.outbox[0]) })).status).toBe(404);
    expect((await post(`/Verifications/${body.sid}`, { Status: 'canceled' })).status).toBe(404);
  });

  it('another Service SID is 404 / 20404', async () => {
    const res = await fetch(`${fx.url}/v2/Services/VA${'0'.repeat(32)}/Verifications`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: `To=${encodeURIComponent(GB)}&Channel=sms`,
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: number }).code).toBe(20404);
  });

  it('injected 500 and 429 use Twilio’s error shape (20500, 20429 + Retry-After); the request is not acted on', async () => {
    fx.sandbox.fail({ kind: '500' });
    fx.sandbox.fail({ kind: '429', retryAfter: 30 });
    const a = await create({ To: GB, Channel: 'sms' });
    expect(a).toMatchObject({ status: 500, body: { code: 20500, status: 500 } });
    const b = await create({ To: GB, Channel: 'sms' });
    expect(b).toMatchObject({ status: 429, body: { code: 20429, message: 'Too many requests', status: 429 } });
    expect(b.headers.get('retry-after')).toBe('30');
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('emits a message event for each delivery', async () => {
    const seen: string[] = [];
    fx.sandbox.on('message', (m) => seen.push(`${m.to} ${m.channel}`));
    await create({ To: DE, Channel: 'call' });
    expect(seen).toEqual([`${DE} voice`]);
    expect(fx.sandbox.outbox[0]!.text).toMatch(/^\[call\] /);
  });
});
