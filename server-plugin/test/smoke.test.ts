import { describe, expect, it } from 'vitest';
import { codeFrom, createTestApp } from './harness.js';
describe('smoke', () => {
  it('signs in', async () => {
    const { agent, outbox } = createTestApp();
    const start = await agent.post('/auth/phone/start').send({ phone: '+44 7400 123456' });
    expect(start.status).toBe(200);
    const code = codeFrom(outbox.at(-1));
    const verify = await agent.post('/auth/phone/verify').send({ code });
    expect(verify.body).toEqual({ status: 'approved', user: { id: 'u1' } });
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: '+447400123456' });
  });
});
