// server-plugin/test/express4.test.ts
// Run only by the `express4` vitest project, which aliases `express` to Express 4
// everywhere, so the router suites there really run on it.

import express from 'express';
import { describe, expect, it } from 'vitest';
import { codeFrom, createTestApp } from './harness.js';

/** Express 5's Router is a class from the `router` package; Express 4's is a plain function. */
const major = typeof (express.Router as unknown as { prototype?: { handle?: unknown } }).prototype?.handle === 'function' ? 5 : 4;

describe('the plugin on Express 4', () => {
  it('should really be running on Express 4 (the alias took)', () => {
    expect(major).toBe(4);
  });

  it('should answer a handler that throws with the protocol error, not hang', async () => {
    const { agent } = createTestApp();
    const res = await agent.post('/auth/phone/start').send({}).timeout(2000);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: '"phone" is required and must be a string.' } });
  });

  it('should sign in', async () => {
    const { agent, outbox } = createTestApp();
    expect((await agent.post('/auth/phone/start').send({ phone: '+447400123456' })).status).toBe(200);
    const res = await agent.post('/auth/phone/verify').send({ code: codeFrom(outbox.at(-1)) });
    expect(res.body).toMatchObject({ status: 'approved' });
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: '+447400123456' });
  });
});
