// PhoneVerifyStrategy: the right code and a verify that accepts (passport-local's strategy.normal).

import { describe, expect, it, vi } from 'vitest';
import { runStrategy, strategyWithPending } from './harness.js';

interface User {
  id: string;
}

describe('PhoneVerifyStrategy', () => {
  describe('when verify is an async function that returns a user', () => {
    it('should supply the user, given the verified number in E.164', async () => {
      const verify = vi.fn(async (phone: string): Promise<User> => ({ id: `user of ${phone}` }));
      const { strategy, req } = await strategyWithPending(verify, '+4915123456789');
      const outcome = await runStrategy(strategy, req());
      expect(outcome).toEqual({ action: 'success', user: { id: 'user of +4915123456789' }, info: undefined });
      expect(verify).toHaveBeenCalledTimes(1);
      // done is always passed (NestJS's PassportStrategy wrapper needs it); this verify ignores it.
      expect(verify).toHaveBeenCalledWith('+4915123456789', expect.any(Function));
    });

    it('should accept the code typed with spaces', async () => {
      const { strategy, req, code } = await strategyWithPending(async () => ({ id: 'u1' }));
      const outcome = await runStrategy(strategy, req({ code: `${code.slice(0, 3)} ${code.slice(3)}` }));
      expect(outcome).toMatchObject({ action: 'success', user: { id: 'u1' } });
    });

    it('should consume the verification: the same code does not work twice', async () => {
      const { strategy, req } = await strategyWithPending(async () => ({ id: 'u1' }));
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'success' });
      const second = await runStrategy(strategy, req());
      expect(second).toMatchObject({ action: 'fail', challenge: { code: 'no_pending_verification' } });
    });
  });

  describe('when verify is a plain function that returns a user', () => {
    it('should supply the user', async () => {
      const { strategy, req } = await strategyWithPending((phone: string): User => ({ id: phone }));
      expect(await runStrategy(strategy, req())).toEqual({ action: 'success', user: { id: '+447400123456' }, info: undefined });
    });
  });

  describe('when verify takes a callback (phone, done)', () => {
    it('should supply the user given to done', async () => {
      const calls: string[] = [];
      const verify = function (phone: string, done: (err: unknown, user?: User | false) => void) {
        calls.push(phone);
        setImmediate(() => done(null, { id: 'u-cb' }));
      };
      const { strategy, req } = await strategyWithPending(verify);
      expect(await runStrategy(strategy, req())).toEqual({ action: 'success', user: { id: 'u-cb' }, info: undefined });
      expect(calls).toEqual(['+447400123456']);
    });
  });

  describe('when the code is right at 299 s of 300', () => {
    it('should supply the user', async () => {
      const { strategy, req, clock } = await strategyWithPending(async () => ({ id: 'u1' }));
      clock.advance(299);
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'success' });
    });
  });
});
