// PhoneVerifyStrategy: every way a sign-in is refused ends in fail(PhoneVerifyError).

import { describe, expect, it } from 'vitest';
import { PhoneVerifyError } from '../src/index.js';
import { runStrategy, strategyWithPending, type Outcome } from './harness.js';
import { wrongCode } from './support/index.js';

const accept = async () => ({ id: 'u1' });

/** The protocol body of a fail outcome's challenge. */
function challenge(outcome: Outcome) {
  expect(outcome.action).toBe('fail');
  const { challenge } = outcome as Extract<Outcome, { action: 'fail' }>;
  expect(challenge).toBeInstanceOf(PhoneVerifyError);
  return (challenge as PhoneVerifyError).toJSON().error;
}

describe('PhoneVerifyStrategy', () => {
  describe('when the code is wrong', () => {
    it('should fail with invalid_code and the attempts left', async () => {
      const { strategy, req, code } = await strategyWithPending(accept);
      const outcome = await runStrategy(strategy, req({ code: wrongCode(code) }));
      expect(challenge(outcome)).toEqual({ code: 'invalid_code', message: 'That code is not right.', attemptsLeft: 4 });
    });

    it('should fail with too_many_attempts on the 5th wrong code and the right one after it', async () => {
      const { strategy, req, code } = await strategyWithPending(accept);
      for (let i = 0; i < 4; i++) await runStrategy(strategy, req({ code: wrongCode(code) }));
      expect(challenge(await runStrategy(strategy, req({ code: wrongCode(code) }))).code).toBe('too_many_attempts');
      expect(challenge(await runStrategy(strategy, req())).code).toBe('too_many_attempts');
    });
  });

  describe('when the code has expired', () => {
    it('should fail with expired (not no_pending_verification) at 301 s of 300', async () => {
      const { strategy, req, clock } = await strategyWithPending(accept);
      clock.advance(301);
      expect(challenge(await runStrategy(strategy, req()))).toEqual({ code: 'expired', message: 'That code has expired; ask for a new one.' });
    });
  });

  describe('when the session has no pending verification', () => {
    it('should fail with no_pending_verification', async () => {
      const { strategy, code } = await strategyWithPending(accept);
      const outcome = await runStrategy(strategy, { body: { code }, session: {} });
      expect(challenge(outcome).code).toBe('no_pending_verification');
    });

    it('should fail with no_pending_verification when there is no session at all', async () => {
      const { strategy, code } = await strategyWithPending(accept);
      expect(challenge(await runStrategy(strategy, { body: { code } })).code).toBe('no_pending_verification');
    });

    it('should ignore a verification id in the body', async () => {
      const { strategy, code, verification } = await strategyWithPending(accept);
      const outcome = await runStrategy(strategy, { body: { code, id: verification.id }, session: {} });
      expect(challenge(outcome).code).toBe('no_pending_verification');
    });
  });

  describe('when the code is missing or not a string', () => {
    it.each([
      ['missing', {}],
      ['a number', { code: 123456 }],
      ['an array', { code: ['123456'] }],
      ['null', { code: null }],
      ['too long', { code: '1'.repeat(33) }],
    ])('should fail with invalid_request when it is %s', async (_name, body) => {
      const { strategy, req } = await strategyWithPending(accept);
      expect(challenge(await runStrategy(strategy, req(body)))).toEqual({
        code: 'invalid_request',
        message: 'Send the code as a string: {"code": "123456"}.',
      });
    });

    it('should fail with invalid_request when there is no body', async () => {
      const { strategy, session } = await strategyWithPending(accept);
      expect(challenge(await runStrategy(strategy, { session })).code).toBe('invalid_request');
    });

    it('should not use up an attempt', async () => {
      const { strategy, req, code } = await strategyWithPending(accept);
      await runStrategy(strategy, req({ code: 123456 }));
      expect(challenge(await runStrategy(strategy, req({ code: wrongCode(code) })))).toMatchObject({ attemptsLeft: 4 });
    });
  });

  describe('when verify refuses the number', () => {
    it.each([
      ['false', async () => false as const],
      ['null', async () => null],
      ['undefined', async () => undefined],
    ])('should fail with forbidden when an async verify returns %s', async (_name, verify) => {
      const { strategy, req } = await strategyWithPending(verify);
      const outcome = await runStrategy(strategy, req());
      expect(challenge(outcome)).toEqual({ code: 'forbidden', message: 'This number cannot sign in here.' });
      expect((outcome as { challenge: PhoneVerifyError }).challenge.status).toBe(403);
    });

    it('should fail with forbidden when a callback verify calls done(null, false)', async () => {
      const verify = (_phone: string, done: (err: unknown, user?: false) => void) => done(null, false);
      const { strategy, req } = await strategyWithPending(verify);
      expect(challenge(await runStrategy(strategy, req())).code).toBe('forbidden');
    });

    it('should have used the code up all the same', async () => {
      const { strategy, req } = await strategyWithPending(async () => false);
      await runStrategy(strategy, req());
      expect(challenge(await runStrategy(strategy, req())).code).toBe('no_pending_verification');
    });
  });

  describe('when verify throws a PhoneVerifyError', () => {
    it('should fail with that error', async () => {
      const { strategy, req } = await strategyWithPending(async () => {
        throw new PhoneVerifyError('forbidden', 'Your account is suspended.');
      });
      expect(challenge(await runStrategy(strategy, req()))).toEqual({ code: 'forbidden', message: 'Your account is suspended.' });
    });
  });
});
