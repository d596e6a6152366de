import { describe, expect, it } from 'vitest';
import { messagebirdProvider, type MessagebirdProviderOptions } from '../../src/providers/messagebird.js';
import { MessagebirdSandbox, type MessagebirdSandboxOptions } from '../../src/testing/index.js';
import { call, codeIn, DE, GB, rejectsWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';
import { describeProviderContract, listening, useSubject, type ProviderSubject } from './provider-contract.js';

const KEY = 'test_gshuPaZoeEG6ovbc8M79w0QyM';

const subject: ProviderSubject<MessagebirdSandbox, MessagebirdProviderOptions, MessagebirdSandboxOptions> = {
  name: 'messagebird',
  openSandbox: (clock, options = {}) => listening(new MessagebirdSandbox({ accessKey: KEY, clock: clock.now, ...options })),
  adapter: (s, { log }, overrides = {}) => messagebirdProvider({ accessKey: KEY, originator: 'Acme', baseUrl: s.url, logger: log, ...overrides }),
};

describeProviderContract(subject);

const fx = useSubject(subject);
const { adapter, started } = fx;

const checks = () => fx.sandbox.requests.filter((r) => r.method === 'GET');

describe('messagebirdProvider', () => {
  it('creates a Verify object with our ttl, attempts and length (never MessageBird’s 30 s / 1 attempt) and approves only "verified"', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ ttlSeconds: 240, maxAttempts: 4, codeLength: 8 }));
    expect(fx.sandbox.requests[0]).toMatchObject({
      method: 'POST',
      path: '/verify',
      body: { recipient: '447400123456', type: 'sms', originator: 'Acme', timeout: 240, maxAttempts: 4, tokenLength: 8 },
    });
    expect(pending.state.verifyId).toMatch(/^[0-9a-f]{32}$/);
    expect(fx.sandbox.outbox[0]).toMatchObject({ to: GB, channel: 'sms' });
    const code = codeIn(fx.sandbox.outbox[0]);
    expect(code).toHaveLength(8);
    expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    expect(checks()[0]!.query).toEqual({ token: code });
  });

  it('a wrong token → wrong (the object still reads "sent"), and the right one still works within maxAttempts', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ maxAttempts: 3 }));
    const code = codeIn(fx.sandbox.outbox[0]);
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    expect(await provider.check(pending, code)).toEqual({ status: 'expired' });
  });

  it('maxAttempts wrong tokens → exhausted, even for the right code afterwards', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ maxAttempts: 2 }));
    const code = codeIn(fx.sandbox.outbox[0]);
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'exhausted' });
    expect(await provider.check(pending, code)).toEqual({ status: 'exhausted' });
  });

  it('never sends an empty token (that would be a plain read answering 200 "sent")', async () => {
    const provider = adapter();
    const pending = await started(provider);
    expect(await provider.check(pending, '')).toEqual({ status: 'wrong' });
    expect(checks()).toHaveLength(0);
  });

  it('voice → tts with the language of the locale; flash when asked', async () => {
    const provider = adapter({ voice: 'female' });
    const pending = await started(provider, startRequest({ channel: 'voice', locale: 'nl-NL' }));
    expect(fx.sandbox.requests[0]!.body).toMatchObject({ type: 'tts', language: 'nl-nl', voice: 'female' });
    expect(fx.sandbox.outbox[0]).toMatchObject({ channel: 'voice' });
    expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'approved' });
    await started(adapter({ flash: true }), startRequest({ phone: DE }));
    expect(fx.sandbox.requests.at(-1)!.body).toMatchObject({ type: 'flash' });
  });

  it('channel switch (resend) creates a new object, then deletes the old one; only the new code works', async () => {
    const provider = adapter();
    const first = await started(provider);
    const smsCode = codeIn(fx.sandbox.outbox[0]);
    const { state } = await provider.resend!(first, startRequest({ channel: 'voice' }));
    // The new one first: the code the user holds keeps working should the new send fail.
    expect(fx.sandbox.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'DELETE']);
    expect(await provider.check(first, smsCode)).toEqual({ status: 'expired' });
    expect(await provider.check({ ...first, state }, codeIn(fx.sandbox.outbox[1]))).toEqual({ status: 'approved' });
  });

  it('cancel deletes (204); a second cancel finds it gone (404) and is fine; a check afterwards → expired', async () => {
    const provider = adapter();
    const pending = await started(provider);
    await provider.cancel!(pending);
    await provider.cancel!(pending);
    expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'expired' });
  });

  it('a duplicate start is a second, independent Verify object', async () => {
    const provider = adapter();
    const a = await started(provider);
    const b = await started(provider);
    expect(a.state.verifyId).not.toBe(b.state.verifyId);
    expect(await provider.check(b, codeIn(fx.sandbox.outbox[1]))).toEqual({ status: 'approved' });
  });

  it('bad access key (code 2) → provider_error and one log line, without the key', async () => {
    const provider = adapter({ accessKey: 'live_wrong' });
    const error = await rejectsWith(provider.start(startRequest()), 'provider_error');
    expect(error.message).not.toMatch(/access_key/);
    expect(fx.log.lines).toHaveLength(1);
    expect(fx.log.lines[0]).toMatch(/^error messagebird refused the credentials \(HTTP 401\).*2 Request not allowed/);
    expect(fx.log.lines[0]).not.toContain('live_wrong');
  });

  it('validates its options at construction', () => {
    expect(() => adapter({ accessKey: '' })).toThrow(/accessKey/);
    expect(() => adapter({ originator: 'TwelveChars1' })).toThrow(/originator/);
    expect(adapter({ originator: '+447400123456' }).name).toBe('messagebird');
    expect(() => adapter({ template: 'no token here' })).toThrow(/%token/);
    expect(() => adapter({ language: 'en' })).toThrow(/language/);
    expect(adapter().codeLengths).toEqual([6, 7, 8, 9, 10]);
  });

  describe('faults', () => {
    it('a fault on the status read after a refused token → provider_unavailable, not a verdict', async () => {
      const provider = adapter();
      const pending = await started(provider);
      const code = codeIn(fx.sandbox.outbox[0]);
      // The first GET (the check) goes through; the second (the status read) fails.
      fx.sandbox.fail({ kind: '500', after: 1 });
      await rejectsWith(provider.check(pending, wrongCode(code)), 'provider_unavailable');
      expect(checks().map((r) => r.query)).toEqual([{ token: wrongCode(code) }]);
      expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    });
  });
});

describe('MessagebirdSandbox rules', () => {
  const auth = { authorization: `AccessKey ${KEY}` };
  const create = (body: unknown, headers: Record<string, string> = auth) => call(`${fx.url}/verify`, 'POST', headers, body);
  const form = (fields: Record<string, string>) =>
    fetch(`${fx.url}/verify`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  it('needs Authorization: AccessKey <key>: 401 with error code 2', async () => {
    for (const headers of [{}, { authorization: `Bearer ${KEY}` }, { authorization: 'AccessKey other' }] as Record<string, string>[]) {
      const res = await create({ recipient: '447400123456' }, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ code: 2, description: expect.any(String), parameter: 'access_key' }] });
    }
  });

  it('takes form fields as well as JSON; defaults are 30 s, token length 6, one attempt', async () => {
    const res = await form({ recipient: '447400123456', originator: 'YourName' });
    expect(res.status).toBe(201);
    const object = (await res.json()) as any;
    expect(object).toMatchObject({ recipient: 447400123456, originator: 'YourName', type: 'sms', status: 'sent', reference: null });
    expect(Date.parse(object.validUntilDatetime) - Date.parse(object.createdDatetime)).toBe(30_000);
    expect(object.createdDatetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const token = codeIn(fx.sandbox.outbox[0]);
    expect(token).toHaveLength(6);
    expect(fx.sandbox.outbox[0]!.text).toBe(`Your code is: ${token}`);
    // One attempt by default: a single wrong token fails the object.
    expect((await call(`${fx.url}/verify/${object.id}?token=${wrongCode(token)}`, 'GET', auth)).status).toBe(422);
    expect((await call(`${fx.url}/verify/${object.id}`, 'GET', auth)).body.status).toBe('failed');
  });

  it.each([
    [{}, 'recipient', 9],
    [{ recipient: '+447400123456' }, 'recipient', 10],
    [{ recipient: '447400123456', tokenLength: 5 }, 'tokenLength', 10],
    [{ recipient: '447400123456', tokenLength: 11 }, 'tokenLength', 10],
    [{ recipient: '447400123456', timeout: 29 }, 'timeout', 10],
    [{ recipient: '447400123456', timeout: 172_802 }, 'timeout', 10],
    [{ recipient: '447400123456', maxAttempts: 0 }, 'maxAttempts', 10],
    [{ recipient: '447400123456', maxAttempts: 11 }, 'maxAttempts', 10],
    [{ recipient: '447400123456', type: 'pigeon' }, 'type', 10],
    [{ recipient: '447400123456', originator: 'TwelveChars1' }, 'originator', 10],
    [{ recipient: '447400123456', template: 'Your code' }, 'template', 10],
    [{ recipient: '447400123456', language: 'xx-xx' }, 'language', 10],
  ])('refuses %j: 422 on %s with code %i', async (body, parameter, code) => {
    const res = await create(body);
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code, parameter });
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('accepts the range limits 30 / 172801, 6 / 10, 1 / 10 (form values as strings)', async () => {
    expect((await create({ recipient: '447400123456', timeout: 172_801, tokenLength: 10, maxAttempts: 10 })).status).toBe(201);
    expect((await form({ recipient: '4915123456789', timeout: '30', tokenLength: '6', maxAttempts: '1', type: 'tts' })).status).toBe(201);
    expect(fx.sandbox.outbox.map((m) => m.channel)).toEqual(['sms', 'voice']);
  });

  it('an empty token is a plain read (200 "sent"); only the right token verifies; verified once', async () => {
    const { body } = await create({ recipient: '447400123456', maxAttempts: 3 });
    const token = codeIn(fx.sandbox.outbox[0]);
    const empty = await call(`${fx.url}/verify/${body.id}?token=`, 'GET', auth);
    expect(empty).toMatchObject({ status: 200, body: { status: 'sent' } });
    const bad = await call(`${fx.url}/verify/${body.id}?token=${wrongCode(token)}`, 'GET', auth);
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ code: 10, parameter: 'token' });
    expect((await call(`${fx.url}/verify/${body.id}?token=${token}`, 'GET', auth)).body.status).toBe('verified');
    expect((await call(`${fx.url}/verify/${body.id}?token=${token}`, 'GET', auth)).status).toBe(422);
  });

  it('expires at timeout; the plain read then says "expired"', async () => {
    const { body } = await create({ recipient: '447400123456', timeout: 60 });
    fx.clock.advance(60);
    expect((await call(`${fx.url}/verify/${body.id}?token=${codeIn(fx.sandbox.outbox[0])}`, 'GET', auth)).status).toBe(422);
    expect((await call(`${fx.url}/verify/${body.id}`, 'GET', auth)).body.status).toBe('expired');
  });

  it('DELETE answers 204 with no body, then 404 (code 20); _method overrides the verb', async () => {
    const a = await create({ recipient: '447400123456' });
    const res = await fetch(`${fx.url}/verify/${a.body.id}`, { method: 'DELETE', headers: auth });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const again = await call(`${fx.url}/verify/${a.body.id}`, 'DELETE', auth);
    expect(again.status).toBe(404);
    expect(again.body.errors[0].code).toBe(20);
    const b = await create({ recipient: '447400123456' });
    expect((await call(`${fx.url}/verify/${b.body.id}?_method=DELETE`, 'GET', auth)).status).toBe(204);
  });
});
