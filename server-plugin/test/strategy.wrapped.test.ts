// PhoneVerifyStrategy wrapped the way NestJS's PassportStrategy mixin wraps a strategy:
// its verify is `async (...params) => { const done = params.at(-1); done(null, await validate(...)) }`,
// with no declared parameters (older @nestjs/passport) or a `length` set by hand (newer).
// The strategy must always pass `done`, and a second answer must not sign in twice.

import { describe, expect, it } from 'vitest';
import { localProvider, PhoneVerifyStrategy } from '../src/index.js';
import { runStrategy, strategyWithPending } from './harness.js';

type Done = (error: unknown, user?: unknown) => void;

/** NestJS's mixin callback, reduced to what it does with its arguments. */
function nestCallback(validate: (phone: string) => unknown, length?: number) {
  const callback = async (...params: unknown[]) => {
    const done = params[params.length - 1] as Done;
    try {
      done(null, await validate(...(params.slice(0, -1) as [string])));
    } catch (error) {
      done(error, null);
    }
  };
  if (length !== undefined) Object.defineProperty(callback, 'length', { value: length });
  return callback;
}

describe('PhoneVerifyStrategy', () => {
  describe('when verify is a (...params) wrapper that calls the last argument', () => {
    it('should sign in with what the wrapper passes to done', async () => {
      const { strategy, req } = await strategyWithPending(nestCallback(async (phone) => ({ id: phone })));
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'success', user: { id: '+447400123456' } });
    });

    it('should sign in when the wrapper declares length 2, as newer @nestjs/passport does', async () => {
      const { strategy, req } = await strategyWithPending(nestCallback(async (phone) => ({ id: phone }), 2));
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'success', user: { id: '+447400123456' } });
    });

    it('should refuse with forbidden when validate returns null', async () => {
      const { strategy, req } = await strategyWithPending(nestCallback(() => null));
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'fail', challenge: { code: 'forbidden' } });
    });

    it('should end in the error path when validate throws', async () => {
      const error = new Error('database is down');
      const { strategy, req } = await strategyWithPending(
        nestCallback(() => {
          throw error;
        }),
      );
      expect(await runStrategy(strategy, req())).toEqual({ action: 'error', error });
    });
  });

  describe('when verify answers twice', () => {
    it('should take the first answer of two done calls and warn once per extra answer', async () => {
      const { strategy, req, log } = await strategyWithPending((phone: string, done: Done) => {
        done(null, { id: phone });
        done(null, { id: 'someone else' });
      });
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'success', user: { id: '+447400123456' } });
      expect(log.lines.filter((l) => l.includes('ERR_PV_VERIFY_TWICE'))).toHaveLength(1);
    });

    it('should take done over a later returned promise', async () => {
      const { strategy, req, log } = await strategyWithPending(async (phone: string, done: Done) => {
        done(null, { id: phone });
        return { id: 'someone else' };
      });
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'success', user: { id: '+447400123456' } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(log.lines.filter((l) => l.includes('ERR_PV_VERIFY_TWICE'))).toHaveLength(1);
    });
  });

  describe('when verify declares done and returns nothing useful', () => {
    it('should wait for done', async () => {
      const { strategy, req } = await strategyWithPending(async (phone: string, done: Done) => {
        setTimeout(() => done(null, { id: phone }), 20);
      });
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'success', user: { id: '+447400123456' } });
    });
  });

  it('should type-check a callback-style verify under strict without annotations', () => {
    const strategy = new PhoneVerifyStrategy<{ id: string }>({ provider: localProvider({ sender: () => {} }), allowedCountries: ['GB'] }, (phone, done) =>
      done(null, { id: phone }),
    );
    expect(strategy.name).toBe('phone-verify');
  });
});
