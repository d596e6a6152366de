// PhoneVerifyStrategy: a verify that fails reaches Passport's error path, and over
// HTTP the request answers 500 internal_error without a stack trace and without hanging.

import { describe, expect, it } from 'vitest';
import { createTestApp, runStrategy, startVerification, strategyWithPending } from './harness.js';

const boom = () => new Error('database is down');

describe('PhoneVerifyStrategy', () => {
  describe('when an async verify rejects', () => {
    it('should call error with the rejection', async () => {
      const error = boom();
      const { strategy, req } = await strategyWithPending(async () => {
        throw error;
      });
      expect(await runStrategy(strategy, req())).toEqual({ action: 'error', error });
    });
  });

  describe('when a plain verify throws', () => {
    it('should call error with the exception', async () => {
      const error = boom();
      const { strategy, req } = await strategyWithPending((): never => {
        throw error;
      });
      expect(await runStrategy(strategy, req())).toEqual({ action: 'error', error });
    });
  });

  describe('when a callback verify calls done(err)', () => {
    it('should call error with err', async () => {
      const error = boom();
      const { strategy, req } = await strategyWithPending((_phone: string, done: (err: unknown) => void) => setImmediate(() => done(error)));
      expect(await runStrategy(strategy, req())).toEqual({ action: 'error', error });
    });

    it('should call error when it throws instead', async () => {
      const error = boom();
      const { strategy, req } = await strategyWithPending((_phone: string, _done: (err: unknown) => void) => {
        throw error;
      });
      expect(await runStrategy(strategy, req())).toEqual({ action: 'error', error });
    });
  });

  describe('when the store fails', () => {
    it('should fail closed with provider_unavailable, not sign in and not throw', async () => {
      const error = new Error('redis down');
      const { strategy, req } = await strategyWithPending(async () => ({ id: 'u1' }));
      // The check reads the record through countAttempt where the store has it, through get where not.
      const { store } = strategy.service.settings;
      store.get = store.countAttempt = () => Promise.reject(error);
      const outcome = await runStrategy(strategy, req());
      expect(outcome).toMatchObject({ action: 'fail', challenge: { code: 'provider_unavailable', status: 503, retryAfter: 5 } });
    });
  });

  describe('over HTTP', () => {
    const failing: Array<[string, (phone: string) => Promise<never>]> = [
      ['an async verify rejects', async () => Promise.reject(boom())],
      [
        'a verify throws',
        () => {
          throw boom();
        },
      ],
    ];

    it.each(failing)('should answer 500 internal_error without a stack when %s', async (_name, verify) => {
      const { agent, outbox, log } = createTestApp({ verify });
      const { code } = await startVerification(agent, outbox);
      const res = await agent.post('/auth/phone/verify').send({ code }).timeout(2000);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on the server.' } });
      expect(res.text).not.toContain('database is down');
      expect(res.text).not.toMatch(/\bat .*\.ts:\d+/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(log.lines.some((l) => l.startsWith('error internal error: Error: database is down'))).toBe(true);
      // Not signed in.
      expect((await agent.get('/account')).status).toBe(401);
    });

    it('should answer 500 internal_error when a callback verify calls done(err)', async () => {
      const { agent, outbox } = createTestApp({ verify: (_phone, done) => setImmediate(() => done(boom())) });
      const { code } = await startVerification(agent, outbox);
      const res = await agent.post('/auth/phone/verify').send({ code }).timeout(2000);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on the server.' } });
    });
  });
});
