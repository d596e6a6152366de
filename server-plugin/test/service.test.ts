// VerificationService: the lifecycle and limits of a verification, without HTTP.

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  errors,
  localProvider,
  MemoryLimitStore,
  MemoryStore,
  PhoneVerifyConfigError,
  PhoneVerifyError,
  VerificationService,
  type CheckResult,
  type PhoneVerifyOptions,
  type VerifyProvider,
} from '../src/index.js';
import { createTestService, LogSpy } from './harness.js';
import { DEFAULT_CONFIG, FIRST_PENDING_GB, GB_DE_US_COUNTRIES, ManualClock, wrongCode } from './support/index.js';

const GB = '+447400123456';

/** Resolves to the error a promise rejects with, failing the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<PhoneVerifyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PhoneVerifyError);
    return error as PhoneVerifyError;
  }
  throw new Error('expected a PhoneVerifyError, but the call succeeded');
}

/** A provider whose checks answer what the test says, recording calls. */
function scriptedProvider(result: () => Promise<CheckResult>): VerifyProvider & { checks: number } {
  const provider = {
    name: 'scripted',
    channels: ['sms'] as const,
    codeLengths: [6],
    checks: 0,
    start: async () => ({ state: { ref: 'r1' } }),
    check: async () => {
      provider.checks += 1;
      return result();
    },
  };
  return provider;
}

function serviceWith(provider: VerifyProvider, options: Partial<PhoneVerifyOptions> = {}) {
  const clock = new ManualClock();
  const log = new LogSpy();
  const service = new VerificationService({ provider, allowedCountries: ['GB'], clock: clock.now, logger: log, ...options });
  return { service, clock, log };
}

afterEach(() => {
  vi.useRealTimers();
});

/** A local-provider service with one verification started for GB (its first code in the outbox). */
async function startedOnGB() {
  const test = createTestService();
  const { verification } = await test.service.start({ phone: GB });
  return { ...test, verification };
}

describe('VerificationService', () => {
  describe('start', () => {
    it('should give every verification its own id of 128 random bits in base64url, across refills of the id pool', async () => {
      const { service } = createTestService({
        limits: { perPrefix: [{ points: 1e6, duration: 60 }], global: [{ points: 1e6, duration: 60 }] },
        breaker: { enabled: false },
      });
      const ids = new Set<string>();
      // 600 ids: more than two pools of 256.
      for (let i = 0; i < 600; i++) ids.add((await service.start({ phone: `+4474001${String(i).padStart(5, '0')}` })).verification.id);
      expect(ids.size).toBe(600);
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from([...ids][0]!, 'base64url')).toHaveLength(16);
    });

    it('should send a code and answer pending with the limits', async () => {
      const { service, outbox } = createTestService();
      const { verification, response } = await service.start({ phone: '+44 7400 123456' });
      expect(response).toEqual(FIRST_PENDING_GB);
      expect(verification).toMatchObject({ phone: GB, channel: 'sms', provider: 'local', sends: 1, attempts: 0 });
      expect(verification.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(outbox).toEqual([{ phone: GB, channel: 'sms', text: expect.any(String) }]);
    });

    it('should read a national number with its country', async () => {
      const { service } = createTestService();
      const { response } = await service.start({ phone: '07400 123456', country: 'GB' });
      expect(response.phone).toBe(GB);
    });

    it('should read a national number with the default country', async () => {
      const { service } = createTestService({ defaultCountry: 'gb' });
      const { response } = await service.start({ phone: '07400 123456' });
      expect(response.phone).toBe(GB);
    });

    it('should send on a channel the provider has', async () => {
      const { service, outbox } = createTestService();
      const { response } = await service.start({ phone: GB, channel: 'voice' });
      expect(response.channel).toBe('voice');
      expect(outbox[0]!.channel).toBe('voice');
    });

    it('should refuse a channel the provider lacks with channel_unavailable, sending nothing', async () => {
      const { service, outbox } = createTestService();
      const error = await failure(service.start({ phone: GB, channel: 'whatsapp' }));
      expect(error).toMatchObject({ code: 'channel_unavailable', status: 400, message: 'Codes cannot be sent by whatsapp; try sms or voice.' });
      expect(outbox).toEqual([]);
    });

    it('should refuse a number from a country not allowed with country_not_allowed, sending nothing', async () => {
      const { service, outbox, store } = createTestService();
      const error = await failure(service.start({ phone: '+33612345678' }));
      expect(error).toMatchObject({ code: 'country_not_allowed', status: 400 });
      expect(outbox).toEqual([]);
      expect(store.size).toBe(0);
    });

    it("should send anywhere with allowedCountries '*'", async () => {
      const { service } = createTestService({ allowedCountries: '*' });
      await expect(service.start({ phone: '+33612345678' })).resolves.toMatchObject({ response: { phone: '+33612345678' } });
    });

    it.each([
      ['+4474001', undefined, 'That number is too short.'],
      ['074001', 'GB', 'That number is too short.'],
      ['+447400123456789012', undefined, 'That number is too long.'],
      ['0740012345678', 'GB', 'That number is too long.'],
      ['07400 123456', undefined, 'Choose a country, or enter the number with its country code (+…).'],
      ['00447400123456', undefined, 'Choose a country, or enter the number with its country code (+…).'],
      ['07400 123456', 'ZZ', 'Unknown country "ZZ".'],
      ['+9991234567', undefined, 'That country code does not exist.'],
      ['+447700900123', undefined, 'That is not a valid phone number.'],
      ['   ', undefined, 'Enter a phone number.'],
      ['1'.repeat(41), 'GB', 'That is too long to be a phone number.'],
    ])('should refuse %j (country %s) with invalid_phone: %s', async (phone, country, message) => {
      const { service, outbox } = createTestService();
      const input = country === undefined ? { phone } : { phone, country };
      const error = await failure(service.start(input));
      expect(error.toJSON()).toEqual({ error: { code: 'invalid_phone', message } });
      expect(outbox).toEqual([]);
    });

    it('should read 0044… as international when the country is given', async () => {
      const { service } = createTestService();
      const { response } = await service.start({ phone: '00447400123456', country: 'GB' });
      expect(response.phone).toBe(GB);
    });
  });

  describe('check', () => {
    it('should approve the right code and consume the verification', async () => {
      const { service, lastCode, store } = createTestService();
      const { verification } = await service.start({ phone: GB });
      const checked = await service.check(verification.id, lastCode());
      expect(checked).toMatchObject({ id: verification.id, phone: GB });
      expect(store.size).toBe(0);
    });

    it('should accept the code typed with spaces or a dash', async () => {
      const { service, lastCode } = createTestService();
      const { verification } = await service.start({ phone: GB });
      const code = lastCode();
      await expect(service.check(verification.id, `${code.slice(0, 3)} -${code.slice(3)}`)).resolves.toMatchObject({ phone: GB });
    });

    it('should count down 4, 3, 2, 1 on wrong codes, then answer too_many_attempts on the 5th', async () => {
      const { service, lastCode } = createTestService();
      const { verification } = await service.start({ phone: GB });
      const wrong = wrongCode(lastCode());
      for (const attemptsLeft of [4, 3, 2, 1]) {
        const error = await failure(service.check(verification.id, wrong));
        expect(error.toJSON()).toEqual({ error: { code: 'invalid_code', message: 'That code is not right.', attemptsLeft } });
        expect(error.status).toBe(401);
      }
      const fifth = await failure(service.check(verification.id, wrong));
      expect(fifth.toJSON()).toEqual({ error: { code: 'too_many_attempts', message: 'Too many wrong codes; ask for a new one.', attemptsLeft: 0 } });
    });

    it('should refuse the right code on the 6th try', async () => {
      const { service, lastCode } = createTestService();
      const { verification } = await service.start({ phone: GB });
      const code = lastCode();
      for (let i = 0; i < 5; i++) await failure(service.check(verification.id, wrongCode(code)));
      const error = await failure(service.check(verification.id, code));
      expect(error.code).toBe('too_many_attempts');
    });

    it('should refuse what is not a code with invalid_request, costing no attempt', async () => {
      const { service, lastCode } = createTestService();
      const { verification } = await service.start({ phone: GB });
      for (const code of ['12345', 'abcdef', '1234567', '12345x', '１２３４５']) {
        expect(await failure(service.check(verification.id, code))).toMatchObject({ code: 'invalid_request', status: 400 });
      }
      expect((await service.check(verification.id, lastCode())).phone).toBe(GB);
    });

    it('should judge at most maxAttempts of 50 parallel wrong guesses', async () => {
      const provider = scriptedProvider(async () => ({ status: 'wrong' }));
      const { service } = serviceWith(provider);
      const { verification } = await service.start({ phone: GB });
      const errors = await Promise.all(Array.from({ length: 50 }, () => failure(service.check(verification.id, '123456'))));
      expect(provider.checks).toBe(5);
      expect(errors.filter((e) => e.code === 'invalid_code')).toHaveLength(4);
      expect(errors.filter((e) => e.code === 'too_many_attempts')).toHaveLength(46);
    });

    it('should approve the same code once among 10 parallel checks', async () => {
      const { service, lastCode } = createTestService();
      const { verification } = await service.start({ phone: GB });
      const code = lastCode();
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => service.check(verification.id, code)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      // The losers lost a race to a sign-in; which refusal they get does not matter, that they are refused does.
      for (const r of results)
        if (r.status === 'rejected') expect(['no_pending_verification', 'too_many_attempts']).toContain((r.reason as PhoneVerifyError).code);
    });

    it('should refuse a used code the second time', async () => {
      const { service, lastCode } = createTestService();
      const { verification } = await service.start({ phone: GB });
      const code = lastCode();
      await service.check(verification.id, code);
      expect((await failure(service.check(verification.id, code))).code).toBe('no_pending_verification');
    });

    it('should accept the code at 299 s of a 300 s ttl', async () => {
      const { service, lastCode, clock } = createTestService({ ttl: 300 });
      const { verification } = await service.start({ phone: GB });
      clock.advance(299);
      await expect(service.check(verification.id, lastCode())).resolves.toMatchObject({ phone: GB });
    });

    it('should answer no_pending_verification at 301 s of a 300 s ttl, without asking the provider', async () => {
      const provider = scriptedProvider(async () => ({ status: 'approved' }));
      const { service, clock } = serviceWith(provider, { ttl: 300 });
      const { verification } = await service.start({ phone: GB });
      clock.advance(301);
      const error = await failure(service.check(verification.id, '123456'));
      expect(error.toJSON()).toEqual({ error: { code: 'no_pending_verification', message: 'There is no code waiting to be checked; ask for a new one.' } });
      expect(error.status).toBe(409);
      expect(provider.checks).toBe(0);
    });

    it('should answer no_pending_verification for an unknown id', async () => {
      const { service } = createTestService();
      expect((await failure(service.check('nope', '123456'))).code).toBe('no_pending_verification');
    });

    it('should give the attempt back when the provider check fails', async () => {
      let down = true;
      const provider = scriptedProvider(async () => {
        if (down) throw new Error('socket hang up');
        return { status: 'wrong' };
      });
      const { service, log } = serviceWith(provider);
      const { verification } = await service.start({ phone: GB });
      const error = await failure(service.check(verification.id, '123456'));
      expect(error).toMatchObject({ code: 'provider_unavailable', status: 503, retryAfter: 5 });
      expect(log.lines).toEqual(['error scripted check failed: socket hang up']);
      down = false;
      expect(await failure(service.check(verification.id, '123456'))).toMatchObject({ code: 'invalid_code', attemptsLeft: 4 });
    });

    it('should pass on a provider_error from the provider as it is, and give the attempt back', async () => {
      let down = true;
      const provider = scriptedProvider(async () => {
        if (down) throw new PhoneVerifyError('provider_error', 'The verification service refused the request.');
        return { status: 'wrong' };
      });
      const { service } = serviceWith(provider);
      const { verification } = await service.start({ phone: GB });
      expect(await failure(service.check(verification.id, '123456'))).toMatchObject({ code: 'provider_error', status: 502 });
      down = false;
      expect(await failure(service.check(verification.id, '123456'))).toMatchObject({ attemptsLeft: 4 });
    });

    it('should answer provider_unavailable when the provider does not answer in time', async () => {
      vi.useFakeTimers();
      const provider = scriptedProvider(() => new Promise<never>(() => {}));
      const { service } = serviceWith(provider, { providerTimeout: 2 });
      const { verification } = await service.start({ phone: GB });
      const pending = failure(service.check(verification.id, '123456'));
      await vi.advanceTimersByTimeAsync(2000);
      expect(await pending).toMatchObject({ code: 'provider_unavailable', message: 'The verification service did not answer in time.' });
    });

    it("should map the provider's expired to expired, give the attempt back and keep the verification for a resend", async () => {
      let status: CheckResult['status'] = 'expired';
      const provider = scriptedProvider(async () => ({ status }) as CheckResult);
      const { service, clock } = serviceWith(provider);
      const { verification } = await service.start({ phone: GB });
      for (let i = 0; i < 6; i++) expect(await failure(service.check(verification.id, '123456'))).toMatchObject({ code: 'expired', status: 410 });
      // No attempt was spent: a new code (a resend) can still be asked for and checked.
      clock.advance(30);
      await expect(service.resend(verification.id)).resolves.toMatchObject({ attemptsLeft: 5, sendsLeft: 1 });
      status = 'approved';
      await expect(service.check(verification.id, '123456')).resolves.toMatchObject({ id: verification.id });
      // And at our own expiry it is gone.
      const { verification: next } = await service.start({ phone: GB });
      clock.advance(301);
      expect((await failure(service.check(next.id, '123456'))).code).toBe('no_pending_verification');
    });

    it("should map the provider's exhausted to too_many_attempts and drop the verification", async () => {
      const provider = scriptedProvider(async () => ({ status: 'exhausted' }));
      const { service } = serviceWith(provider);
      const { verification } = await service.start({ phone: GB });
      expect(await failure(service.check(verification.id, '123456'))).toMatchObject({ code: 'too_many_attempts', status: 429 });
      expect((await failure(service.check(verification.id, '123456'))).code).toBe('no_pending_verification');
    });
  });

  describe('resend', () => {
    it('should refuse within the cooldown with resend_too_soon and the seconds left', async () => {
      const { service, clock, outbox, verification } = await startedOnGB();
      clock.advance(10.5);
      const error = await failure(service.resend(verification.id));
      expect(error.toJSON()).toEqual({ error: { code: 'resend_too_soon', message: 'Wait a little before asking for another code.', retryAfter: 20 } });
      expect(error.status).toBe(429);
      expect(outbox).toHaveLength(1);
    });

    it('should send a new code after the cooldown; the old code stops working', async () => {
      const { service, clock, outbox, lastCode, verification } = await startedOnGB();
      const oldCode = lastCode();
      clock.advance(30);
      const response = await service.resend(verification.id);
      // 30 s of the code's life gone, one send used up.
      expect(response).toEqual({ ...FIRST_PENDING_GB, expiresIn: 270, sendsLeft: 1 });
      expect(outbox).toHaveLength(2);
      const newCode = lastCode();
      expect(newCode).not.toBe(oldCode);
      expect(await failure(service.check(verification.id, oldCode))).toMatchObject({ code: 'invalid_code' });
      await expect(service.check(verification.id, newCode)).resolves.toMatchObject({ phone: GB });
    });

    it('should tell the message the time left, not a fresh ttl', async () => {
      const { service, clock, outbox, verification } = await startedOnGB();
      clock.advance(200);
      await service.resend(verification.id);
      expect(outbox.at(-1)!.text).toContain('It expires in 2 minutes.');
    });

    it('should switch channel on resend', async () => {
      const { service, clock, outbox, verification } = await startedOnGB();
      clock.advance(30);
      await expect(service.resend(verification.id, { channel: 'voice' })).resolves.toMatchObject({ channel: 'voice' });
      expect(outbox.at(-1)!.channel).toBe('voice');
    });

    it('should refuse a channel the provider lacks before using up a send', async () => {
      const { service, clock, verification } = await startedOnGB();
      clock.advance(30);
      expect((await failure(service.resend(verification.id, { channel: 'whatsapp' }))).code).toBe('channel_unavailable');
      await expect(service.resend(verification.id)).resolves.toMatchObject({ sendsLeft: 1 });
    });

    it('should not reset the attempt count', async () => {
      const { service, clock, lastCode, verification } = await startedOnGB();
      const wrong = wrongCode(lastCode());
      await failure(service.check(verification.id, wrong));
      await failure(service.check(verification.id, wrong));
      clock.advance(30);
      await expect(service.resend(verification.id)).resolves.toMatchObject({ attemptsLeft: 3 });
      expect(await failure(service.check(verification.id, wrongCode(lastCode())))).toMatchObject({ attemptsLeft: 2 });
    });

    it('should not send a new code for a verification dead of wrong codes', async () => {
      const { service, clock, lastCode, outbox, verification } = await startedOnGB();
      const code = lastCode();
      for (let i = 0; i < 5; i++) await failure(service.check(verification.id, wrongCode(code)));
      clock.advance(30);
      expect(await failure(service.resend(verification.id))).toMatchObject({ code: 'too_many_attempts', status: 429, attemptsLeft: 0 });
      expect(outbox).toHaveLength(1);
      expect((await failure(service.check(verification.id, code))).code).toBe('too_many_attempts');
    });

    it('should allow 3 sends in all, then answer rate_limited until the verification expires', async () => {
      const { service, clock, outbox, verification } = await startedOnGB();
      clock.advance(30);
      await expect(service.resend(verification.id)).resolves.toMatchObject({ sendsLeft: 1 });
      clock.advance(30);
      await expect(service.resend(verification.id)).resolves.toMatchObject({ sendsLeft: 0 });
      clock.advance(30);
      const error = await failure(service.resend(verification.id));
      expect(error.toJSON()).toEqual({
        error: { code: 'rate_limited', message: 'No more codes can be sent for this verification; start again later.', retryAfter: 210 },
      });
      expect(error.status).toBe(429);
      expect(outbox).toHaveLength(3);
    });

    it('should give the send back when the provider fails', async () => {
      const { service, clock, control, outbox, log, verification } = await startedOnGB();
      clock.advance(30);
      control.failSends = true;
      expect(await failure(service.resend(verification.id))).toMatchObject({ code: 'provider_unavailable', retryAfter: 5 });
      expect(log.lines).toEqual(['error local resend failed: sender failed: gateway down']);
      control.failSends = false;
      // Neither the send nor the cooldown was used up.
      await expect(service.resend(verification.id)).resolves.toMatchObject({ sendsLeft: 1 });
      expect(outbox).toHaveLength(2);
    });

    it('should keep the old code working when a resend fails', async () => {
      const { service, clock, control, lastCode, verification } = await startedOnGB();
      const code = lastCode();
      clock.advance(30);
      control.failSends = true;
      await failure(service.resend(verification.id));
      await expect(service.check(verification.id, code)).resolves.toMatchObject({ phone: GB });
    });

    it('should answer no_pending_verification for an unknown or used verification', async () => {
      const { service, clock, lastCode } = createTestService();
      expect((await failure(service.resend('nope'))).code).toBe('no_pending_verification');
      const { verification } = await service.start({ phone: GB });
      await service.check(verification.id, lastCode());
      clock.advance(30);
      expect((await failure(service.resend(verification.id))).code).toBe('no_pending_verification');
    });

    it('should use the provider resend when it has one', async () => {
      const provider = { ...scriptedProvider(async () => ({ status: 'approved' })), resend: vi.fn(async () => ({ state: { ref: 'r2' } })) };
      const { service, clock } = serviceWith(provider);
      const { verification } = await service.start({ phone: GB });
      clock.advance(30);
      await service.resend(verification.id);
      expect(provider.resend).toHaveBeenCalledWith(
        expect.objectContaining({ id: verification.id, phone: GB, state: { ref: 'r1' } }),
        expect.objectContaining({ verificationId: verification.id, channel: 'sms', ttlSeconds: 270 }),
        expect.any(AbortSignal),
      );
    });
  });

  describe('a number locked by wrong codes', () => {
    /** A service whose number GB is locked: five wrong codes, the first wait (60 s) running. */
    async function locked() {
      const limitStore = new MemoryLimitStore();
      const test = createTestService({ limits: { store: limitStore }, breaker: { enabled: false } });
      const { verification } = await test.service.start({ phone: GB });
      for (let i = 0; i < 5; i++) await failure(test.service.check(verification.id, wrongCode(test.lastCode())));
      return { ...test, limitStore };
    }

    it('should refuse a start in the send limits’ own step, counting nothing', async () => {
      const { service, limitStore, outbox } = await locked();
      const before = limitStore.size;
      const refused = await failure(service.start({ phone: GB }, { ip: '192.0.2.1' }));
      expect(refused).toMatchObject({ code: 'too_many_attempts', retryAfter: 60 });
      expect(limitStore.size).toBe(before);
      expect(outbox).toHaveLength(1);
    });

    it('should refuse it before the application’s bot check is asked (a locked number costs no CAPTCHA call)', async () => {
      const { service, outbox } = await locked();
      const beforeSend = vi.fn(() => true);
      expect(await failure(service.start({ phone: GB }, { ip: '192.0.2.1', beforeSend }))).toMatchObject({ code: 'too_many_attempts' });
      expect(beforeSend).not.toHaveBeenCalled();
      expect(outbox).toHaveLength(1);
    });
  });

  describe('one live verification per number', () => {
    it('should cancel the superseded one at the provider and in the store', async () => {
      const provider = scriptedProvider(async () => ({ status: 'approved' }));
      const cancel = vi.fn(async () => {});
      const { service } = serviceWith({ ...provider, cancel });
      const first = await service.start({ phone: GB });
      const second = await service.start({ phone: GB });
      expect(cancel).toHaveBeenCalledTimes(1);
      expect(cancel).toHaveBeenCalledWith(expect.objectContaining({ id: first.verification.id }), expect.any(AbortSignal));
      expect((await failure(service.check(first.verification.id, '123456'))).code).toBe('no_pending_verification');
      await expect(service.check(second.verification.id, '123456')).resolves.toMatchObject({ id: second.verification.id });
    });

    it('should let a start refused by the limits cancel nobody’s code', async () => {
      const provider = scriptedProvider(async () => ({ status: 'approved' }));
      const cancel = vi.fn(async () => {});
      const { service } = serviceWith({ ...provider, cancel }, { limits: { perPhone: [{ points: 1, duration: 600 }] } });
      const held = await service.start({ phone: GB });
      expect((await failure(service.start({ phone: GB }))).code).toBe('rate_limited');
      expect(cancel).not.toHaveBeenCalled();
      await expect(service.check(held.verification.id, '123456')).resolves.toMatchObject({ id: held.verification.id });
    });

    it('should supersede without looking the old one up first when the provider cannot cancel (one store call fewer per start)', async () => {
      const clock = new ManualClock();
      const store = new MemoryStore({ clock: clock.now });
      const claimedFor = vi.spyOn(store, 'claimedFor');
      const get = vi.spyOn(store, 'get');
      const provider = scriptedProvider(async () => ({ status: 'approved' }));
      const service = new VerificationService({ provider, allowedCountries: ['GB'], clock: clock.now, logger: new LogSpy(), store });
      const first = await service.start({ phone: GB });
      const second = await service.start({ phone: GB });
      expect(claimedFor).not.toHaveBeenCalled();
      expect(get).not.toHaveBeenCalled();
      // Superseded all the same: claimPhone named it, and it is gone from the store.
      expect((await failure(service.check(first.verification.id, '123456'))).code).toBe('no_pending_verification');
      await expect(service.check(second.verification.id, '123456')).resolves.toMatchObject({ id: second.verification.id });
      store.close();
    });
  });

  describe('a provider call whose outcome is unknown', () => {
    /** A provider whose starts fail as the test says: `unknown` (it may have sent) or `refused`. */
    function failingStarts(outcome: 'unknown' | 'refused') {
      const provider = scriptedProvider(async () => ({ status: 'approved' }));
      provider.start = async () => {
        throw errors.providerUnavailable('The verification service is not answering; try again shortly.', new Error('lost'), undefined, outcome);
      };
      return provider;
    }

    it("should count a start that may have sent toward the number's limit; a refused one not", async () => {
      for (const [outcome, refusedAt] of [
        ['unknown', 3],
        ['refused', undefined],
      ] as const) {
        const { service } = serviceWith(failingStarts(outcome), { limits: { perPhone: [{ points: 3, duration: 600 }] } });
        const codes: string[] = [];
        for (let i = 0; i < 5; i++) codes.push((await failure(service.start({ phone: GB }))).code);
        expect(codes.indexOf('rate_limited'), outcome).toBe(refusedAt ?? -1);
      }
    });

    it('should tell the breaker of a start that may have sent', async () => {
      const { service } = serviceWith(failingStarts('unknown'), { breaker: { minSends: 2, minConversion: 0.5 } });
      await failure(service.start({ phone: GB }));
      await failure(service.start({ phone: GB }));
      // Two sends that may have happened and no sign-in: the breaker opens before a third reaches the provider.
      expect(await failure(service.start({ phone: GB }))).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/right now/) });
    });

    it('should keep a resend that may have sent counted (sends and cooldown)', async () => {
      const provider = scriptedProvider(async () => ({ status: 'approved' }));
      const { service, clock } = serviceWith(provider);
      const { verification } = await service.start({ phone: GB });
      provider.start = async () => {
        throw errors.providerUnavailable('The verification service did not answer in time.');
      };
      clock.advance(30);
      expect((await failure(service.resend(verification.id))).outcome).toBe('unknown');
      // The cooldown runs from that send, as from one that was answered.
      expect(await failure(service.resend(verification.id))).toMatchObject({ code: 'resend_too_soon' });
      provider.start = async () => ({ state: { ref: 'r2' } });
      clock.advance(30);
      await expect(service.resend(verification.id)).resolves.toMatchObject({ sendsLeft: 0 });
    });
  });

  describe('cancel', () => {
    it('should make the code unusable', async () => {
      const { service, lastCode } = createTestService();
      const { verification } = await service.start({ phone: GB });
      await service.cancel(verification.id);
      expect((await failure(service.check(verification.id, lastCode()))).code).toBe('no_pending_verification');
      await expect(service.cancel(verification.id)).resolves.toBeUndefined();
    });

    it('should tell the provider, and only log (masked) when that fails', async () => {
      const cancel = vi.fn(async () => {
        throw new Error('timeout');
      });
      const provider = { ...scriptedProvider(async () => ({ status: 'approved' })), cancel };
      const { service, log } = serviceWith(provider);
      const { verification } = await service.start({ phone: GB });
      await service.cancel(verification.id);
      expect(cancel).toHaveBeenCalledWith(expect.objectContaining({ id: verification.id, state: { ref: 'r1' } }), expect.any(AbortSignal));
      expect(log.lines).toContain('warn cancel of +********3456 at scripted failed: The verification could not be canceled.');
    });
  });

  describe('describe', () => {
    it('should match the options', () => {
      const { service } = createTestService({
        codeLength: 8,
        ttl: 600,
        resendAfter: 45,
        maxAttempts: 3,
        allowedCountries: ['us', 'GB', 'DE'],
        defaultCountry: 'GB',
      });
      expect(service.describe()).toEqual({
        ...DEFAULT_CONFIG,
        codeLength: 8,
        resendAfter: 45,
        expiresIn: 600,
        maxAttempts: 3,
        countries: GB_DE_US_COUNTRIES,
        defaultCountry: 'GB',
      });
    });

    it('should match the defaults and leave defaultCountry out when there is none', () => {
      const { service } = createTestService({ allowedCountries: ['GB'] });
      expect(service.describe()).toEqual({ ...DEFAULT_CONFIG, countries: [{ country: 'GB', callingCode: '44' }] });
    });

    it("should list every country for '*'", () => {
      const { service } = createTestService({ allowedCountries: '*' });
      const { countries } = service.describe();
      expect(countries.length).toBeGreaterThan(200);
      expect(countries).toContainEqual({ country: 'FR', callingCode: '33' });
      expect(countries.map((c) => c.country)).toEqual(countries.map((c) => c.country).sort());
    });
  });

  describe('options', () => {
    const base = (): PhoneVerifyOptions => ({ provider: localProvider({ sender: () => {} }), allowedCountries: ['GB'] });
    const configError = (options: unknown): PhoneVerifyConfigError => {
      try {
        new VerificationService(options as PhoneVerifyOptions);
      } catch (error) {
        expect(error).toBeInstanceOf(PhoneVerifyConfigError);
        expect(error).toBeInstanceOf(TypeError);
        return error as PhoneVerifyConfigError;
      }
      throw new Error('expected a PhoneVerifyConfigError');
    };

    it.each([
      ['codeLength 4', { codeLength: 4 }, 'ERR_PV_CODE_LENGTH'],
      ['codeLength 11', { codeLength: 11 }, 'ERR_PV_CODE_LENGTH'],
      ['codeLength 6.5', { codeLength: 6.5 }, 'ERR_PV_CODE_LENGTH'],
      ['ttl 3600', { ttl: 3600 }, 'ERR_PV_TTL'],
      ['ttl 30', { ttl: 30 }, 'ERR_PV_TTL'],
      ['maxAttempts 10', { maxAttempts: 10 }, 'ERR_PV_MAX_ATTEMPTS'],
      ['maxAttempts 0', { maxAttempts: 0 }, 'ERR_PV_MAX_ATTEMPTS'],
      ['maxSends 6', { maxSends: 6 }, 'ERR_PV_MAX_SENDS'],
      ['resendAfter -1', { resendAfter: -1 }, 'ERR_PV_RESEND_AFTER'],
      ['providerTimeout 0', { providerTimeout: 0 }, 'ERR_PV_TIMEOUT'],
      ['missing allowedCountries', { allowedCountries: undefined }, 'ERR_PV_NO_COUNTRIES'],
      ['empty allowedCountries', { allowedCountries: [] }, 'ERR_PV_NO_COUNTRIES'],
      ['allowedCountries as a string', { allowedCountries: 'GB' }, 'ERR_PV_NO_COUNTRIES'],
      ['unknown country', { allowedCountries: ['GB', 'XX'] }, 'ERR_PV_COUNTRY'],
      ['unknown defaultCountry', { defaultCountry: 'UK' }, 'ERR_PV_COUNTRY'],
      ['missing provider', { provider: undefined }, 'ERR_PV_PROVIDER'],
      ['provider without check', { provider: { name: 'x', channels: ['sms'], codeLengths: [6], start: async () => ({ state: {} }) } }, 'ERR_PV_PROVIDER'],
      ['provider without channels', { provider: { ...localProvider({ sender: () => {} }), channels: [] } }, 'ERR_PV_PROVIDER'],
      [
        'a code length the provider cannot send',
        { provider: { ...localProvider({ sender: () => {} }), codeLengths: [6] }, codeLength: 8 },
        'ERR_PV_CODE_LENGTH',
      ],
      // The default 5 against a provider that ends a verification at its third wrong code (Vonage).
      ['more attempts than the provider allows', { provider: { ...localProvider({ sender: () => {} }), maxAttempts: 3 } }, 'ERR_PV_MAX_ATTEMPTS'],
    ])('should throw for %s', (_name, overrides, code) => {
      const error = configError({ ...base(), ...overrides });
      expect(error.code).toBe(code);
      expect(error.name).toBe('PhoneVerifyConfigError');
      expect(error.message).toContain(`(${code})`);
    });

    it('should throw ERR_PV_OPTIONS without options', () => {
      expect(configError(undefined).code).toBe('ERR_PV_OPTIONS');
    });

    it('should accept the limits of every range', () => {
      expect(() => new VerificationService({ ...base(), codeLength: 10, ttl: 60, maxAttempts: 1, maxSends: 1, resendAfter: 0 })).not.toThrow();
      expect(() => new VerificationService({ ...base(), codeLength: 6, ttl: 600, maxAttempts: 5, maxSends: 5, resendAfter: 600 })).not.toThrow();
    });

    it("should accept maxAttempts up to the provider's own cap", () => {
      const provider = { ...localProvider({ sender: () => {} }), maxAttempts: 3 };
      expect(() => new VerificationService({ ...base(), provider, maxAttempts: 3 })).not.toThrow();
    });
  });
});
