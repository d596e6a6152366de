// Telnyx flashcall end to end: the sandbox rings from a number whose last digits are the
// code, the adapter starts it and checks the digits through the same verify call, and
// the profile decides whether flashcall is offered at all.

import { describe, expect, it } from 'vitest';
import { telnyxProfileChannels, telnyxProvider, type TelnyxProviderOptions } from '../../src/providers/telnyx.js';
import { VerificationService } from '../../src/service.js';
import { TelnyxSandbox, type OutboxMessage, type TelnyxSandboxOptions } from '../../src/testing/index.js';
import { call, GB, rejectsWith, startRequest } from './helpers.js';
import { listening, useSubject, type ProviderSubject } from './provider-contract.js';
import { wrongCode } from '../support/index.js';

const API_KEY = 'KEY0123456789secret';
const auth = { authorization: `Bearer ${API_KEY}` };

const subject: ProviderSubject<TelnyxSandbox, TelnyxProviderOptions, TelnyxSandboxOptions> = {
  name: 'telnyx flashcall',
  openSandbox: (clock, options = {}) => listening(new TelnyxSandbox({ apiKey: API_KEY, codeLength: 6, flashcall: true, clock: clock.now, ...options })),
  adapter: (s, { log }, overrides = {}) =>
    telnyxProvider({ apiKey: API_KEY, verifyProfileId: s.verifyProfileId, baseUrl: s.url, logger: log, channels: ['sms', 'flashcall'], ...overrides }),
};

const fx = useSubject(subject);
const { adapter, started } = fx;

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
    expect(fx.sandbox.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v2/verifications/flashcall',
      body: { phone_number: GB, verify_profile_id: fx.sandbox.verifyProfileId, timeout_secs: 180 },
    });
    expect(fx.sandbox.requests[0]!.body).not.toHaveProperty('custom_code');
    expect(fx.sandbox.outbox).toHaveLength(1);
    expect(fx.sandbox.outbox[0]).toMatchObject({ to: GB, channel: 'flashcall' });
    const from = caller(fx.sandbox.outbox[0]);
    const digits = from.slice(-6);
    // A wrong guess first: a 200 "rejected", like any Telnyx code.
    expect(await provider.check(pending, wrongCode(digits))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, digits)).toEqual({ status: 'approved' });
    expect(fx.sandbox.requests.at(-1)).toMatchObject({
      path: `/v2/verifications/${String(pending.state.verificationId)}/actions/verify`,
      body: { code: digits },
    });
    // Accepted once.
    expect(await provider.check(pending, digits)).toEqual({ status: 'expired' });
  });

  it('the whole calling number is not the code; only its last codeLength digits are', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ channel: 'flashcall' }));
    const from = caller(fx.sandbox.outbox[0]);
    expect(from.replace(/\D/g, '').length).toBeGreaterThan(6);
    expect(await provider.check(pending, from.replace(/\D/g, ''))).toEqual({ status: 'wrong' });
  });

  it('expires at timeout_secs like the other channels', async () => {
    const provider = adapter();
    const pending = await started(provider, startRequest({ channel: 'flashcall', ttlSeconds: 60 }));
    const digits = caller(fx.sandbox.outbox[0]).slice(-6);
    fx.clock.advance(60);
    expect(await provider.check(pending, digits)).toEqual({ status: 'expired' });
  });

  it('a channel the adapter was not given → channel_unavailable before any request; an unknown one is refused at construction', async () => {
    await rejectsWith(adapter({ channels: ['sms'] }).start(startRequest({ channel: 'flashcall' })), 'channel_unavailable');
    expect(fx.sandbox.requests).toHaveLength(0);
    expect(() => adapter({ channels: ['sms', 'telegram'] })).toThrow(/not telegram/);
  });

  it('a profile without flashcall: the sandbox refuses the start (400) → provider_error with one log line, nothing rings', async () => {
    await fx.open({ flashcall: false });
    await rejectsWith(adapter().start(startRequest({ channel: 'flashcall' })), 'provider_error');
    expect(fx.log.lines).toHaveLength(1);
    expect(fx.log.lines[0]).toMatch(/flashcall/);
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it.each(['500', '429', 'timeout', 'reset', 'garbage'] as const)('%s on a flashcall start → provider_unavailable, nothing rings', async (kind) => {
    fx.sandbox.fail({ kind, delay: 2000 });
    await rejectsWith(adapter({ timeout: 0.3 }).start(startRequest({ channel: 'flashcall' })), 'provider_unavailable');
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('drives VerificationService: /config offers flashcall, a flashcall start answers codeLength 6, the caller digits sign in', async () => {
    const service = new VerificationService({ provider: adapter(), allowedCountries: ['GB'], clock: fx.clock.now, logger: fx.log });
    expect(service.describe().channels).toEqual(['sms', 'flashcall']);
    const { verification, response } = await service.start({ phone: '+44 7400 123456', channel: 'flashcall' });
    expect(response).toMatchObject({ status: 'pending', channel: 'flashcall', codeLength: 6 });
    const done = await service.check(verification.id, caller(fx.sandbox.outbox[0]).slice(-6));
    expect(done.phone).toBe(GB);
  });
});

describe('telnyxProfileChannels', () => {
  it('reads the profile: flashcall only when the profile has it', async () => {
    expect(await telnyxProfileChannels({ apiKey: API_KEY, verifyProfileId: fx.sandbox.verifyProfileId, baseUrl: fx.url })).toEqual([
      'sms',
      'voice',
      'flashcall',
      'whatsapp',
    ]);
    const res = await call(`${fx.url}/v2/verify_profiles/${fx.sandbox.verifyProfileId}`, 'PATCH', auth, { flashcall: null, whatsapp: null });
    expect(res.status).toBe(200);
    expect(await telnyxProfileChannels({ apiKey: API_KEY, verifyProfileId: fx.sandbox.verifyProfileId, baseUrl: fx.url })).toEqual(['sms', 'voice']);
  });

  it('an unknown profile or a wrong key → provider_error with one log line; a fault → provider_unavailable', async () => {
    await rejectsWith(
      telnyxProfileChannels({ apiKey: API_KEY, verifyProfileId: '00000000-0000-0000-0000-000000000000', baseUrl: fx.url, logger: fx.log }),
      'provider_error',
    );
    await rejectsWith(
      telnyxProfileChannels({ apiKey: 'nope', verifyProfileId: fx.sandbox.verifyProfileId, baseUrl: fx.url, logger: fx.log }),
      'provider_error',
    );
    expect(fx.log.lines).toHaveLength(2);
    expect(fx.log.lines.join()).not.toContain('nope');
    fx.sandbox.fail({ kind: 'garbage' });
    await rejectsWith(telnyxProfileChannels({ apiKey: API_KEY, verifyProfileId: fx.sandbox.verifyProfileId, baseUrl: fx.url }), 'provider_unavailable');
  });
});

describe('TelnyxSandbox flashcall rules', () => {
  const start = (body: unknown) => call(`${fx.url}/v2/verifications/flashcall`, 'POST', auth, body);

  it('answers 200 {data} with type flashcall; the profile’s flashcall default timeout applies', async () => {
    const res = await start({ phone_number: GB, verify_profile_id: fx.sandbox.verifyProfileId });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      record_type: 'verification',
      type: 'flashcall',
      phone_number: GB,
      status: 'pending',
      timeout_secs: 300,
      custom_code: null,
    });
  });

  it('refuses custom_code on flashcall (the code is the caller’s number)', async () => {
    const res = await start({ phone_number: GB, verify_profile_id: fx.sandbox.verifyProfileId, custom_code: '123456' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/custom_code' } });
    expect(fx.sandbox.outbox).toHaveLength(0);
  });

  it('the calling number is a valid +E.164 number ending in the code, for every code length the profile allows', async () => {
    for (const length of [4, 6, 8, 10]) {
      const res = await call(`${fx.url}/v2/verify_profiles`, 'POST', auth, { name: `len-${length}`, sms: { code_length: length }, flashcall: {} });
      const id = res.body.data.id as string;
      await start({ phone_number: GB, verify_profile_id: id });
      const from = caller(fx.sandbox.outbox.at(-1));
      expect(from).toMatch(/^\+[1-9]\d{7,14}$/);
      const verification = (await call(`${fx.url}/v2/verifications/by_phone_number/${encodeURIComponent(GB)}`, 'GET', auth)).body.data[0];
      const check = await call(`${fx.url}/v2/verifications/${verification.id}/actions/verify`, 'POST', auth, { code: from.slice(-length) });
      expect(check.body.data.response_code).toBe('accepted');
    }
  });
});
