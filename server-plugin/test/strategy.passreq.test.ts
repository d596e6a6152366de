// PhoneVerifyStrategy with passReqToCallback (passport-local's strategy.passreq): verify
// gets the request first, and over HTTP the app can read it (a header, the session).

import type { Request } from 'express';
import { describe, expect, it, vi } from 'vitest';
import { browserAgent, createTestApp, runStrategy, startVerification, strategyWithPending } from './harness.js';

describe('PhoneVerifyStrategy', () => {
  describe('with passReqToCallback: true', () => {
    it('should call verify(req, phone, done) with the request', async () => {
      const verify = vi.fn((req: Request, phone: string, done: (error: unknown, user?: { id: string }) => void) =>
        done(null, { id: `${String((req.body as { code: string }).code.length)} digits for ${phone}` }),
      );
      const { strategy, req } = await strategyWithPending(verify as never, '+447400123456', { passReqToCallback: true });
      const request = req();
      expect(await runStrategy(strategy, request)).toEqual({ action: 'success', user: { id: '6 digits for +447400123456' }, info: undefined });
      expect(verify).toHaveBeenCalledWith(request, '+447400123456', expect.any(Function));
    });

    it('should take a returned promise too', async () => {
      const { strategy, req } = await strategyWithPending((async (_req: Request, phone: string) => ({ id: phone })) as never, '+447400123456', {
        passReqToCallback: true,
      });
      expect(await runStrategy(strategy, req())).toMatchObject({ action: 'success', user: { id: '+447400123456' } });
    });

    it('should sign in over HTTP with what verify read from the request', async () => {
      const { app, outbox } = createTestApp({
        options: { passReqToCallback: true },
        verify: ((req: Request, phone: string, done: (e: unknown, u?: unknown) => void) => done(null, { id: String(req.headers['x-tenant']), phone })) as never,
      });
      const agent = browserAgent(app);
      const { code } = await startVerification(agent, outbox);
      const res = await agent.post('/auth/phone/verify').set('x-tenant', 'acme').send({ code });
      expect(res.status).toBe(200);
      // Issue 13 added `phone` (the proven number, the widget's form value also after a reload resumed masked).
      expect(res.body).toEqual({ status: 'approved', user: { id: 'acme' }, phone: '+447400123456' });
    });
  });

  describe('without passReqToCallback', () => {
    it('should not pass the request', async () => {
      const verify = vi.fn((phone: string, done: (error: unknown, user?: { id: string }) => void) => done(null, { id: phone }));
      const { strategy, req } = await strategyWithPending(verify);
      await runStrategy(strategy, req());
      expect(verify.mock.calls[0]).toEqual(['+447400123456', expect.any(Function)]);
    });
  });
});
