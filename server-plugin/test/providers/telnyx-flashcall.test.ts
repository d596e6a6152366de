// Telnyx flashcall end to end: the sandbox rings from a number whose last digits are the
// code, the adapter starts it and checks the digits through the same verify call, and
// the profile decides whether flashcall is offered at all.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telnyxProfileChannels, telnyxProvider, type TelnyxProviderOptions } from '../../src/providers/telnyx.js';
import type { VerifyProvider } from '../../src/providers/types.js';
import { VerificationService } from '../../src/service.js';
import { ManualClock, TelnyxSandbox, type OutboxMessage } from '../../src/testing/index.js';
import { call, GB, LogSpy, rejectsWith, startedWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';

const API_KEY = 'KEY0123456789secret';
const auth = { authorization: `Bearer ${API_KEY}` };

let clock: ManualClock;
let sandbox: TelnyxSandbox;
let url: string;
let log: LogSpy;

beforeEach(async () => {
  clock = new ManualClock();
  sandbox = new TelnyxSandbox({ apiKey: API_KEY, codeLength: 6, flashcall: true, clock: clock.now });
  url = await sandbox.listen();
  log = new LogSpy();
});

afterEach(async () => {
  await sandbox.close();
});

function adapter(overrides: Partial<TelnyxProviderOptions> = {}): VerifyProvider {
  return telnyxProvider({ apiKey: API_KEY, verifyProfileId: sandbox.verifyProfileId, baseUrl: url, logger: log, channels: ['sms', 'flashcall'], ...overrides });
}

const started = startedWith(() => clock.now());

/** The number a flashcall rang from, as the fake phone shows it. */
function caller(message: OutboxMessage | undefined): string {
  const match = message?.text.match(/^\[flashcall\] Missed call from (\+\d{8,15})$/);
  if (!match) throw new Error(`not a flashcall: ${JSON.stringify(message)}`);
  return match[1]!;
}

describe('telnyxProvider flashcall', () => {
  it('starts POST /v2/verifications/flashcall with the profile and our ttl (no custom_code); the caller’s last 6 digits approve', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ channel: 'flashcall', ttlSeconds: 180 }));
    expect(sandbox.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v2/verifications/flashcall',
      body: { phone_number: GB, verify_profile_id: sandbox.verifyProfileId, timeout_secs: 180 },
    });
    expect(sandbox.requests[0]!.body).not.toHaveProperty('custom_code');
    expect(sandbox.outbox).toHaveLength(1);
    expect(sandbox.outbox[0]).toMatchObject({ to: GB, channel: 'flashcall' });
    const from = caller(sandbox.outbox[0]);
    const digits = from.slice(-6);
    // A wrong guess first: a 200 "rejected", like any Telnyx code.
    expect(await provider.check(pending, wrongCode(digits))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, digits)).toEqual({ status: 'approved' });
    expect(sandbox.requests.at(-1)).toMatchObject({ path: `/v2/verifications/${String(pending.state.verificationId)}/actions/verify`, body: { code: digits } });
    // Accepted once.
    expect(await provider.check(pending, digits)).toEqual({ status: 'expired' });
  });

  it('the whole calling number is not the code; only its last codeLength digits are', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ channel: 'flashcall' }));
    const from = caller(sandbox.outbox[0]);
    expect(from.replace(/\D/g, '').length).toBeGreaterThan(6);
    expect(await provider.check(pending, from.replace(/\D/g, ''))).toEqual({ status: 'wrong' });
  });

  it('expires at timeout_secs like the other channels', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ channel: 'flashcall', ttlSeconds: 60 }));
    const digits = caller(sandbox.outbox[0]).slice(-6);
    clock.advance(60);
    expect(await provider.check(pending, digits)).toEqual({ status: 'expired' });
  });

  it('a channel the adapter was not given → channel_unavailable before any request; an unknown one is refused at construction', async () => {
    await rejectsWith(adapter({ channels: ['sms'] }).start(startRequest({ channel: 'flashcall' })), 'channel_unavailable');
    expect(sandbox.requests).toHaveLength(0);
    expect(() => adapter({ channels: ['sms', 'telegram'] })).toThrow(/not telegram/);
  });

  it('a profile without flashcall: the sandbox refuses the start (400) → provider_error with one log line, nothing rings', async () => {
    const plain = new TelnyxSandbox({ apiKey: API_KEY, codeLength: 6, clock: clock.now });
    const base = await plain.listen();
    try {
      const provider = telnyxProvider({ apiKey: API_KEY, verifyProfileId: plain.verifyProfileId, baseUrl: base, logger: log, channels: ['sms', 'flashcall'] });
      await rejectsWith(provider.start(startRequest({ channel: 'flashcall' })), 'provider_error');
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toMatch(/flashcall/);
      expect(plain.outbox).toHaveLength(0);
    } finally {
      await plain.close();
    }
  });

  it.each(['500', '429', 'timeout', 'reset', 'garbage'] as const)('%s on a flashcall start → provider_unavailable, nothing rings', async (kind) => {
    sandbox.fail({ kind, delay: 2000 });
    await rejectsWith(adapter({ timeout: 0.3 }).start(startRequest({ channel: 'flashcall' })), 'provider_unavailable');
    expect(sandbox.outbox).toHaveLength(0);
  });

  it('drives VerificationService: /config offers flashcall, a flashcall start answers codeLength 6, the caller digits sign in', async () => {
    const service = new VerificationService({ provider: adapter(), allowedCountries: ['GB'], clock: clock.now, logger: log });
    expect(service.describe().channels).toEqual(['sms', 'flashcall']);
    const { verification, response } = await service.start({ phone: '+44 7400 123456', channel: 'flashcall' });
    expect(response).toMatchObject({ status: 'pending', channel: 'flashcall', codeLength: 6 });
    const done = await service.check(verification.id, caller(sandbox.outbox[0]).slice(-6));
    expect(done.phone).toBe(GB);
  });
});

describe('telnyxProfileChannels', () => {
  it('reads the profile: flashcall only when the profile has it', async () => {
    expect(await telnyxProfileChannels({ apiKey: API_KEY, verifyProfileId: sandbox.verifyProfileId, baseUrl: url })).toEqual(['sms', 'voice', 'flashcall', 'whatsapp']);
    const res = await call(`${url}/v2/verify_profiles/${sandbox.verifyProfileId}`, 'PATCH', auth, { flashcall: null, whatsapp: null });
    expect(res.status).toBe(200);
    expect(await telnyxProfileChannels({ apiKey: API_KEY, verifyProfileId: sandbox.verifyProfileId, baseUrl: url })).toEqual(['sms', 'voice']);
  });

  it('an unknown profile or a wrong key → provider_error with one log line; a fault → provider_unavailable', async () => {
    await rejectsWith(telnyxProfileChannels({ apiKey: API_KEY, verifyProfileId: '00000000-0000-0000-0000-000000000000', baseUrl: url, logger: log }), 'provider_error');
    await rejectsWith(telnyxProfileChannels({ apiKey: 'nope', verifyProfileId: sandbox.verifyProfileId, baseUrl: url, logger: log }), 'provider_error');
    expect(log.lines).toHaveLength(2);
    expect(log.lines.join()).not.toContain('nope');
    sandbox.fail({ kind: 'garbage' });
    await rejectsWith(telnyxProfileChannels({ apiKey: API_KEY, verifyProfileId: sandbox.verifyProfileId, baseUrl: url }), 'provider_unavailable');
  });
});

describe('TelnyxSandbox flashcall rules', () => {
  const start = (body: unknown) => call(`${url}/v2/verifications/flashcall`, 'POST', auth, body);

  it('answers 200 {data} with type flashcall; the profile’s flashcall default timeout applies', async () => {
    const res = await start({ phone_number: GB, verify_profile_id: sandbox.verifyProfileId });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ record_type: 'verification', type: 'flashcall', phone_number: GB, status: 'pending', timeout_secs: 300, custom_code: null });
  });

  it('refuses custom_code on flashcall (the code is the caller’s number)', async () => {
    const res = await start({ phone_number: GB, verify_profile_id: sandbox.verifyProfileId, custom_code: '123456' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/custom_code' } });
    expect(sandbox.outbox).toHaveLength(0);
  });

  it('the calling number is a valid +E.164 number ending in the code, for every code length the profile allows', async () => {
    for (const length of [4, 6, 8, 10]) {
      const res = await call(`${url}/v2/verify_profiles`, 'POST', auth, { name: `len-${length}`, sms: { code_length: length }, flashcall: {} });
      const id = res.body.data.id as string;
      await start({ phone_number: GB, verify_profile_id: id });
      const from = caller(sandbox.outbox.at(-1));
      expect(from).toMatch(/^\+[1-9]\d{7,14}$/);
      const verification = (await call(`${url}/v2/verifications/by_phone_number/${encodeURIComponent(GB)}`, 'GET', auth)).body.data[0];
      const check = await call(`${url}/v2/verifications/${verification.id}/actions/verify`, 'POST', auth, { code: from.slice(-length) });
      expect(check.body.data.response_code).toBe('accepted');
    }
  });
});
