import { describe, expect, it } from 'vitest';
import { vonageProvider, type VonageProviderOptions } from '../../src/providers/vonage.js';
import type { PendingVerification } from '../../src/providers/types.js';
import { VerificationService } from '../../src/service.js';
import { VonageSandbox, type VonageSandboxOptions } from '../../src/testing/vonage.js';
import { call, codeIn, DE, GB, rejectsWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';
import { describeProviderContract, listening, useSubject, type ProviderSubject } from './provider-contract.js';

const KEY = 'vg-key';
const SECRET = 'vg-secret-value';

const subject: ProviderSubject<VonageSandbox, VonageProviderOptions, VonageSandboxOptions> = {
  name: 'vonage',
  openSandbox: (clock, options = {}) => listening(new VonageSandbox({ apiKey: KEY, apiSecret: SECRET, clock: clock.now, ...options })),
  adapter: (s, { clock, log }, overrides = {}) =>
    vonageProvider({ apiKey: KEY, apiSecret: SECRET, brand: 'Acme', baseUrl: s.url, logger: log, clock: clock.now, ...overrides }),
  // Vonage ends a request at the third wrong code.
  serviceOptions: { maxAttempts: 3 },
};

describeProviderContract(subject);

const fx = useSubject(subject);
const { adapter, started } = fx;

describe('vonageProvider', () => {
  it('starts a one-step workflow (digits, no +) with code_length and channel_timeout from our policy; 200 completed approves', async () => {
    const provider = adapter();
    expect(provider.codeLengths).toEqual([6, 7, 8, 9, 10]);
    expect(provider.channels).toEqual(['sms', 'voice']);
    expect(provider.maxTtlSeconds).toBe(900);
    const pending = await started(provider);
    expect(fx.sandbox.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v2/verify',
      body: { brand: 'Acme', workflow: [{ channel: 'sms', to: '447400123456' }], channel_timeout: 300, code_length: 6 },
    });
    expect(pending.state).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(fx.sandbox.outbox).toEqual([{ to: GB, channel: 'sms', text: expect.stringContaining('Acme'), at: fx.clock.now() }]);
    const code = codeIn(fx.sandbox.outbox[0]);
    expect(code).toHaveLength(6);
    expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    expect(fx.sandbox.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v2/verify/${pending.state.requestId}`, body: { code } });
  });

  it('sends the code length asked for (8), and the ttl as channel_timeout (120)', async () => {
    await started(adapter(), startRequest({ codeLength: 8, ttlSeconds: 120 }));
    expect(fx.sandbox.requests[0]!.body).toMatchObject({ code_length: 8, channel_timeout: 120 });
    expect(codeIn(fx.sandbox.outbox[0])).toHaveLength(8);
    await expect(adapter().start(startRequest({ phone: DE, codeLength: 4 }))).rejects.toThrow(TypeError);
  });

  it('too many wrong codes: Vonage’s 410 on the third → exhausted; the number is free again', async () => {
    const provider = adapter();
    const pending = await started(provider);
    const code = codeIn(fx.sandbox.outbox[0]);
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'exhausted' });
    expect(await provider.check(pending, code)).toEqual({ status: 'exhausted' });
    await started(provider);
    expect(fx.sandbox.outbox).toHaveLength(2);
  });

  it('channel switch (resend): cancels the live request, then starts one on the new channel', async () => {
    const provider = adapter();
    const first = await started(provider);
    const smsCode = codeIn(fx.sandbox.outbox[0]);
    const { state } = await provider.resend!(first, startRequest({ channel: 'voice' }));
    expect(fx.sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v2/verify',
      `DELETE /v2/verify/${first.state.requestId}`,
      'POST /v2/verify',
    ]);
    expect(fx.sandbox.requests[2]!.body).toMatchObject({ workflow: [{ channel: 'voice', to: '447400123456' }] });
    expect(fx.sandbox.outbox.at(-1)).toMatchObject({ to: GB, channel: 'voice' });
    const second = { ...first, channel: 'voice' as const, state };
    expect(await provider.check(first, smsCode)).toEqual({ status: 'expired' });
    expect(await provider.check(second, codeIn(fx.sandbox.outbox.at(-1)))).toEqual({ status: 'approved' });
  });

  it('a resend whose cancel fails is not attempted (it could only meet the 409)', async () => {
    const provider = adapter();
    const first = await started(provider);
    fx.sandbox.fail({ kind: '500' });
    await rejectsWith(provider.resend!(first, startRequest({ channel: 'voice' })), 'provider_unavailable');
    expect(fx.sandbox.outbox).toHaveLength(1);
    expect(await provider.check(first, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'approved' });
  });

  it('cancel: 204, the code is dead, a second cancel (404) is fine, and the number can start again', async () => {
    const provider = adapter();
    const pending = await started(provider);
    await provider.cancel!(pending);
    expect(fx.sandbox.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v2/verify/${pending.state.requestId}` });
    expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'expired' });
    await provider.cancel!(pending);
    await started(provider);
    expect(fx.sandbox.outbox).toHaveLength(2);
  });

  it('a second start (409 concurrent) supersedes the live request: it is cancelled, the start made again, only the new code works', async () => {
    const provider = adapter();
    const first = await started(provider);
    // Another process, or a start whose answer was lost: the request is known only from the 409.
    const second = await started(adapter());
    expect(fx.sandbox.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')}`)).toEqual([
      'POST /v2/verify',
      'POST /v2/verify',
      'DELETE /v2/verify/:id',
      'POST /v2/verify',
    ]);
    expect(fx.sandbox.outbox).toHaveLength(2);
    expect(await provider.check(first, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'expired' });
    expect(await provider.check(second, codeIn(fx.sandbox.outbox[1]))).toEqual({ status: 'approved' });
  });

  it('a 409 that cancelling cannot clear → rate_limited until the live one ends', async () => {
    const provider = adapter();
    await started(provider);
    fx.clock.advance(100);
    fx.sandbox.fail({ kind: '500', after: 1 });
    const error = await rejectsWith(provider.start(startRequest()), 'rate_limited');
    expect(error.retryAfter).toBe(200);
    expect(fx.sandbox.outbox).toHaveLength(1);
  });

  it('409 no-code on check (a codeless step) → expired, the request is cancelled, one warning', async () => {
    const basic = { authorization: `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}` };
    const res = await call(`${fx.url}/v2/verify`, 'POST', basic, {
      brand: 'Acme',
      workflow: [{ channel: 'whatsapp_interactive', to: '447400123456', from: '447700900001' }],
    });
    expect(res.status).toBe(202);
    const pending: PendingVerification = { id: 'v1', phone: GB, channel: 'whatsapp', createdAt: fx.clock.now(), state: { requestId: res.body.request_id } };
    expect(await adapter().check(pending, '123456')).toEqual({ status: 'expired' });
    expect(fx.sandbox.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v2/verify/${res.body.request_id}` });
    expect(fx.log.lines).toEqual([expect.stringMatching(/^warn vonage check answered 409 no-code/)]);
    await started(adapter());
  });

  it('maps locales onto Vonage’s, and leaves unknown ones out; whatsapp sends from', async () => {
    const provider = adapter({ channels: ['sms', 'whatsapp'], from: { whatsapp: '447700900001', sms: 'Acme' } });
    await started(provider, startRequest({ locale: 'de' }));
    await started(provider, startRequest({ phone: DE, locale: 'en-US', channel: 'whatsapp' }));
    await started(provider, startRequest({ phone: '+14155550123', locale: 'xx' }));
    expect(fx.sandbox.requests.map((r) => (r.body as { locale?: string }).locale)).toEqual(['de-de', 'en-us', undefined]);
    expect(fx.sandbox.requests[0]!.body).toMatchObject({ workflow: [{ channel: 'sms', from: 'Acme' }] });
    expect(fx.sandbox.requests[1]!.body).toMatchObject({ workflow: [{ channel: 'whatsapp', to: '4915123456789', from: '447700900001' }] });
    expect(fx.sandbox.outbox[1]).toMatchObject({ to: DE, channel: 'whatsapp' });
    await rejectsWith(adapter().start(startRequest({ phone: DE, channel: 'whatsapp' })), 'channel_unavailable');
  });

  it('validates its options at construction', () => {
    expect(() => adapter({ apiKey: '' })).toThrow(/apiKey/);
    expect(() => adapter({ apiSecret: '' })).toThrow(/apiSecret/);
    expect(() => adapter({ brand: ' ' })).toThrow(/brand/);
    expect(() => adapter({ channels: ['email' as never] })).toThrow(/email/);
    expect(() => adapter({ channels: ['whatsapp'] })).toThrow(/from.whatsapp/);
    expect(() => adapter({ locale: 'klingon' })).toThrow(/locale/);
    expect(adapter({ channels: ['whatsapp'], from: { whatsapp: '447700900001' } }).name).toBe('vonage');
  });

  it('bad credentials → provider_error and one log line without the secret', async () => {
    const provider = adapter({ apiSecret: 'wrong-secret-xyz' });
    const error = await rejectsWith(provider.start(startRequest()), 'provider_error');
    expect(error.message).not.toMatch(/secret|credential/i);
    expect(fx.log.lines).toHaveLength(1);
    expect(fx.log.lines[0]).toMatch(/^error vonage refused the credentials \(HTTP 401\)/);
    expect(fx.log.lines[0]).not.toContain('wrong-secret-xyz');
    expect(fx.log.lines[0]).not.toContain(Buffer.from(`${KEY}:wrong-secret-xyz`).toString('base64'));
  });

  it('a number Vonage refuses (422 on workflow[0].to) → invalid_phone; other 422s → provider_error + log', async () => {
    const error = await rejectsWith(adapter().start(startRequest({ phone: '+0123' })), 'invalid_phone');
    expect(error.message).not.toMatch(/E\.164/);
    expect(fx.log.lines).toHaveLength(0);
    // A refusal of anything else is our configuration: provider_error, and the operator hears of it.
    await rejectsWith(adapter({ from: { sms: 'A sender far too long' } }).start(startRequest()), 'provider_error');
    expect(fx.log.lines).toEqual([expect.stringMatching(/^error vonage rejected start \(sms\) \(HTTP 422\).*workflow\[0\]\.from/)]);
  });

  it('refuses at start-up the service’s default 5 attempts: Vonage ends a request at the third wrong code (ERR_PV_MAX_ATTEMPTS)', () => {
    expect(adapter().maxAttempts).toBe(3);
    expect(() => new VerificationService({ provider: adapter(), allowedCountries: ['GB'], clock: fx.clock.now, logger: fx.log })).toThrow(
      expect.objectContaining({ code: 'ERR_PV_MAX_ATTEMPTS', message: expect.stringMatching(/3/) }),
    );
  });

  it('with maxAttempts: 3 the service and Vonage agree', async () => {
    const service = new VerificationService({ provider: adapter(), allowedCountries: ['GB'], clock: fx.clock.now, logger: fx.log, maxAttempts: 3 });
    const { verification, response } = await service.start({ phone: GB });
    expect(response.attemptsLeft).toBe(3);
    const bad = wrongCode(codeIn(fx.sandbox.outbox[0]));
    await expect(service.check(verification.id, bad)).rejects.toMatchObject({ code: 'invalid_code', attemptsLeft: 2 });
    await expect(service.check(verification.id, bad)).rejects.toMatchObject({ code: 'invalid_code', attemptsLeft: 1 });
    await expect(service.check(verification.id, bad)).rejects.toMatchObject({ code: 'too_many_attempts' });
  });
});

describe('VonageSandbox rules', () => {
  const basic = (secret = SECRET) => ({ authorization: `Basic ${Buffer.from(`${KEY}:${secret}`).toString('base64')}` });
  const send = (body: unknown, headers: Record<string, string> = basic()) => call(`${fx.url}/v2/verify`, 'POST', headers, body);
  const check = (id: string, code: unknown) => call(`${fx.url}/v2/verify/${id}`, 'POST', basic(), { code });
  const cancel = (id: string) => call(`${fx.url}/v2/verify/${id}`, 'DELETE', basic());
  const next = (id: string) => call(`${fx.url}/v2/verify/${id}/next_workflow`, 'POST', basic());
  const valid = { brand: 'Acme', workflow: [{ channel: 'sms', to: '447400123456' }] };
  const problemOf = (type: string) => ({
    type: expect.stringMatching(new RegExp(`#${type}$`)),
    title: expect.any(String),
    detail: expect.any(String),
    instance: expect.any(String),
  });

  it('authenticates with Basic api_key:api_secret only; else 401 problem+json', async () => {
    for (const headers of [{}, basic('bad'), { authorization: 'Bearer eyJhbGciOi.x.y' }] as Record<string, string>[]) {
      const res = await send(valid, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toEqual(problemOf('unauthorized'));
    }
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('answers 202 {request_id}; code_length defaults to 4 (Vonage’s default)', async () => {
    const res = await send(valid);
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual({ request_id: expect.any(String) });
    expect(codeIn(fx.sandbox.outbox[0])).toHaveLength(4);
  });

  it.each([
    [{ ...valid, brand: undefined }, 'brand'],
    [{ ...valid, brand: '' }, 'brand'],
    [{ ...valid, workflow: [] }, 'workflow'],
    [{ brand: 'Acme' }, 'workflow'],
    [{ ...valid, workflow: [{ channel: 'email', to: 'a@b.c' }] }, 'workflow[0].channel'],
    [{ ...valid, workflow: [{ channel: 'sms', to: '+447400123456' }] }, 'workflow[0].to'],
    [{ ...valid, workflow: [{ channel: 'sms', to: '447400123456' }, { channel: 'voice' }] }, 'workflow[1].to'],
    [{ ...valid, workflow: [{ channel: 'whatsapp', to: '447400123456' }] }, 'workflow[0].from'],
    [{ ...valid, code_length: 3 }, 'code_length'],
    [{ ...valid, code_length: 11 }, 'code_length'],
    [{ ...valid, channel_timeout: 59 }, 'channel_timeout'],
    [{ ...valid, channel_timeout: 901 }, 'channel_timeout'],
    [{ ...valid, locale: 'en' }, 'locale'],
    [{ ...valid, code: '12345', code_length: 6 }, 'code'],
    [{ ...valid, workflow: [{ channel: 'whatsapp_interactive', to: '447400123456', from: '447700900001' }], code_length: 6 }, 'code_length'],
  ])('refuses %j with 422 invalid-params naming %s', async (body, name) => {
    const res = await send(body);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ ...problemOf('invalid-params'), invalid_parameters: [{ name, reason: expect.any(String) }] });
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('takes the bounds: code_length 10, channel_timeout 60 and 900, a custom code', async () => {
    expect((await send({ ...valid, code_length: 10, channel_timeout: 60 })).status).toBe(202);
    expect(codeIn(fx.sandbox.outbox[0])).toHaveLength(10);
    expect(
      (await send({ ...valid, workflow: [{ channel: 'voice', to: '4915123456789' }], channel_timeout: 900, code: 'ab12cd', locale: 'de-de' })).status,
    ).toBe(202);
    expect(fx.sandbox.outbox[1]).toMatchObject({ to: DE, channel: 'voice', text: expect.stringContaining('ab12cd') });
  });

  it('answers 409 concurrent (with the live request_id) for a second live request to a number; free again after cancel', async () => {
    const first = await send(valid);
    const res = await send({ ...valid, workflow: [{ channel: 'voice', to: '447400123456' }] });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ ...problemOf('concurrent'), request_id: first.body.request_id });
    expect((await cancel(first.body.request_id)).status).toBe(204);
    expect((await send(valid)).status).toBe(202);
  });

  it('check: 400 invalid-code for a wrong code, 200 completed for the right one, 404 not-found after', async () => {
    const { body } = await send({ ...valid, code_length: 6 });
    const code = codeIn(fx.sandbox.outbox[0]);
    const bad = await check(body.request_id, wrongCode(code));
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(problemOf('invalid-code'));
    const ok = await check(body.request_id, code);
    expect(ok).toMatchObject({ status: 200, body: { request_id: body.request_id, status: 'completed' } });
    const gone = await check(body.request_id, code);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(problemOf('not-found'));
    expect(gone.body.detail).toMatch(/verified already/);
    expect((await check('no-such-id', code)).status).toBe(404);
  });

  it('terminates after maxChecks wrong codes (default 3): 410 expired, then 410 even for the right code', async () => {
    const { body } = await send(valid);
    const code = codeIn(fx.sandbox.outbox[0]);
    expect((await check(body.request_id, wrongCode(code))).status).toBe(400);
    expect((await check(body.request_id, wrongCode(code))).status).toBe(400);
    const res = await check(body.request_id, wrongCode(code));
    expect(res.status).toBe(410);
    expect(res.body).toEqual(problemOf('expired'));
    expect((await check(body.request_id, code)).status).toBe(410);
    expect((await send(valid)).status).toBe(202);
  });

  it('maxChecks is an option', async () => {
    await fx.open({ maxChecks: 1 });
    const { body } = await send(valid);
    expect((await check(body.request_id, wrongCode(codeIn(fx.sandbox.outbox[0])))).status).toBe(410);
  });

  it('steps through the workflow every channel_timeout with the same code, and expires after the last step’s', async () => {
    const { body } = await send({
      ...valid,
      workflow: [
        { channel: 'sms', to: '447400123456' },
        { channel: 'voice', to: '447400123456' },
      ],
      channel_timeout: 60,
    });
    fx.clock.advance(59);
    expect(fx.sandbox.outbox.map((m) => m.channel)).toEqual(['sms']);
    fx.clock.advance(1);
    expect(fx.sandbox.outbox.map((m) => [m.channel, m.at - fx.sandbox.outbox[0]!.at])).toEqual([
      ['sms', 0],
      ['voice', 60_000],
    ]);
    expect(codeIn(fx.sandbox.outbox[1])).toBe(codeIn(fx.sandbox.outbox[0]));
    fx.clock.advance(59);
    expect((await check(body.request_id, wrongCode(codeIn(fx.sandbox.outbox[0])))).status).toBe(400);
    fx.clock.advance(1);
    expect((await check(body.request_id, codeIn(fx.sandbox.outbox[0]))).status).toBe(404);
    expect((await send(valid)).status).toBe(202);
  });

  it('next_workflow sends the next step now (200); 409 no-events at the end; 404 once gone', async () => {
    const { body } = await send({
      ...valid,
      workflow: [
        { channel: 'sms', to: '447400123456' },
        { channel: 'voice', to: '447400123456' },
      ],
    });
    fx.clock.advance(10);
    expect((await next(body.request_id)).status).toBe(200);
    expect(fx.sandbox.outbox.map((m) => m.channel)).toEqual(['sms', 'voice']);
    const end = await next(body.request_id);
    expect(end.status).toBe(409);
    expect(end.body).toEqual(problemOf('no-events'));
    // The last step now runs its own channel_timeout (300 s) from the switch.
    fx.clock.advance(299);
    expect((await check(body.request_id, wrongCode(codeIn(fx.sandbox.outbox[0])))).status).toBe(400);
    expect((await cancel(body.request_id)).status).toBe(204);
    expect((await next(body.request_id)).status).toBe(404);
  });

  it('cancel: 204 without a body, then 404', async () => {
    const { body } = await send(valid);
    const res = await cancel(body.request_id);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await cancel(body.request_id)).status).toBe(404);
    expect((await check(body.request_id, codeIn(fx.sandbox.outbox[0]))).status).toBe(404);
  });

  it('409 no-code when the current step takes no code (whatsapp_interactive); nothing with a code is delivered', async () => {
    const { body, status } = await send({ ...valid, workflow: [{ channel: 'whatsapp_interactive', to: '447400123456', from: '447700900001' }] });
    expect(status).toBe(202);
    const res = await check(body.request_id, '1234');
    expect(res.status).toBe(409);
    expect(res.body).toEqual(problemOf('no-code'));
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('injected 500 and 429 are problem+json too (429 with Retry-After); garbage is not', async () => {
    fx.sandbox.fail({ kind: '500' });
    fx.sandbox.fail({ kind: '429', retryAfter: 4 });
    fx.sandbox.fail({ kind: 'garbage' });
    const a = await send(valid);
    expect([a.status, a.headers.get('content-type')]).toEqual([500, 'application/problem+json']);
    const b = await send(valid);
    expect([b.status, b.headers.get('content-type'), b.headers.get('retry-after')]).toEqual([429, 'application/problem+json', '4']);
    expect(b.body).toEqual(problemOf('throttled'));
    const c = await send(valid);
    expect(c.status).toBe(200);
    expect(typeof c.body).toBe('string');
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('takes JSON only, and answers 404 not-found elsewhere', async () => {
    const res = await fetch(`${fx.url}/v2/verify`, {
      method: 'POST',
      headers: { ...basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'brand=Acme',
    });
    expect(res.status).toBe(422);
    const other = await call(`${fx.url}/v2/verify/some-id`, 'GET', basic());
    expect(other.status).toBe(404);
    expect(other.body).toEqual(problemOf('not-found'));
  });
});
