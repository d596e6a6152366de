// Telegram Gateway: the adapter against the sandbox over real HTTP (Telegram's code and
// our own, checkSendAbility, revoke on cancel, a number that is not a Telegram user,
// faults), and the sandbox's own rules.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerChain } from '../../src/providers/chain.js';
import { localProvider } from '../../src/providers/local.js';
import { telegramProvider, type TelegramProviderOptions } from '../../src/providers/telegram.js';
import type { VerifyProvider } from '../../src/providers/types.js';
import { VerificationService } from '../../src/service.js';
import { ManualClock, TELEGRAM_ERRORS, TelegramSandbox, type TelegramSandboxOptions } from '../../src/testing/index.js';
import { call, codeIn, DE, GB, LogSpy, rejectsWith, startedWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';

const TOKEN = 'AAEAAAAAtelegram-gateway-token';
/** Not on Telegram. */
const US = '+14155550123';

let clock: ManualClock;
let sandbox: TelegramSandbox;
let url: string;
let log: LogSpy;

async function open(options: Partial<TelegramSandboxOptions> = {}): Promise<void> {
  await sandbox?.close();
  sandbox = new TelegramSandbox({ token: TOKEN, users: [GB, DE], clock: clock.now, ...options });
  url = await sandbox.listen();
}

beforeEach(async () => {
  clock = new ManualClock();
  log = new LogSpy();
  await open();
});

afterEach(async () => {
  await sandbox.close();
});

function adapter(overrides: Partial<TelegramProviderOptions> = {}): VerifyProvider {
  return telegramProvider({ token: TOKEN, baseUrl: url, logger: log, ...overrides });
}

const started = startedWith(() => clock.now());
const tg = startRequest({ channel: 'telegram' });
const paths = (): string[] => sandbox.requests.map((r) => r.path);

describe('telegramProvider', () => {
  it('sends with Telegram’s own code (code_length, our ttl), keeps only the request_id, and checks through checkVerificationStatus', async () => {
    const provider = adapter();
    expect(provider.channels).toEqual(['telegram']);
    const pending = await started(provider, { ...tg, ttlSeconds: 240 });
    expect(sandbox.requests[0]).toMatchObject({ method: 'POST', path: '/sendVerificationMessage', body: { phone_number: GB, ttl: 240, code_length: 6 } });
    expect(sandbox.requests[0]!.body).not.toHaveProperty('code');
    expect(Object.keys(pending.state)).toEqual(['requestId']);
    expect(sandbox.outbox[0]).toMatchObject({ to: GB, channel: 'telegram' });
    const code = codeIn(sandbox.outbox[0]);
    expect(code).toHaveLength(6);
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    expect(sandbox.requests.at(-1)).toMatchObject({ path: '/checkVerificationStatus', body: { request_id: pending.state.requestId, code } });
    expect(sandbox.balance).toBe(9.99);
  });

  it('a number that is not a Telegram user → channel_unavailable, nothing sent or charged, nothing logged', async () => {
    for (const checkSendAbility of [false, true]) {
      await rejectsWith(adapter({ checkSendAbility }).start({ ...tg, phone: US }), 'channel_unavailable');
    }
    expect(paths()).toEqual(['/sendVerificationMessage', '/checkSendAbility']);
    expect(sandbox.outbox).toHaveLength(0);
    expect(sandbox.balance).toBe(10);
    expect(log.lines).toEqual([]);
  });

  it('checkSendAbility first when configured; the send reuses its request_id, so one fee in all', async () => {
    const provider = adapter({ checkSendAbility: true });
    const pending = await started(provider, tg);
    expect(paths()).toEqual(['/checkSendAbility', '/sendVerificationMessage']);
    const ability = sandbox.requests[0]!;
    expect(ability.body).toEqual({ phone_number: GB });
    expect(sandbox.requests[1]!.body).toMatchObject({ request_id: pending.state.requestId });
    expect(sandbox.balance).toBe(9.99);
    expect(await provider.check(pending, codeIn(sandbox.outbox[0]))).toEqual({ status: 'approved' });
  });

  it('own code: we make 6 digits, send them as code, keep only an HMAC, judge locally and report the right one', async () => {
    const provider = adapter({ code: 'own', secret: 'shared-secret' });
    const pending = await started(provider, tg);
    const sent = sandbox.requests[0]!.body as Record<string, unknown>;
    expect(sent.code).toMatch(/^\d{6}$/);
    expect(sent).not.toHaveProperty('code_length');
    expect(codeIn(sandbox.outbox[0])).toBe(sent.code);
    expect(JSON.stringify(pending.state)).not.toContain(String(sent.code));
    expect(pending.state.codeHmac).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(await provider.check(pending, wrongCode(String(sent.code)))).toEqual({ status: 'wrong' });
    // A wrong code never leaves the server.
    expect(paths()).toEqual(['/sendVerificationMessage']);
    expect(await provider.check(pending, String(sent.code))).toEqual({ status: 'approved' });
    expect(sandbox.requests.at(-1)).toMatchObject({ path: '/checkVerificationStatus', body: { code: sent.code } });
    // The HMAC is bound to the verification: the code is worth nothing for another one.
    expect(await provider.check({ ...pending, id: 'other' }, String(sent.code))).toEqual({ status: 'wrong' });
  });

  it('own code: a failing conversion report does not fail a right code; it is one warning', async () => {
    const provider = adapter({ code: 'own' });
    const pending = await started(provider, tg);
    sandbox.fail({ kind: '500' });
    expect(await provider.check(pending, String((sandbox.requests[0]!.body as { code: string }).code))).toEqual({ status: 'approved' });
    expect(log.lines).toEqual([expect.stringMatching(/^warn telegram checkVerificationStatus after a right code failed: provider_unavailable$/)]);
  });

  it('too many wrong codes at Telegram → exhausted; past the ttl → expired', async () => {
    await open({ maxAttempts: 2 });
    const provider = adapter();
    const pending = await started(provider, tg);
    const code = codeIn(sandbox.outbox[0]);
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'exhausted' });
    expect(await provider.check(pending, code)).toEqual({ status: 'exhausted' });
    const second = await started(provider, { ...tg, ttlSeconds: 60 });
    clock.advance(60);
    expect(await provider.check(second, codeIn(sandbox.outbox[1]))).toEqual({ status: 'expired' });
  });

  it('clamps ttl to Telegram’s 30–3600 s', async () => {
    const provider = adapter();
    await provider.start({ ...tg, ttlSeconds: 10 });
    await provider.start({ ...tg, ttlSeconds: 5000 });
    expect(sandbox.requests.map((r) => (r.body as { ttl: number }).ttl)).toEqual([30, 3600]);
    expect(provider.maxTtlSeconds).toBe(3600);
  });

  it('cancel revokes the message; its code is dead; revoking twice or an unknown request is fine', async () => {
    const provider = adapter();
    const pending = await started(provider, tg);
    await provider.cancel!(pending);
    expect(sandbox.requests.at(-1)).toMatchObject({ path: '/revokeVerificationMessage', body: { request_id: pending.state.requestId } });
    expect(await provider.check(pending, codeIn(sandbox.outbox[0]))).toEqual({ status: 'expired' });
    await provider.cancel!(pending);
    await provider.cancel!({ ...pending, state: { requestId: 'nope' } });
  });

  it('resend: revokes the old message, sends a new one (no second checkSendAbility); only the new code works', async () => {
    const provider = adapter({ checkSendAbility: true });
    const first = await started(provider, tg);
    const again = await provider.resend!(first, tg);
    expect(paths()).toEqual(['/checkSendAbility', '/sendVerificationMessage', '/revokeVerificationMessage', '/sendVerificationMessage']);
    const second = { ...first, state: again.state };
    const [oldCode, newCode] = [codeIn(sandbox.outbox[0]), codeIn(sandbox.outbox[1])];
    if (oldCode !== newCode) expect(await provider.check(second, oldCode)).toEqual({ status: 'wrong' });
    expect(await provider.check(second, newCode)).toEqual({ status: 'approved' });
  });

  it('refuses other channels and short codes; validates its options', async () => {
    const provider = adapter();
    await rejectsWith(provider.start(startRequest({ channel: 'sms' })), 'channel_unavailable');
    await expect(provider.start({ ...tg, codeLength: 5 })).rejects.toThrow(/6 to 8/);
    expect(provider.codeLengths).toEqual([6, 7, 8]);
    expect(sandbox.requests).toHaveLength(0);
    expect(() => telegramProvider({ token: '' })).toThrow(/token/);
    expect(() => adapter({ code: 'ours' as 'own' })).toThrow(/code must be/);
    expect(() => adapter({ callbackUrl: 'http://example.com/report' })).toThrow(/HTTPS/);
    expect(() => adapter({ timeout: 0 })).toThrow(/timeout/);
  });

  it('passes sender_username and callback_url through', async () => {
    await adapter({ senderUsername: 'acme_codes', callbackUrl: 'https://example.com/tg' }).start(tg);
    expect(sandbox.requests[0]!.body).toMatchObject({ sender_username: 'acme_codes', callback_url: 'https://example.com/tg' });
    expect(sandbox.outbox[0]!.text).toMatch(/^\[telegram\] @acme_codes:/);
  });

  it('a wrong token → provider_error, one log line, never the token', async () => {
    const error = await rejectsWith(adapter({ token: 'wrong-token' }).start(tg), 'provider_error');
    expect(error.message).not.toMatch(/token/i);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^error telegram refused the token \(ACCESS_TOKEN_INVALID\)/);
    expect(log.lines.join()).not.toContain('wrong-token');
  });

  it('an empty balance → provider_error with a line for the operator', async () => {
    await open({ balance: 0 });
    await rejectsWith(adapter().start(tg), 'provider_error');
    expect(log.lines[0]).toMatch(/BALANCE_NOT_ENOUGH/);
  });

  describe('faults', () => {
    it.each(['500', '429', 'timeout', 'reset', 'garbage'] as const)('%s on send → provider_unavailable; nothing was sent', async (kind) => {
      sandbox.fail({ kind, delay: 2000 });
      await rejectsWith(adapter({ timeout: 0.3 }).start(tg), 'provider_unavailable');
      expect(sandbox.outbox).toHaveLength(0);
    });

    it.each(['500', '429', 'timeout', 'reset', 'garbage'] as const)('%s on check → provider_unavailable, and the verification still works', async (kind) => {
      // Only the faulted call has the short deadline: a loaded machine must not fail the others.
      const provider = adapter();
      const pending = await started(provider, tg);
      const code = codeIn(sandbox.outbox[0]);
      sandbox.fail({ kind, delay: 2000 });
      await rejectsWith(adapter({ timeout: 0.3 }).check(pending, code), 'provider_unavailable');
      expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
    });

    it('429 with Retry-After → provider_unavailable carrying it', async () => {
      sandbox.fail({ kind: '429', retryAfter: 12 });
      expect((await rejectsWith(adapter().start(tg), 'provider_unavailable')).retryAfter).toBe(12);
    });

    it('a fault on checkSendAbility → provider_unavailable, and no send follows', async () => {
      sandbox.fail({ kind: '500' });
      await rejectsWith(adapter({ checkSendAbility: true }).start(tg), 'provider_unavailable');
      // The faulted checkSendAbility is not recorded (it was never served); no send came after it.
      expect(paths()).toEqual([]);
      expect(sandbox.outbox).toHaveLength(0);
    });
  });

  it('drives VerificationService: start, a wrong code, cancel revokes', async () => {
    const service = new VerificationService({ provider: adapter(), allowedCountries: ['GB', 'DE', 'US'], clock: clock.now, logger: log });
    expect(service.describe().channels).toEqual(['telegram']);
    const { verification, response } = await service.start({ phone: '+44 7400 123456' });
    expect(response).toMatchObject({ channel: 'telegram', codeLength: 6 });
    await expect(service.check(verification.id, wrongCode(codeIn(sandbox.outbox[0])))).rejects.toMatchObject({ code: 'invalid_code', attemptsLeft: 4 });
    await service.cancel(verification.id);
    expect(paths().at(-1)).toBe('/revokeVerificationMessage');
  });

  it('in a chain before SMS: a non-user is told channel_unavailable on telegram, and SMS then reaches them', async () => {
    const texts: string[] = [];
    const sms = localProvider({ channels: ['sms'], sender: (_to, text) => void texts.push(text) });
    const service = new VerificationService({ provider: providerChain([adapter(), sms]), allowedCountries: ['GB', 'US'], clock: clock.now, logger: log });
    expect(service.describe().channels).toEqual(['telegram', 'sms']);
    await expect(service.start({ phone: US })).rejects.toMatchObject({ code: 'channel_unavailable' });
    const { verification } = await service.start({ phone: US, channel: 'sms' });
    expect(texts).toHaveLength(1);
    expect((await service.check(verification.id, codeIn({ to: US, channel: 'sms', text: texts[0]!, at: 0 }))).phone).toBe(US);
  });
});

describe('TelegramSandbox rules', () => {
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const method = (name: string, params: unknown, headers: Record<string, string> = bearer) => call(`${url}/${name}`, 'POST', headers, params);

  it('answers {ok:false, error} without a token (ACCESS_TOKEN_REQUIRED) or with a wrong one (ACCESS_TOKEN_INVALID); access_token works too', async () => {
    expect(await method('checkSendAbility', { phone_number: GB }, {})).toMatchObject({ status: 401, body: { ok: false, error: 'ACCESS_TOKEN_REQUIRED' } });
    expect(await method('checkSendAbility', { phone_number: GB }, { authorization: 'Bearer nope' })).toMatchObject({
      status: 401,
      body: { ok: false, error: 'ACCESS_TOKEN_INVALID' },
    });
    const viaParam = await method('checkSendAbility', { phone_number: GB, access_token: TOKEN }, {});
    expect(viaParam).toMatchObject({ status: 200, body: { ok: true, result: { phone_number: GB } } });
  });

  it('takes parameters by query string (GET), form or JSON; method names are case-insensitive; unknown methods are refused', async () => {
    const get = await call(`${url}/checksendability?${new URLSearchParams({ phone_number: GB })}`, 'GET', bearer);
    expect(get.body.ok).toBe(true);
    const form = await fetch(`${url}/SENDVERIFICATIONMESSAGE`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ phone_number: GB, code_length: '6', ttl: '60' }),
    });
    expect(((await form.json()) as { ok: boolean }).ok).toBe(true);
    expect(codeIn(sandbox.outbox[0])).toHaveLength(6);
    expect(await method('sendMessage', {})).toMatchObject({ status: 404, body: { ok: false, error: TELEGRAM_ERRORS.method } });
    expect((await fetch(`${url}/checkSendAbility`, { method: 'POST', headers: { ...bearer, 'content-type': 'text/plain' }, body: 'x' })).status).toBe(400);
  });

  it('RequestStatus: request_id, phone_number, request_cost, remaining_balance when charged, delivery_status, verification_status', async () => {
    const sent = (await method('sendVerificationMessage', { phone_number: GB, code: '4821', ttl: 60, payload: 'p1' })).body;
    expect(sent).toEqual({
      ok: true,
      result: {
        request_id: expect.any(String),
        phone_number: GB,
        request_cost: 0.01,
        remaining_balance: 9.99,
        delivery_status: { status: 'sent', updated_at: clock.now() / 1000 },
        payload: 'p1',
      },
    });
    const id = sent.result.request_id as string;
    const plain = (await method('checkVerificationStatus', { request_id: id })).body.result;
    expect(plain).not.toHaveProperty('verification_status');
    clock.advance(5);
    const bad = (await method('checkVerificationStatus', { request_id: id, code: '0000' })).body.result;
    expect(bad.verification_status).toEqual({ status: 'code_invalid', updated_at: clock.now() / 1000, code_entered: '0000' });
    const good = (await method('checkVerificationStatus', { request_id: id, code: '4821' })).body.result;
    expect(good.verification_status).toMatchObject({ status: 'code_valid', code_entered: '4821' });
    expect(good).not.toHaveProperty('remaining_balance');
  });

  it('validates: phone E.164, own code 4–8 digits, code_length 4–8, ttl 30–3600, callback_url https ≤ 256 bytes, payload ≤ 128 bytes', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ phone_number: '07400123456' }, TELEGRAM_ERRORS.phoneInvalid],
      [{ phone_number: GB, code: '123' }, TELEGRAM_ERRORS.codeInvalid],
      [{ phone_number: GB, code: '123456789' }, TELEGRAM_ERRORS.codeInvalid],
      [{ phone_number: GB, code: '12a456' }, TELEGRAM_ERRORS.codeInvalid],
      [{ phone_number: GB, code_length: 3 }, TELEGRAM_ERRORS.codeLengthInvalid],
      [{ phone_number: GB, code_length: 9 }, TELEGRAM_ERRORS.codeLengthInvalid],
      [{ phone_number: GB, ttl: 29 }, TELEGRAM_ERRORS.ttlInvalid],
      [{ phone_number: GB, ttl: 3601 }, TELEGRAM_ERRORS.ttlInvalid],
      [{ phone_number: GB, callback_url: 'http://example.com' }, TELEGRAM_ERRORS.callbackInvalid],
      [{ phone_number: GB, callback_url: `https://example.com/${'a'.repeat(240)}` }, TELEGRAM_ERRORS.callbackInvalid],
      [{ phone_number: GB, payload: 'x'.repeat(129) }, TELEGRAM_ERRORS.payloadInvalid],
    ];
    for (const [params, error] of cases) {
      expect((await method('sendVerificationMessage', params)).body, JSON.stringify(params)).toEqual({ ok: false, error });
    }
    expect(sandbox.outbox).toHaveLength(0);
    for (const params of [{ ttl: 30 }, { ttl: 3600 }, { code: '1234' }, { code: '12345678' }, { code_length: 4 }, { code_length: 8 }]) {
      expect((await method('sendVerificationMessage', { phone_number: GB, ...params })).body.ok, JSON.stringify(params)).toBe(true);
    }
    // code_length is ignored when code is given.
    expect((await method('sendVerificationMessage', { phone_number: GB, code: '123456', code_length: 99 })).body.ok).toBe(true);
  });

  it('the number must be a Telegram user (the sandbox’s list): others are refused by both methods, at no charge', async () => {
    expect((await method('checkSendAbility', { phone_number: US })).body).toEqual({ ok: false, error: TELEGRAM_ERRORS.notUser });
    expect((await method('sendVerificationMessage', { phone_number: US })).body).toEqual({ ok: false, error: TELEGRAM_ERRORS.notUser });
    expect(sandbox.balance).toBe(10);
    // E.164 without '+' names the same user.
    expect((await method('checkSendAbility', { phone_number: GB.slice(1) })).body.result.phone_number).toBe(GB);
  });

  it('a request_id from checkSendAbility: one free send for that number, a second send under it is an error', async () => {
    const ability = (await method('checkSendAbility', { phone_number: GB })).body.result;
    expect(ability).toMatchObject({ request_cost: 0.01, remaining_balance: 9.99 });
    expect(ability).not.toHaveProperty('delivery_status');
    expect((await method('sendVerificationMessage', { phone_number: DE, request_id: ability.request_id })).body.error).toBe(TELEGRAM_ERRORS.requestIdInvalid);
    const sent = (await method('sendVerificationMessage', { phone_number: GB, request_id: ability.request_id })).body.result;
    expect(sent.request_id).toBe(ability.request_id);
    expect(sent).not.toHaveProperty('remaining_balance');
    expect(sandbox.balance).toBe(9.99);
    expect((await method('sendVerificationMessage', { phone_number: GB, request_id: ability.request_id })).body.error).toBe(TELEGRAM_ERRORS.requestIdUsed);
    expect(sandbox.outbox).toHaveLength(1);
  });

  it('a message not delivered within its ttl expires and is refunded; a read one is not', async () => {
    const unread = (await method('sendVerificationMessage', { phone_number: GB, ttl: 60 })).body.result.request_id as string;
    const read = (await method('sendVerificationMessage', { phone_number: DE, ttl: 60 })).body.result.request_id as string;
    sandbox.read(read);
    expect(sandbox.balance).toBe(9.98);
    clock.advance(60);
    const a = (await method('checkVerificationStatus', { request_id: unread })).body.result;
    expect(a).toMatchObject({ is_refunded: true, delivery_status: { status: 'expired' }, verification_status: { status: 'expired' } });
    const b = (await method('checkVerificationStatus', { request_id: read })).body.result;
    expect(b).toMatchObject({ delivery_status: { status: 'read' }, verification_status: { status: 'expired' } });
    expect(b).not.toHaveProperty('is_refunded');
    expect(sandbox.balance).toBe(9.99);
  });

  it('revoke: true; an unread message is revoked (its code then dead), a read one stays; an unknown id is an error', async () => {
    const id = (await method('sendVerificationMessage', { phone_number: GB, code: '5555' })).body.result.request_id as string;
    expect((await method('revokeVerificationMessage', { request_id: id })).body).toEqual({ ok: true, result: true });
    const after = (await method('checkVerificationStatus', { request_id: id, code: '5555' })).body.result;
    expect(after).toMatchObject({ delivery_status: { status: 'revoked' }, verification_status: { status: 'expired' } });
    const kept = (await method('sendVerificationMessage', { phone_number: DE })).body.result.request_id as string;
    sandbox.read(kept);
    expect((await method('revokeVerificationMessage', { request_id: kept })).body.result).toBe(true);
    expect((await method('checkVerificationStatus', { request_id: kept })).body.result.delivery_status.status).toBe('read');
    expect((await method('revokeVerificationMessage', { request_id: 'nope' })).body).toEqual({ ok: false, error: TELEGRAM_ERRORS.requestIdInvalid });
  });

  it('injected faults: 500 and 429 keep the envelope; garbage does not', async () => {
    sandbox.fail({ kind: '500' });
    const res = await method('checkSendAbility', { phone_number: GB });
    expect(res.status).toBe(500);
    expect(res.body.ok).toBe(false);
    sandbox.fail({ kind: '429', retryAfter: 3 });
    const limited = await method('checkSendAbility', { phone_number: GB });
    expect(limited).toMatchObject({ status: 429, body: { ok: false, error: 'TOO_MANY_REQUESTS' } });
    expect(limited.headers.get('retry-after')).toBe('3');
  });
});
