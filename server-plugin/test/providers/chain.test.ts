import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhoneVerifyError } from '../../src/errors.js';
import { providerChain } from '../../src/providers/chain.js';
import { messagebirdProvider } from '../../src/providers/messagebird.js';
import { telnyxProvider } from '../../src/providers/telnyx.js';
import { textmagicProvider } from '../../src/providers/textmagic.js';
import type { VerifyProvider } from '../../src/providers/types.js';
import { VerificationService } from '../../src/service.js';
import { ManualClock, MessagebirdSandbox, TelnyxSandbox, TextmagicSandbox } from '../../src/testing/index.js';
import { codeIn, GB, LogSpy, rejectsWith, startedWith, startRequest } from './helpers.js';
import { wrongCode } from '../support/index.js';

let clock: ManualClock;
let log: LogSpy;
let telnyxSandbox: TelnyxSandbox;
let textmagicSandbox: TextmagicSandbox;
let messagebirdSandbox: MessagebirdSandbox;
let telnyx: VerifyProvider;
let textmagic: VerifyProvider;
let messagebird: VerifyProvider;

/** Seconds the adapters wait for an answer: more than a loaded machine ever takes for a plain one. */
const CALM_TIMEOUT_S = 15;

beforeEach(async () => {
  clock = new ManualClock();
  log = new LogSpy();
  telnyxSandbox = new TelnyxSandbox({ apiKey: 'tx', codeLength: 6, clock: clock.now });
  textmagicSandbox = new TextmagicSandbox({ username: 'demo', apiKey: 'tm', clock: clock.now });
  messagebirdSandbox = new MessagebirdSandbox({ accessKey: 'mb', clock: clock.now });
  const [tx, tm, mb] = await Promise.all([telnyxSandbox.listen(), textmagicSandbox.listen(), messagebirdSandbox.listen()]);
  telnyx = telnyxProvider({
    apiKey: 'tx',
    verifyProfileId: telnyxSandbox.verifyProfileId,
    baseUrl: tx,
    timeout: CALM_TIMEOUT_S,
    logger: log,
    channels: ['sms', 'voice', 'whatsapp'],
  });
  textmagic = textmagicProvider({ username: 'demo', apiKey: 'tm', brand: 'Acme', baseUrl: tm, timeout: CALM_TIMEOUT_S, logger: log, clock: clock.now });
  messagebird = messagebirdProvider({ accessKey: 'mb', baseUrl: mb, timeout: CALM_TIMEOUT_S, logger: log });
});

afterEach(async () => {
  await Promise.all([telnyxSandbox.close(), textmagicSandbox.close(), messagebirdSandbox.close()]);
});

const started = startedWith(() => clock.now());

const hits = (sandbox: { requests: { method: string }[] }) => sandbox.requests.length;

describe('providerChain', () => {
  it('offers the union of channels in order and only the code lengths every provider sends', () => {
    const chain = providerChain([textmagic, telnyx, messagebird]);
    expect(chain.channels).toEqual(['sms', 'voice', 'whatsapp']);
    expect(chain.codeLengths).toEqual([6]);
    expect(providerChain([messagebird]).codeLengths).toEqual([6, 7, 8, 9, 10]);
    expect(chain.name).toBe('chain(textmagic,telnyx,messagebird)');
  });

  it('refuses an empty list and duplicate names', () => {
    expect(() => providerChain([])).toThrow(TypeError);
    expect(() => providerChain([telnyx, telnyx])).toThrow(/unique/);
  });

  it('uses the first provider when it answers, and checks there', async () => {
    const chain = providerChain([telnyx, textmagic]);
    const pending = await started(chain);
    expect(pending.state).toMatchObject({ via: 'telnyx', verificationId: expect.any(String) });
    expect(await chain.check(pending, codeIn(telnyxSandbox.outbox[0]))).toEqual({ status: 'approved' });
    expect(hits(textmagicSandbox)).toBe(0);
  });

  it.each(['500', '429'] as const)('first provider %s (a definite refusal) → the second serves the start, and the check goes to the second', async (kind) => {
    const chain = providerChain([telnyx, textmagic]);
    telnyxSandbox.fail({ kind, delay: 2000 });
    const pending = await started(chain);
    expect(pending.state).toMatchObject({ via: 'textmagic', verifyId: expect.any(String) });
    expect(telnyxSandbox.outbox).toHaveLength(0);
    const code = codeIn(textmagicSandbox.outbox[0]);
    const before = hits(telnyxSandbox);
    expect(await chain.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
    expect(await chain.check(pending, code)).toEqual({ status: 'approved' });
    expect(hits(telnyxSandbox)).toBe(before);
    expect(textmagicSandbox.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  // A 1 s deadline against real timers, the fault held far past it: on a loaded machine a late
  // timer can still land on the other side, so a case may run twice more.
  it.each(['timeout', 'reset', 'garbage', 'lost-answer', 'late-answer'] as const)(
    'first provider %s (it may have sent) → no failover: one counted send is never two SMS',
    { retry: 2 },
    async (kind) => {
      const quickTelnyx = telnyxProvider({ apiKey: 'tx', verifyProfileId: telnyxSandbox.verifyProfileId, baseUrl: telnyxSandbox.url, timeout: 1, logger: log });
      const chain = providerChain([quickTelnyx, textmagic]);
      telnyxSandbox.fail({ kind, delay: 30_000 });
      const error = await rejectsWith(chain.start(startRequest()), 'provider_unavailable');
      expect(error.outcome).toBe('unknown');
      expect(textmagicSandbox.requests).toHaveLength(0);
      expect(textmagicSandbox.outbox).toHaveLength(0);
      // The provider that may have acted did, for the two new fault kinds.
      expect(telnyxSandbox.outbox).toHaveLength(kind === 'lost-answer' || kind === 'late-answer' ? 1 : 0);
    },
  );

  it('first sandbox closed (connection refused before sending) → the second serves', async () => {
    await telnyxSandbox.close();
    const chain = providerChain([telnyx, messagebird]);
    const pending = await started(chain);
    expect(pending.state.via).toBe('messagebird');
    expect(await chain.check(pending, codeIn(messagebirdSandbox.outbox[0]))).toEqual({ status: 'approved' });
  });

  it('skips providers without the channel', async () => {
    const chain = providerChain([textmagic, telnyx]);
    const pending = await started(chain, startRequest({ channel: 'whatsapp' }));
    expect(pending.state.via).toBe('telnyx');
    expect(hits(textmagicSandbox)).toBe(0);
  });

  it('every provider down → provider_unavailable', async () => {
    telnyxSandbox.fail({ kind: '500' });
    textmagicSandbox.fail({ kind: 'reset' });
    await rejectsWith(providerChain([telnyx, textmagic]).start(startRequest()), 'provider_unavailable');
  });

  it('does not fail over on provider_error (bad credentials) unless asked', async () => {
    const badTelnyx = telnyxProvider({ apiKey: 'wrong', verifyProfileId: telnyxSandbox.verifyProfileId, baseUrl: telnyxSandbox.url, logger: log });
    await rejectsWith(providerChain([badTelnyx, textmagic]).start(startRequest()), 'provider_error');
    expect(hits(textmagicSandbox)).toBe(0);
    const pending = await started(providerChain([badTelnyx, textmagic], { failoverOnProviderError: true }));
    expect(pending.state.via).toBe('textmagic');
    expect(log.lines.filter((l) => l.startsWith('error telnyx'))).toHaveLength(2);
  });

  it('does not fail over on a user-level refusal (Textmagic 409 → rate_limited)', async () => {
    const chain = providerChain([textmagic, telnyx]);
    await started(chain);
    await rejectsWith(chain.start(startRequest()), 'rate_limited');
    expect(hits(telnyxSandbox)).toBe(0);
  });

  it('resend and cancel go to the provider that started it (Textmagic’s 30 s rule included)', async () => {
    const chain = providerChain([textmagic, telnyx]);
    const pending = await started(chain);
    clock.advance(10);
    expect((await rejectsWith(chain.resend!(pending, startRequest({ channel: 'voice' })), 'resend_too_soon')).retryAfter).toBe(20);
    clock.advance(20);
    const { state } = await chain.resend!(pending, startRequest({ channel: 'voice' }));
    expect(state.via).toBe('textmagic');
    expect(hits(telnyxSandbox)).toBe(0);
    const resent = { ...pending, state };
    clock.advance(30);
    await chain.cancel!(resent);
    expect(textmagicSandbox.requests.filter((r) => r.method === 'DELETE')).toHaveLength(3);
    expect(await chain.check(resent, codeIn(textmagicSandbox.outbox.at(-1)))).toEqual({ status: 'expired' });
  });

  it('a resend whose provider is now down, or lacks the channel, goes to the next one', async () => {
    const chain = providerChain([messagebird, telnyx]);
    const pending = await started(chain);
    messagebirdSandbox.fail({ kind: '500' });
    const { state } = await chain.resend!(pending, startRequest());
    expect(state.via).toBe('telnyx');
    const moved = { ...pending, state };
    expect(await chain.check(moved, codeIn(telnyxSandbox.outbox[0]))).toEqual({ status: 'approved' });

    const again = await started(chain, startRequest({ verificationId: 'v2' }));
    const { state: wa } = await chain.resend!(again, startRequest({ channel: 'whatsapp' }));
    expect(wa.via).toBe('telnyx');
    expect(messagebirdSandbox.requests.at(-1)!.method).toBe('DELETE');
  });

  it('a verification started by a provider no longer in the chain checks as expired', async () => {
    const pending = await started(providerChain([telnyx]));
    expect(await providerChain([textmagic]).check(pending, '123456')).toEqual({ status: 'expired' });
  });

  it('a non-PhoneVerifyError from a provider also moves on', async () => {
    const broken: VerifyProvider = {
      name: 'broken',
      channels: ['sms'],
      codeLengths: [6],
      start: async () => {
        throw new Error('boom');
      },
      check: async () => ({ status: 'wrong' }),
    };
    const pending = await started(providerChain([broken, telnyx]));
    expect(pending.state.via).toBe('telnyx');
    const refusing: VerifyProvider = {
      ...broken,
      name: 'refusing',
      start: async () => {
        throw new PhoneVerifyError('invalid_phone', 'no');
      },
    };
    await rejectsWith(providerChain([refusing, telnyx]).start(startRequest()), 'invalid_phone');
  });

  it('drives VerificationService: first provider down, the second sends and checks', async () => {
    const service = new VerificationService({
      provider: providerChain([telnyx, textmagic, messagebird]),
      allowedCountries: ['GB', 'DE', 'US'],
      clock: clock.now,
      logger: log,
    });
    telnyxSandbox.fail({ kind: '500' });
    const { verification } = await service.start({ phone: GB });
    expect(verification.state.via).toBe('textmagic');
    const code = codeIn(textmagicSandbox.outbox[0]);
    expect((await service.check(verification.id, code)).phone).toBe(GB);
    expect(telnyxSandbox.outbox).toHaveLength(0);
  });
});
