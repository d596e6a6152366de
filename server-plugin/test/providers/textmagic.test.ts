import { describe, expect, it } from 'vitest';
import { textmagicProvider, type TextmagicProviderOptions } from '../../src/providers/textmagic.js';
import { VerificationService } from '../../src/service.js';
import { TextmagicSandbox, type TextmagicSandboxOptions } from '../../src/testing/index.js';
import { call, codeIn, DE, GB, rejectsWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';
import { describeProviderContract, listening, useSubject, type ProviderSubject } from './provider-contract.js';

const USER = 'demo';
const KEY = 'tm-secret-key';

const subject: ProviderSubject<TextmagicSandbox, TextmagicProviderOptions, TextmagicSandboxOptions> = {
  name: 'textmagic',
  openSandbox: (clock, options = {}) => listening(new TextmagicSandbox({ username: USER, apiKey: KEY, clock: clock.now, ...options })),
  adapter: (s, { clock, log }, overrides = {}) =>
    textmagicProvider({ username: USER, apiKey: KEY, brand: 'Acme', baseUrl: s.url, logger: log, clock: clock.now, ...overrides }),
  // Its codes live 300 s whatever we ask (the service refuses a longer ttl at start-up).
  validitySeconds: 300,
};

describeProviderContract(subject);

const fx = useSubject(subject);
const { adapter, started } = fx;

describe('textmagicProvider', () => {
  it('starts with digits, brand, codeLength 6 and workflow 6 (one SMS), and approves the right code with a 204', async () => {
    const provider = adapter();
    expect(provider.codeLengths).toEqual([6]);
    const pending = await started(provider);
    expect(fx.sandbox.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v2/verify',
      body: { phone: '447400123456', brand: 'Acme', codeLength: 6, workflowId: '6' },
    });
    expect(pending.state).toEqual({ verifyId: expect.stringMatching(/^[0-9a-f-]{36}$/), sentAt: fx.clock.now() });
    expect(fx.sandbox.outbox).toEqual([{ to: GB, channel: 'sms', text: expect.stringContaining('Acme'), at: fx.clock.now() }]);
    const code = codeIn(fx.sandbox.outbox[0]);
    expect(code).toHaveLength(6);
    expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    expect(fx.sandbox.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/api/v2/verify', body: { code, verifyId: pending.state.verifyId } });
  });

  it('sends the code as a string so a leading zero survives; as an integer (the spec type) it would not', async () => {
    await fx.open({ generateCode: () => '012345' });
    const asString = await started(adapter());
    expect(await adapter().check(asString, '012345')).toEqual({ status: 'approved' });
    const integer = adapter({ codeAs: 'integer' });
    const asInteger = await started(integer, startRequest({ phone: DE }));
    expect(await integer.check(asInteger, '012345')).toEqual({ status: 'wrong' });
    expect(fx.sandbox.requests.at(-1)!.body).toMatchObject({ code: 12345 });
  });

  it('voice uses workflow 7 (one call)', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ channel: 'voice' }));
    expect(fx.sandbox.requests[0]!.body).toMatchObject({ workflowId: '7' });
    expect(fx.sandbox.outbox[0]).toMatchObject({ to: GB, channel: 'voice' });
    expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'approved' });
  });

  it('opt-in fallback workflow: SMS now, calls at 60 s and 120 s', async () => {
    const provider = adapter({ workflows: { sms: '1' } });
    await started(provider);
    expect(fx.sandbox.requests[0]!.body).toMatchObject({ workflowId: '1' });
    expect(fx.sandbox.outbox.map((m) => m.channel)).toEqual(['sms']);
    fx.clock.advance(60);
    expect(fx.sandbox.outbox.map((m) => m.channel)).toEqual(['sms', 'voice']);
    fx.clock.advance(60);
    expect(fx.sandbox.outbox.map((m) => [m.channel, m.at - fx.sandbox.outbox[0]!.at])).toEqual([
      ['sms', 0],
      ['voice', 60_000],
      ['voice', 120_000],
    ]);
  });

  it('channel switch (resend) in the first 30 s → resend_too_soon with the seconds left; after 30 s it cancels and starts again', async () => {
    const provider = adapter();
    const first = await started(provider);
    const smsCode = codeIn(fx.sandbox.outbox[0]);
    fx.clock.advance(12);
    const error = await rejectsWith(provider.resend!(first, startRequest({ channel: 'voice' })), 'resend_too_soon');
    expect(error.retryAfter).toBe(18);
    expect(fx.sandbox.outbox).toHaveLength(1);
    fx.clock.advance(18);
    const { state } = await provider.resend!(first, startRequest({ channel: 'voice' }));
    expect(fx.sandbox.requests.map((r) => r.method)).toEqual(['POST', 'DELETE', 'DELETE', 'POST']);
    expect(fx.sandbox.outbox.at(-1)).toMatchObject({ channel: 'voice' });
    const second = { ...first, channel: 'voice' as const, state };
    expect(await provider.check(first, smsCode)).toEqual({ status: 'expired' });
    expect(await provider.check(second, codeIn(fx.sandbox.outbox.at(-1)))).toEqual({ status: 'approved' });
  });

  it('cancel: refused in the first 30 s (resend_too_soon, retryAfter), done after; the number can then start again', async () => {
    const provider = adapter();
    const pending = await started(provider);
    fx.clock.advance(29);
    expect((await rejectsWith(provider.cancel!(pending), 'resend_too_soon')).retryAfter).toBe(1);
    fx.clock.advance(1);
    await provider.cancel!(pending);
    expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'expired' });
    await provider.cancel!(pending); // already gone: fine
    await started(provider);
    expect(fx.sandbox.outbox).toHaveLength(2);
  });

  it('a duplicate start (409) → rate_limited until the live one expires', async () => {
    const provider = adapter();
    await started(provider);
    fx.clock.advance(100);
    const error = await rejectsWith(provider.start(startRequest()), 'rate_limited');
    expect(error.retryAfter).toBe(200);
    // A process that did not make the first send cannot know; it assumes the worst, 300 s.
    expect((await rejectsWith(adapter().start(startRequest()), 'rate_limited')).retryAfter).toBe(300);
    fx.clock.advance(200);
    await started(provider);
    expect(fx.sandbox.outbox).toHaveLength(2);
  });

  it('a second session’s start in the first 30 s waits for the cancel Textmagic allows then, not the code’s 300 s', async () => {
    const service = new VerificationService({ provider: adapter(), allowedCountries: ['GB'], clock: fx.clock.now, logger: fx.log });
    const first = await service.start({ phone: GB });
    fx.clock.advance(10);
    await expect(service.start({ phone: GB })).rejects.toMatchObject({ code: 'resend_too_soon', retryAfter: 20 });
    fx.clock.advance(20);
    const second = await service.start({ phone: GB });
    await expect(service.check(first.verification.id, codeIn(fx.sandbox.outbox[0]))).rejects.toMatchObject({ code: 'no_pending_verification' });
    await expect(service.check(second.verification.id, codeIn(fx.sandbox.outbox.at(-1)))).resolves.toMatchObject({ phone: GB });
  });

  it('maps locales onto Textmagic languages, and leaves unknown ones to Textmagic', async () => {
    const provider = adapter();
    await started(provider, startRequest({ locale: 'de' }));
    await started(provider, startRequest({ phone: DE, locale: 'en-US' }));
    await started(provider, startRequest({ phone: '+14155550123', locale: 'xx' }));
    expect(fx.sandbox.requests.map((r) => (r.body as { language?: string }).language)).toEqual(['de-de', 'en-us', undefined]);
  });

  it('validates its options at construction', () => {
    expect(() => adapter({ brand: 'A brand far too long!' })).toThrow(/brand/);
    expect(() => adapter({ brand: '' })).toThrow(/brand/);
    expect(() => adapter({ brand: 'Acme<script>' })).toThrow(/brand/);
    expect(() => adapter({ workflows: { sms: '3' as never } })).toThrow(/workflows.sms/);
    expect(() => adapter({ language: 'klingon' })).toThrow(/language/);
    expect(() => adapter({ channels: ['whatsapp' as never] })).toThrow(/whatsapp/);
    expect(() => adapter({ apiKey: '' })).toThrow(/apiKey/);
    expect(adapter({ brand: 'Exactly eighteen 1' }).name).toBe('textmagic');
  });

  it('refuses at start-up a ttl longer than Textmagic’s 300 s (ERR_PV_TTL)', () => {
    const options = { provider: adapter(), allowedCountries: ['GB'], logger: fx.log };
    expect(() => new VerificationService({ ...options, ttl: 301 })).toThrow(
      expect.objectContaining({ code: 'ERR_PV_TTL', message: expect.stringMatching(/300/) }),
    );
    expect(() => new VerificationService({ ...options, ttl: 300 })).not.toThrow();
  });

  it('bad credentials → provider_error and one log line without the key', async () => {
    const provider = adapter({ apiKey: 'nope' });
    const error = await rejectsWith(provider.start(startRequest()), 'provider_error');
    expect(error.message).not.toMatch(/username|token/i);
    expect(fx.log.lines).toHaveLength(1);
    expect(fx.log.lines[0]).toMatch(/^error textmagic refused the credentials \(HTTP 401\)/);
    expect(fx.log.lines[0]).not.toContain('nope');
  });

  it('a number Textmagic refuses → invalid_phone; its text goes nowhere near the user', async () => {
    const error = await rejectsWith(adapter().start(startRequest({ phone: '+0123' })), 'invalid_phone');
    expect(error.message).not.toMatch(/E\.164/);
  });

  describe('faults', () => {
    it('500 on cancel → provider_unavailable, and the cancel can be retried', async () => {
      const provider = adapter();
      const pending = await started(provider);
      fx.clock.advance(30);
      fx.sandbox.fail({ kind: '500' });
      await rejectsWith(provider.cancel!(pending), 'provider_unavailable');
      await provider.cancel!(pending);
      expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'expired' });
    });
  });
});

describe('TextmagicSandbox rules', () => {
  const basic = () => ({ authorization: `Basic ${Buffer.from(`${USER}:${KEY}`).toString('base64')}` });
  const send = (body: unknown, headers: Record<string, string> = basic()) => call(`${fx.url}/api/v2/verify`, 'POST', headers, body);
  const check = (body: unknown) => call(`${fx.url}/api/v2/verify`, 'PUT', basic(), body);
  const cancel = (id: string) => call(`${fx.url}/api/v2/verify/${id}`, 'DELETE', basic());
  const valid = { phone: '447400123456', brand: 'Acme', codeLength: 6 };

  it('authenticates with HTTP Basic or X-TM-Username/X-TM-Key, else 401 {code, message}', async () => {
    expect((await send(valid, { 'x-tm-username': USER, 'x-tm-key': KEY })).status).toBe(200);
    for (const headers of [
      {},
      { authorization: `Basic ${Buffer.from(`${USER}:bad`).toString('base64')}` },
      { 'x-tm-username': USER, 'x-tm-key': 'bad' },
    ] as Record<string, string>[]) {
      const res = await send({ ...valid, phone: '4915123456789' }, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 401, message: expect.any(String) });
    }
  });

  it('answers 200 {verifyId, price}', async () => {
    const res = await send(valid);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ verifyId: expect.any(String), price: expect.any(Number) });
  });

  it.each([
    [{ ...valid, brand: 'x'.repeat(19) }, 'brand'],
    [{ ...valid, brand: undefined }, 'brand'],
    [{ ...valid, codeLength: 5 }, 'codeLength'],
    [{ ...valid, codeLength: undefined }, 'codeLength'],
    [{ ...valid, workflowId: '8' }, 'workflowId'],
    [{ ...valid, workflowId: '0' }, 'workflowId'],
    [{ ...valid, phone: '+447400123456' }, 'phone'],
    [{ ...valid, phone: undefined }, 'phone'],
    [{ ...valid, language: 'en' }, 'language'],
  ])('refuses %j with a 400 on %s', async (body, field) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, message: 'Validation Failed', errors: { fields: { [field]: expect.any(Array) } } });
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('takes codeLength 4 and workflow ids 1–7 as strings or numbers', async () => {
    expect((await send({ ...valid, codeLength: 4, workflowId: 7 })).status).toBe(200);
    expect(codeIn(fx.sandbox.outbox[0])).toHaveLength(4);
    expect((await send({ ...valid, phone: '4915123456789', workflowId: '1', language: 'de-de' })).status).toBe(200);
  });

  it('answers 409 for a second start while one is live; again possible after cancel or 300 s', async () => {
    const first = await send(valid);
    expect((await send(valid)).status).toBe(409);
    fx.clock.advance(30);
    expect((await cancel(first.body.verifyId)).status).toBe(204);
    expect((await send(valid)).status).toBe(200);
    fx.clock.advance(299);
    expect((await send(valid)).status).toBe(409);
    fx.clock.advance(1);
    expect((await send(valid)).status).toBe(200);
  });

  it('refuses cancel earlier than 30 s, allows it at 30 s, then 404', async () => {
    const { body } = await send(valid);
    fx.clock.advance(29.9);
    expect((await cancel(body.verifyId)).status).toBe(400);
    fx.clock.advance(0.1);
    const res = await cancel(body.verifyId);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await cancel(body.verifyId)).status).toBe(404);
  });

  it('steps workflow 2 every 60 s (SMS, SMS, call) and stops once verified', async () => {
    const { body } = await send({ ...valid, workflowId: '2' });
    const seen: string[] = [];
    fx.sandbox.on('message', (m) => seen.push(m.channel));
    fx.clock.advance(59);
    expect(fx.sandbox.outbox).toHaveLength(1);
    fx.clock.advance(1);
    expect(fx.sandbox.outbox.map((m) => m.channel)).toEqual(['sms', 'sms']);
    expect(seen).toEqual(['sms']);
    expect((await check({ code: codeIn(fx.sandbox.outbox[0]), verifyId: body.verifyId })).status).toBe(204);
    fx.clock.advance(120);
    expect(fx.sandbox.outbox).toHaveLength(2);
  });

  it('workflow 1 sends SMS then two calls; no step after expiry or cancel', async () => {
    await send({ ...valid, workflowId: '1' });
    const cancelled = await send({ ...valid, phone: '4915123456789', workflowId: '3' });
    fx.clock.advance(30);
    expect((await cancel(cancelled.body.verifyId)).status).toBe(204);
    fx.clock.advance(600);
    expect(fx.sandbox.outbox.map((m) => `${m.to} ${m.channel}`)).toEqual([`${GB} sms`, `${DE} voice`, `${GB} voice`, `${GB} voice`]);
  });

  it('check: 400 on code for a wrong one, 204 for the right one (integer or string), 404 after', async () => {
    const { body } = await send(valid);
    const code = codeIn(fx.sandbox.outbox[0]);
    const res = await check({ code: wrongCode(code), verifyId: body.verifyId });
    expect(res.status).toBe(400);
    expect(res.body.errors.fields.code).toBeDefined();
    expect((await check({ code: 'abc', verifyId: body.verifyId })).status).toBe(400);
    expect((await check({ code })).status).toBe(400);
    const asInteger = Number(code);
    const ok = await check({ code: String(asInteger) === code ? asInteger : code, verifyId: body.verifyId });
    expect(ok.status).toBe(204);
    expect((await check({ code, verifyId: body.verifyId })).status).toBe(404);
  });

  it('codes die at 300 s', async () => {
    const { body } = await send(valid);
    fx.clock.advance(300);
    expect((await check({ code: codeIn(fx.sandbox.outbox[0]), verifyId: body.verifyId })).status).toBe(404);
  });

  it('takes JSON only, and answers 404 elsewhere', async () => {
    const res = await fetch(`${fx.url}/api/v2/verify`, {
      method: 'POST',
      headers: { ...basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'phone=447400123456&brand=Acme&codeLength=6',
    });
    expect(res.status).toBe(400);
    expect((await call(`${fx.url}/api/v2/verify/some-id`, 'GET', basic())).status).toBe(404);
  });

  it('closes a verification after maxAttempts wrong codes when configured', async () => {
    await fx.open({ maxAttempts: 2 });
    const { body } = await send(valid);
    const code = codeIn(fx.sandbox.outbox[0]);
    expect((await check({ code: wrongCode(code), verifyId: body.verifyId })).status).toBe(400);
    expect((await check({ code: wrongCode(code), verifyId: body.verifyId })).status).toBe(400);
    expect((await check({ code, verifyId: body.verifyId })).status).toBe(404);
  });
});
