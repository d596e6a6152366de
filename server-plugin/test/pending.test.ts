// server-plugin/test/pending.test.ts
// GET /status (a reloaded page resumes at the code step) and POST /resend after the
// code's time is up (a new verification for the same number, not a 409), over HTTP
// with real Express, express-session and Passport.

import { describe, expect, it } from 'vitest';
import { maskForDisplay } from '../src/pending.js';
import { browserAgent, codeFrom, createTestApp } from './harness.js';

const GB = '+447400123456';

describe('GET /status', () => {
  it('should answer none before anything is started, and never set a cookie for it', async () => {
    const { agent, sessionData } = createTestApp();
    const res = await agent.get('/auth/phone/status');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ status: 'none' });
    expect(Object.keys(await sessionData())).toHaveLength(0);
  });

  it('should describe the pending verification with the number masked, its times as they are now, sending nothing', async () => {
    const { agent, outbox, clock } = createTestApp({ options: { resendAfter: 30, ttl: 300 } });
    await agent.post('/auth/phone/start').send({ phone: GB, channel: 'voice' }).expect(200);
    // The voice message reads the digits one by one.
    const code = outbox[0]!.text.match(/\d(?: \d){5}/)![0].replace(/ /g, '');
    await agent
      .post('/auth/phone/verify')
      .send({ code: code === '000000' ? '111111' : '000000' })
      .expect(401);
    clock.advance(10);
    const res = await agent.get('/auth/phone/status');
    expect(res.body).toEqual({
      status: 'pending',
      phone: '+44 ••••••3456',
      channel: 'voice',
      codeLength: 6,
      expiresIn: 290,
      resendAfter: 20,
      sendsLeft: 2,
      attemptsLeft: 4,
    });
    expect(JSON.stringify(res.body)).not.toContain('7400123456');
    expect(outbox).toHaveLength(1);
  });

  it('should answer expired once the code is out of time, and none after cancel or sign-in', async () => {
    const { agent, outbox, clock } = createTestApp();
    await agent.post('/auth/phone/start').send({ phone: GB }).expect(200);
    clock.advance(301);
    expect((await agent.get('/auth/phone/status')).body).toEqual({ status: 'expired', phone: '+44 ••••••3456', channel: 'sms' });
    await agent.post('/auth/phone/cancel').send({}).expect(200);
    expect((await agent.get('/auth/phone/status')).body).toEqual({ status: 'none' });

    await agent.post('/auth/phone/start').send({ phone: GB }).expect(200);
    await agent
      .post('/auth/phone/verify')
      .send({ code: codeFrom(outbox.at(-1)) })
      .expect(200);
    expect((await agent.get('/auth/phone/status')).body).toEqual({ status: 'none' });
  });

  it("should not tell one browser about another's verification", async () => {
    const first = createTestApp();
    await first.agent.post('/auth/phone/start').send({ phone: GB }).expect(200);
    const stranger = browserAgent(first.app);
    expect((await stranger.get('/auth/phone/status')).body).toEqual({ status: 'none' });
  });
});

describe('POST /resend after expiry', () => {
  it('should start a new verification for the same number, whose code signs in; the old code stays dead', async () => {
    const { agent, outbox, clock } = createTestApp({ options: { resendAfter: 30 } });
    await agent.post('/auth/phone/start').send({ phone: GB }).expect(200);
    const old = codeFrom(outbox[0]);
    clock.advance(301);
    expect((await agent.post('/auth/phone/verify').send({ code: old })).body.error.code).toBe('expired');

    const res = await agent.post('/auth/phone/resend').send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'pending', phone: GB, channel: 'sms', expiresIn: 300, resendAfter: 30, attemptsLeft: 5 });
    expect(outbox).toHaveLength(2);
    const fresh = codeFrom(outbox[1]);
    if (fresh !== old) expect((await agent.post('/auth/phone/verify').send({ code: old })).status).toBe(401);
    expect((await agent.post('/auth/phone/verify').send({ code: fresh })).status).toBe(200);
    expect((await agent.get('/account')).body).toEqual({ signedIn: true, phone: GB });
  });

  it("should keep the channel it asks for, and the number's send limit (no free sends by letting codes expire)", async () => {
    const { agent, outbox, clock } = createTestApp({ options: { limits: { perPhone: [{ points: 2, duration: 3600 }] } } });
    await agent.post('/auth/phone/start').send({ phone: GB }).expect(200);
    clock.advance(301);
    const voice = await agent.post('/auth/phone/resend').send({ channel: 'voice' });
    expect(voice.body).toMatchObject({ status: 'pending', channel: 'voice' });
    expect(outbox.at(-1)!.channel).toBe('voice');
    clock.advance(301);
    const refused = await agent.post('/auth/phone/resend').send({});
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(outbox).toHaveLength(2);
  });

  it('should still answer 409 no_pending_verification when nothing was started, or after cancel', async () => {
    const { agent, clock } = createTestApp();
    expect((await agent.post('/auth/phone/resend').send({})).status).toBe(409);
    await agent.post('/auth/phone/start').send({ phone: GB }).expect(200);
    await agent.post('/auth/phone/cancel').send({}).expect(200);
    clock.advance(301);
    const res = await agent.post('/auth/phone/resend').send({});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_pending_verification');
  });
});

describe('maskForDisplay', () => {
  it('should keep the calling code and the last four digits', () => {
    expect(maskForDisplay('+447400123456')).toBe('+44 ••••••3456');
    expect(maskForDisplay('+4915123456789')).toBe('+49 •••••••6789');
    expect(maskForDisplay('+12025550123')).toBe('+1 ••••••0123');
  });
});
