// server-plugin/test/providers/provider-contract.ts
// What every provider adapter must do against its sandbox, over real HTTP: start, approve
// and refuse codes, meet every fault on start and on check, cancel, run under
// VerificationService with its one deadline, keep one live verification per number, and
// lose no verification to any fault (the matrix). Each provider's test file calls
// describeProviderContract and keeps only what is particular to that provider.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultKind, ProviderSandbox } from '../../src/testing/index.js';
import { FAULT_KINDS, ManualClock } from '../../src/testing/index.js';
import type { PhoneVerifyOptions } from '../../src/options.js';
import type { HttpProviderOptions } from '../../src/providers/http.js';
import type { VerifyProvider } from '../../src/providers/types.js';
import { VerificationService } from '../../src/service.js';
import { wrongCode } from '../support/index.js';
import { codeIn, GB, LogSpy, rejectsWith, startedWith, startRequest } from './helpers.js';

export interface ProviderSubject<S extends ProviderSandbox, O extends HttpProviderOptions = HttpProviderOptions, SO = object> {
  name: string;
  /** A sandbox on the test's clock, listening. */
  openSandbox(clock: ManualClock, options?: Partial<SO>): Promise<S>;
  /** The adapter under test, pointed at `sandbox`, with the test's clock and log. */
  adapter(sandbox: S, context: { clock: ManualClock; log: LogSpy }, overrides?: Partial<O>): VerifyProvider;
  /** Service options the provider needs (Vonage: maxAttempts 3). */
  serviceOptions?: Partial<PhoneVerifyOptions>;
  /** Seconds a code lives there when asked for 120: ours, unless the provider fixes its own (Twilio 600, Textmagic 300). */
  validitySeconds?: number;
}

/** Start `sandbox` listening and hand it back. */
export async function listening<S extends ProviderSandbox>(sandbox: S): Promise<S> {
  await sandbox.listen();
  return sandbox;
}

/**
 * A fresh clock, log and sandbox for every test of a provider's own file, read through
 * the returned object (`fx.sandbox`, `fx.clock`…), plus its adapter and `started`.
 */
export interface SubjectFixture<S extends ProviderSandbox, O extends HttpProviderOptions, SO> {
  clock: ManualClock;
  log: LogSpy;
  sandbox: S;
  readonly url: string;
  open(options?: Partial<SO>): Promise<void>;
  adapter(overrides?: Partial<O>): VerifyProvider;
  started: ReturnType<typeof startedWith>;
}

export function useSubject<S extends ProviderSandbox, O extends HttpProviderOptions, SO>(subject: ProviderSubject<S, O, SO>): SubjectFixture<S, O, SO> {
  const fx: SubjectFixture<S, O, SO> = {
    clock: new ManualClock(),
    log: new LogSpy(),
    sandbox: undefined as unknown as S,
    get url(): string {
      return fx.sandbox.url;
    },
    /** Replace the sandbox with one built with `options`. */
    async open(options: Partial<SO> = {}): Promise<void> {
      await fx.sandbox?.close();
      fx.sandbox = await subject.openSandbox(fx.clock, options);
    },
    adapter: (overrides: Partial<O> = {}): VerifyProvider => subject.adapter(fx.sandbox, fx, overrides),
    started: startedWith(() => fx.clock.now()),
  };
  beforeEach(async () => {
    fx.clock = new ManualClock();
    fx.log = new LogSpy();
    fx.sandbox = await subject.openSandbox(fx.clock);
  });
  afterEach(async () => {
    await fx.sandbox.close();
  });
  return fx;
}

/** Faults after which the provider may have acted: the send or check counts as done. */
const MAY_HAVE_ACTED: ReadonlySet<FaultKind> = new Set(['timeout', 'reset', 'garbage', 'lost-answer', 'late-answer']);
/** Faults that act on the request and hide it. */
const ACTED: ReadonlySet<FaultKind> = new Set(['lost-answer', 'late-answer']);

/**
 * Per-request timeout of the adapter the faults are injected against (every held fault
 * waits it out, so it is short), and how long a held fault waits: far beyond it, so the
 * adapter has always given up first however late a loaded machine fires its timer (a 2 s
 * hold let a late 1 s timer see the answer). The tests without faults use an adapter with a
 * deadline a loaded machine never reaches: a plain send there is never "no answer within 1 s".
 */
const TIMEOUT_S = 1;
const HOLD_MS = 30_000;
const CALM_TIMEOUT_S = 15;

export function describeProviderContract<S extends ProviderSandbox, O extends HttpProviderOptions, SO>(subject: ProviderSubject<S, O, SO>): void {
  describe(`${subject.name}: the provider contract`, () => {
    let clock: ManualClock;
    let sandbox: S;
    let log: LogSpy;
    /** The adapter with a calm deadline, for the tests without faults. */
    let provider: VerifyProvider;
    /** The adapter with the short deadline, for the tests with faults. */
    let quick: VerifyProvider;

    beforeEach(async () => {
      clock = new ManualClock();
      log = new LogSpy();
      sandbox = await subject.openSandbox(clock);
      provider = subject.adapter(sandbox, { clock, log }, { timeout: CALM_TIMEOUT_S } as Partial<O>);
      quick = subject.adapter(sandbox, { clock, log }, { timeout: TIMEOUT_S } as Partial<O>);
    });

    afterEach(async () => {
      await sandbox.close();
    });

    const started = startedWith(() => clock.now());
    const lastCode = (): string => codeIn(sandbox.outbox.at(-1));

    /** A service on the sandbox with the send limits the matrix reads (`perPhone` sends per number per 10 minutes). */
    function service(options: Partial<PhoneVerifyOptions> = {}, perPhone = 2, adapter = provider): VerificationService {
      const wide = [{ points: 10_000, duration: 3600 }];
      return new VerificationService({
        provider: adapter,
        allowedCountries: ['GB', 'DE'],
        clock: clock.now,
        logger: log,
        limits: { perPhone: [{ points: perPhone, duration: 600 }], perIp: wide, perPrefix: wide, global: wide },
        ...subject.serviceOptions,
        ...options,
      });
    }

    describe('start, approve, wrong', () => {
      it('sends one code to the number and approves it; a wrong code is wrong, not an error', async () => {
        const pending = await started(provider);
        expect(sandbox.outbox).toHaveLength(1);
        expect(sandbox.outbox[0]).toMatchObject({ to: GB, channel: 'sms' });
        const code = lastCode();
        expect(code).toHaveLength(6);
        expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
        expect(await provider.check(pending, code)).toEqual({ status: 'approved' });
        // Accepted once: the same code again finds nothing pending.
        expect(await provider.check(pending, code)).toEqual({ status: 'expired' });
        expect(log.lines).toEqual([]);
      });

      it('reports expired once the code has lived its time (our ttl, where the provider takes one)', async () => {
        // 120 s, not the default 300, so that a provider ignoring our ttl cannot pass on its own default.
        const pending = await started(provider, startRequest({ ttlSeconds: 120 }));
        const code = lastCode();
        const validity = subject.validitySeconds ?? 120;
        clock.advance(validity - 1);
        expect(await provider.check(pending, wrongCode(code))).toEqual({ status: 'wrong' });
        clock.advance(1);
        expect(await provider.check(pending, code)).toEqual({ status: 'expired' });
      });

      it('offers sms first and sends 6-digit codes', () => {
        expect(provider.channels[0]).toBe('sms');
        expect(provider.codeLengths).toContain(6);
      });
    });

    // Real timers against a 1 s deadline: see the matrix below for why a case may run twice more.
    describe('faults on start', { retry: 2 }, () => {
      it.each(FAULT_KINDS)('%s → provider_unavailable, saying whether it may have sent', async (kind) => {
        sandbox.fail({ kind, delay: HOLD_MS, retryAfter: 7 });
        const error = await rejectsWith(quick.start(startRequest()), 'provider_unavailable');
        expect(error.outcome).toBe(MAY_HAVE_ACTED.has(kind) ? 'unknown' : 'refused');
        if (kind === '429') expect(error.retryAfter).toBe(7);
        expect(sandbox.outbox).toHaveLength(ACTED.has(kind) ? 1 : 0);
      });

      it('a closed sandbox (connection refused, nothing sent) → provider_unavailable, refused', async () => {
        await sandbox.close();
        expect((await rejectsWith(provider.start(startRequest()), 'provider_unavailable')).outcome).toBe('refused');
      });
    });

    describe('faults on check', { retry: 2 }, () => {
      it.each(FAULT_KINDS)('%s → the code is judged once the fault clears, or was (and the provider was asked)', async (kind) => {
        const pending = await started(provider);
        const code = lastCode();
        sandbox.fail({ kind, delay: HOLD_MS });
        const first = await quick.check(pending, code).catch((error: unknown) => error);
        if (first && typeof first === 'object' && 'status' in first && first.status === 'approved') {
          // Approved although the answer was lost: the provider was asked, it did not guess.
          expect(ACTED.has(kind)).toBe(true);
          return;
        }
        await rejectsWith(Promise.reject(first), 'provider_unavailable');
        const again = await provider.check(pending, code);
        // Acted on and unaskable, the code is used up there: the service then gives the attempt back and resends.
        expect(again).toEqual(ACTED.has(kind) ? expect.objectContaining({ status: expect.stringMatching(/approved|expired/) }) : { status: 'approved' });
      });
    });

    it('cancel, where the provider has one, kills the code; twice is fine', async () => {
      if (!provider.cancel) return;
      const pending = await started(provider);
      clock.advance(31); // Textmagic cancels only 30 s after the send.
      await provider.cancel(pending);
      await provider.cancel(pending);
      expect(await provider.check(pending, lastCode())).toEqual({ status: 'expired' });
    });

    it('a fault on cancel → provider_unavailable, and the cancel can be retried', async () => {
      if (!provider.cancel) return;
      const pending = await started(provider);
      clock.advance(31);
      sandbox.fail({ kind: '500' });
      await rejectsWith(provider.cancel(pending), 'provider_unavailable');
      await provider.cancel(pending);
      expect(await provider.check(pending, lastCode())).toEqual({ status: 'expired' });
    });

    describe('through VerificationService', () => {
      it('start → wrong → right: consumed once', async () => {
        const s = service();
        const { verification, response } = await s.start({ phone: '+44 7400 123456' });
        expect(response).toMatchObject({ status: 'pending', phone: GB, channel: 'sms', codeLength: 6 });
        const code = lastCode();
        const max = s.settings.maxAttempts;
        await expect(s.check(verification.id, wrongCode(code))).rejects.toMatchObject({ code: 'invalid_code', attemptsLeft: max - 1 });
        await expect(s.check(verification.id, code)).resolves.toMatchObject({ phone: GB });
        await expect(s.check(verification.id, code)).rejects.toMatchObject({ code: 'no_pending_verification' });
      });

      it('a resend by voice after the cooldown: the attempts carry over and the code just called in completes', async () => {
        const s = service();
        const { verification } = await s.start({ phone: '+49 151 23456789' });
        expect(sandbox.outbox[0]).toMatchObject({ to: '+4915123456789', channel: 'sms' });
        const max = s.settings.maxAttempts;
        await expect(s.check(verification.id, wrongCode(lastCode()))).rejects.toMatchObject({ code: 'invalid_code', attemptsLeft: max - 1 });
        clock.advance(31); // Textmagic cancels only 30 s after the send.
        await expect(s.resend(verification.id, { channel: 'voice' })).resolves.toMatchObject({ channel: 'voice', attemptsLeft: max - 1 });
        expect(sandbox.outbox.at(-1)).toMatchObject({ to: '+4915123456789', channel: 'voice' });
        await expect(s.check(verification.id, lastCode())).resolves.toMatchObject({ phone: '+4915123456789' });
      });

      it("one deadline: providerTimeout aborts the adapter's request, which is then never acted on", async () => {
        const slow = subject.adapter(sandbox, { clock, log }, { timeout: 10 } as Partial<O>);
        const s = service({ provider: slow, providerTimeout: 1 });
        sandbox.fail({ kind: 'timeout', delay: 2000 });
        const t0 = Date.now();
        await expect(s.start({ phone: GB })).rejects.toMatchObject({ code: 'provider_unavailable', outcome: 'unknown' });
        expect(Date.now() - t0).toBeLessThan(1900);
        // Had the fetch lived on, the sandbox would serve it at 2 s.
        await new Promise((resolve) => setTimeout(resolve, 2300 - (Date.now() - t0)));
        expect(sandbox.outbox).toHaveLength(0);
      });

      it('one live verification per number: a second session’s start supersedes the first', async () => {
        const s = service({ limits: {} });
        const a = await s.start({ phone: GB });
        const codeA = lastCode();
        clock.advance(31);
        const b = await s.start({ phone: GB });
        const codeB = lastCode();
        // A's code completes nothing, not A (superseded) and not B (a wrong code there, unless it is B's own).
        await expect(s.check(a.verification.id, codeA)).rejects.toMatchObject({ code: 'no_pending_verification' });
        await expect(s.check(a.verification.id, codeB)).rejects.toMatchObject({ code: 'no_pending_verification' });
        if (codeA !== codeB) await expect(s.check(b.verification.id, codeA)).rejects.toMatchObject({ code: 'invalid_code' });
        await expect(s.check(b.verification.id, codeB)).resolves.toMatchObject({ id: b.verification.id });
      });
    });

    // The matrix injects its faults against real timers (a 1 s adapter deadline): on a machine
    // loaded by the other suites a timer can fire late enough to change which side of the deadline
    // an answer lands. A case that fails twice more is a real failure.
    describe('zero lost verifications: once a fault clears, finished with the held code or a new one without penalty', { retry: 2 }, () => {
      /**
       * What a user does after a failure: types the newest code they hold; if that one is
       * expired, waits out the cooldown and asks for a new one. Returns how it ended.
       */
      async function finish(s: VerificationService, id: string): Promise<{ by: 'held code' | 'new code'; attemptsLeft?: number; sendsLeft?: number }> {
        const held = await s.check(id, lastCode()).catch((error: { code?: string }) => error);
        if ('phone' in held) return { by: 'held code' };
        expect(held.code).toBe('expired');
        clock.advance(30);
        const resent = await s.resend(id);
        await expect(s.check(id, lastCode())).resolves.toMatchObject({ id });
        return { by: 'new code', attemptsLeft: resent.attemptsLeft, sendsLeft: resent.sendsLeft };
      }

      /** Starts until the number's limit (2 per 10 minutes) refuses, waiting out a provider's own refusal. */
      async function start(s: VerificationService) {
        const first = await s.start({ phone: GB }).catch((error: { code?: string; retryAfter?: number }) => error);
        if ('verification' in first) return first;
        // Textmagic after a start whose answer was lost: its hidden live code blocks the number until it lapses.
        expect(first).toMatchObject({ code: 'rate_limited' });
        clock.advance(first.retryAfter!);
        return s.start({ phone: GB });
      }

      describe.each(FAULT_KINDS)('%s', (kind) => {
        const counted = MAY_HAVE_ACTED.has(kind);

        it('on start', async () => {
          const s = service({}, 2, quick);
          sandbox.fail({ kind, delay: HOLD_MS });
          await expect(s.start({ phone: GB })).rejects.toMatchObject({ code: 'provider_unavailable' });
          const { verification, response } = await start(s);
          expect(response.sendsLeft).toBe(s.settings.maxSends - 1);
          await expect(s.check(verification.id, lastCode())).resolves.toMatchObject({ phone: GB });
          // A refused send was given back; one that may have happened stays counted (2 per number).
          clock.advance(31);
          const next = s.start({ phone: GB });
          if (counted) await expect(next).rejects.toMatchObject({ code: 'rate_limited' });
          else await expect(next).resolves.toMatchObject({ response: { status: 'pending' } });
        });

        it('on check', async () => {
          const s = service({}, 2, quick);
          const { verification } = await s.start({ phone: GB });
          const code = lastCode();
          const max = s.settings.maxAttempts;
          await expect(s.check(verification.id, wrongCode(code))).rejects.toMatchObject({ attemptsLeft: max - 1 });
          sandbox.fail({ kind, delay: HOLD_MS });
          const faulted = await s.check(verification.id, code).catch((error: { code?: string }) => error);
          if ('phone' in faulted) {
            // The provider was asked after the lost answer: finished at once.
            expect(ACTED.has(kind)).toBe(true);
            return;
          }
          expect(faulted.code).toBe('provider_unavailable');
          const ended = await finish(s, verification.id);
          // Only the one real wrong code counts: the faulted check was given back.
          if (ended.by === 'new code') expect(ended.attemptsLeft).toBe(max - 1);
          else expect(ACTED.has(kind)).toBe(false);
        });

        it('on resend', async () => {
          // Three sends per number: the start, the faulted resend (counted if it may have sent), a new code.
          const s = service({}, 3, quick);
          const { verification } = await s.start({ phone: GB });
          clock.advance(31);
          sandbox.fail({ kind, delay: HOLD_MS });
          await expect(s.resend(verification.id)).rejects.toMatchObject({ code: 'provider_unavailable' });
          const ended = await finish(s, verification.id);
          const max = s.settings.maxSends;
          // A refused send was given back (start + this resend = 2); one that may have happened counts (3).
          if (ended.by === 'new code') expect(ended.sendsLeft).toBe(max - (counted ? 3 : 2));
          expect(ended.attemptsLeft ?? s.settings.maxAttempts).toBe(s.settings.maxAttempts);
        });
      });
    });
  });
}
