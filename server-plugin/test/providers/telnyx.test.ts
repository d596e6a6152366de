import { describe, expect, it } from 'vitest';
import { telnyxProvider, type TelnyxProviderOptions } from '../../src/providers/telnyx.js';
import { TelnyxSandbox, type TelnyxSandboxOptions } from '../../src/testing/index.js';
import { call, codeIn, DE, GB, rejectsWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';
import { describeProviderContract, listening, useSubject, type ProviderSubject } from './provider-contract.js';

const API_KEY = 'KEY0123456789secret';

const subject: ProviderSubject<TelnyxSandbox, TelnyxProviderOptions, TelnyxSandboxOptions> = {
  name: 'telnyx',
  // Set the profile to 6 digits, as an operator must (Telnyx's default is 5).
  openSandbox: (clock, options = {}) => listening(new TelnyxSandbox({ apiKey: API_KEY, codeLength: 6, clock: clock.now, ...options })),
  adapter: (s, { log }, overrides = {}) => telnyxProvider({ apiKey: API_KEY, verifyProfileId: s.verifyProfileId, baseUrl: s.url, logger: log, ...overrides }),
};

describeProviderContract(subject);

const fx = useSubject(subject);
const { adapter, started } = fx;

describe('telnyxProvider', () => {
  it('starts an SMS verification with +E.164, the profile and our ttl, and approves the right code', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ ttlSeconds: 240 }));
    expect(pending.state.verificationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fx.sandbox.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v2/verifications/sms',
      body: { phone_number: GB, verify_profile_id: fx.sandbox.verifyProfileId, timeout_secs: 240 },
    });
    expect(fx.sandbox.outbox).toHaveLength(1);
    expect(fx.sandbox.outbox[0]).toMatchObject({ to: GB, channel: 'sms' });
    expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'approved' });
  });

  it("sends with the Verify profile of the user's language (Telnyx has no language per request), else the default one", async () => {
    const codes = { code_length: 6, default_verification_timeout_secs: 300 };
    const german = fx.sandbox.profiles.add({ name: 'de', language: 'de-DE', sms: { ...codes }, call: { ...codes } }).id;
    const brazilian = fx.sandbox.profiles.add({ name: 'pt-BR', language: 'pt-BR', sms: { ...codes }, call: { ...codes } }).id;
    const provider = adapter({ verifyProfileIds: { de: german, 'pt-BR': brazilian } });
    const pending = await started(provider, startRequest({ locale: 'de-AT' }));
    await started(provider, startRequest({ phone: DE, locale: 'pt-br', channel: 'voice' }));
    await started(provider, startRequest({ phone: '+14155550123', locale: 'fr' }));
    await started(provider, startRequest({ phone: '+14155550124' }));
    const profiles = fx.sandbox.requests.map((r) => (r.body as { verify_profile_id: string }).verify_profile_id);
    expect(profiles).toEqual([german, brazilian, fx.sandbox.verifyProfileId, fx.sandbox.verifyProfileId]);
    expect(profiles.map((id) => fx.sandbox.profiles.get(id)!.language ?? 'en-US')).toEqual(['de-DE', 'pt-BR', 'en-US', 'en-US']);
    // Checked by id as ever: the profile is not needed for it.
    expect(await provider.check(pending, codeIn(fx.sandbox.outbox[0]))).toEqual({ status: 'approved' });
    expect(() => adapter({ verifyProfileIds: { de: '' } })).toThrow(/verifyProfileIds\.de/);
  });

  it('maps channels: voice → call, whatsapp → whatsapp; a switch sends a new code and only it works', async () => {
    const provider = adapter({ channels: ['sms', 'voice', 'whatsapp'] });
    expect(provider.channels).toEqual(['sms', 'voice', 'whatsapp']);
    const first = await started(provider);
    const smsCode = codeIn(fx.sandbox.outbox[0]);
    const second = await started(provider, startRequest({ channel: 'voice' }));
    expect(fx.sandbox.requests.at(-1)!.path).toBe('/v2/verifications/call');
    expect(fx.sandbox.outbox[1]).toMatchObject({ to: GB, channel: 'voice' });
    const voiceCode = codeIn(fx.sandbox.outbox[1]);
    if (voiceCode !== smsCode) expect(await provider.check(second, smsCode)).toEqual({ status: 'wrong' });
    expect(await provider.check(second, voiceCode)).toEqual({ status: 'approved' });
    expect(first.state.verificationId).not.toBe(second.state.verificationId);

    await started(provider, startRequest({ channel: 'whatsapp', phone: DE }));
    expect(fx.sandbox.requests.at(-1)!.path).toBe('/v2/verifications/whatsapp');
    expect(fx.sandbox.outbox.at(-1)).toMatchObject({ to: DE, channel: 'whatsapp' });
  });

  it('a second start for the same number does not take over the first: each is checked by its own id', async () => {
    const provider = adapter();
    const first = await started(provider);
    const second = await started(provider);
    expect(fx.sandbox.outbox).toHaveLength(2);
    const [firstCode, secondCode] = [codeIn(fx.sandbox.outbox[0]), codeIn(fx.sandbox.outbox[1])];
    expect(await provider.check(first, firstCode)).toEqual({ status: 'approved' });
    expect(fx.sandbox.requests.at(-1)!.path).toBe(`/v2/verifications/${String(first.state.verificationId)}/actions/verify`);
    expect(await provider.check(second, secondCode)).toEqual({ status: 'approved' });
  });

  it('judges a code the first verification rejects against a newer pending one for the number (a resend whose answer was lost)', async () => {
    const provider = adapter();
    const first = await started(provider);
    await started(provider); // its answer "lost": the caller still holds only the first id
    const [firstCode, secondCode] = [codeIn(fx.sandbox.outbox[0]), codeIn(fx.sandbox.outbox[1])];
    if (firstCode === secondCode) return;
    expect(await provider.check(first, secondCode)).toEqual({ status: 'approved' });
    expect(fx.sandbox.requests.map((r) => r.method + ' ' + r.path).slice(-3)).toEqual([
      `POST /v2/verifications/${String(first.state.verificationId)}/actions/verify`,
      expect.stringMatching(/^GET \/v2\/verifications\/by_phone_number\/(%2B|\+)\d+$/),
      expect.stringMatching(/^POST \/v2\/verifications\/[^/]+\/actions\/verify$/),
    ]);
    if (wrongCode(firstCode) !== secondCode) expect(await provider.check(first, wrongCode(firstCode))).toEqual({ status: 'wrong' });
  });

  it('has no cancel or resend: Telnyx offers no cancel', () => {
    const provider = adapter();
    expect(provider.cancel).toBeUndefined();
    expect(provider.resend).toBeUndefined();
    expect(provider.codeLengths).toEqual([6]);
    expect(adapter({ codeLength: 8 }).codeLengths).toEqual([8]);
  });

  it('refuses to be built without apiKey or verifyProfileId, or with a bad timeout', () => {
    expect(() => telnyxProvider({ apiKey: '', verifyProfileId: 'p' })).toThrow(TypeError);
    expect(() => telnyxProvider({ apiKey: 'k' } as TelnyxProviderOptions)).toThrow(/verifyProfileId/);
    expect(() => telnyxProvider({ apiKey: 'k', verifyProfileId: 'p', timeout: 0 })).toThrow(/timeout/);
  });

  it('bad credentials → provider_error with a generic message and exactly one log line, without the key', async () => {
    const provider = adapter({ apiKey: 'wrong-key' });
    const error = await rejectsWith(provider.start(startRequest()), 'provider_error');
    expect(error.message).not.toMatch(/Authentication|key/i);
    expect(fx.log.lines).toHaveLength(1);
    expect(fx.log.lines[0]).toMatch(/^error telnyx refused the credentials \(HTTP 401\)/);
    expect(fx.log.lines.join()).not.toContain('wrong-key');
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('a wrong verify profile → provider_error and one log line naming the problem', async () => {
    const provider = adapter({ verifyProfileId: '00000000-0000-0000-0000-000000000000' });
    await rejectsWith(provider.start(startRequest()), 'provider_error');
    expect(fx.log.lines).toHaveLength(1);
    expect(fx.log.lines[0]).toMatch(/verify_profile_id/);
  });
});

describe('TelnyxSandbox rules', () => {
  const auth = { authorization: `Bearer ${API_KEY}` };
  const start = (body: unknown, headers: Record<string, string> = auth, type = 'sms') => call(`${fx.url}/v2/verifications/${type}`, 'POST', headers, body);
  const check = (phone: string, body: unknown) =>
    call(`${fx.url}/v2/verifications/by_phone_number/${encodeURIComponent(phone)}/actions/verify`, 'POST', auth, body);

  it('needs Authorization: Bearer <key>, answering 401 with error 10009', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${API_KEY}` }] as Record<string, string>[]) {
      const res = await start({ phone_number: GB, verify_profile_id: fx.sandbox.verifyProfileId }, headers);
      expect(res.status).toBe(401);
      expect(res.body.errors[0]).toMatchObject({ code: '10009', title: expect.any(String) });
    }
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('wraps the created verification in data, answers 200, timestamps without zone, default timeout 300', async () => {
    const res = await start({ phone_number: GB, verify_profile_id: fx.sandbox.verifyProfileId });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ record_type: 'verification', type: 'sms', phone_number: GB, status: 'pending', timeout_secs: 300 });
    expect(res.body.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+$/);
  });

  it('requires phone_number in +E.164 (10016) and verify_profile_id (10004)', async () => {
    let res = await start({ phone_number: GB.slice(1), verify_profile_id: fx.sandbox.verifyProfileId });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('10016');
    res = await start({ phone_number: GB });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('10004');
    res = await check(GB, { code: '123456' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('10004');
  });

  it('takes JSON only', async () => {
    const res = await fetch(`${fx.url}/v2/verifications/sms`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: `phone_number=${encodeURIComponent(GB)}&verify_profile_id=${fx.sandbox.verifyProfileId}`,
    });
    expect(res.status).toBe(400);
  });

  it("uses the profile's code_length, 5 by default like Telnyx", async () => {
    const defaults = new TelnyxSandbox({ apiKey: API_KEY });
    const base = await defaults.listen();
    try {
      const res = await call(`${base}/v2/verifications/sms`, 'POST', auth, { phone_number: GB, verify_profile_id: defaults.verifyProfileId });
      expect(res.status).toBe(200);
      expect(codeIn(defaults.outbox[0])).toHaveLength(5);
    } finally {
      await defaults.close();
    }
  });

  it('check: 200 rejected for a wrong code, accepted for the right one, then 404; code must be a string', async () => {
    await start({ phone_number: GB, verify_profile_id: fx.sandbox.verifyProfileId });
    const code = codeIn(fx.sandbox.outbox[0]);
    expect((await check(GB, { code: Number(code), verify_profile_id: fx.sandbox.verifyProfileId })).status).toBe(400);
    let res = await check(GB, { code: wrongCode(code), verify_profile_id: fx.sandbox.verifyProfileId });
    expect(res).toMatchObject({ status: 200, body: { data: { phone_number: GB, response_code: 'rejected' } } });
    res = await check(GB, { code, verify_profile_id: fx.sandbox.verifyProfileId });
    expect(res).toMatchObject({ status: 200, body: { data: { response_code: 'accepted' } } });
    res = await check(GB, { code, verify_profile_id: fx.sandbox.verifyProfileId });
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe('10005');
  });

  it('honours timeout_secs: a check at the deadline finds nothing pending and the status reads expired', async () => {
    const created = await start({ phone_number: GB, verify_profile_id: fx.sandbox.verifyProfileId, timeout_secs: 60 });
    fx.clock.advance(60);
    const res = await check(GB, { code: codeIn(fx.sandbox.outbox[0]), verify_profile_id: fx.sandbox.verifyProfileId });
    expect(res.status).toBe(404);
    const read = await call(`${fx.url}/v2/verifications/${created.body.data.id}`, 'GET', auth);
    expect(read.body.data.status).toBe('expired');
  });

  it('closes a verification after maxAttempts wrong codes when configured', async () => {
    const strict = new TelnyxSandbox({ apiKey: API_KEY, maxAttempts: 2, codeLength: 6 });
    const base = await strict.listen();
    try {
      const verify = (code: string) =>
        call(`${base}/v2/verifications/by_phone_number/${encodeURIComponent(GB)}/actions/verify`, 'POST', auth, {
          code,
          verify_profile_id: strict.verifyProfileId,
        });
      await call(`${base}/v2/verifications/sms`, 'POST', auth, { phone_number: GB, verify_profile_id: strict.verifyProfileId });
      const code = codeIn(strict.outbox[0]);
      expect((await verify(wrongCode(code))).body.data.response_code).toBe('rejected');
      expect((await verify(wrongCode(code))).body.data.response_code).toBe('rejected');
      expect((await verify(code)).status).toBe(404);
    } finally {
      await strict.close();
    }
  });

  it('emits a message event for each delivery', async () => {
    const seen: string[] = [];
    fx.sandbox.on('message', (m) => seen.push(m.to));
    await start({ phone_number: DE, verify_profile_id: fx.sandbox.verifyProfileId }, auth, 'call');
    expect(seen).toEqual([DE]);
    expect(fx.sandbox.outbox[0]!.channel).toBe('voice');
  });
});
