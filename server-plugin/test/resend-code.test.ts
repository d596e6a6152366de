// server-plugin/test/resend-code.test.ts
// After a resend (issue 13), per provider: whether the code of an earlier message still
// works. Twilio resends the same code (a repeat create within the validity), so the
// answer says `sameCode` and the first message's code signs in; the local provider (like
// Textmagic, MessageBird, Vonage and Telnyx) sends a new one, says nothing, and the
// earlier code is a wrong code.

import { afterEach, describe, expect, it } from 'vitest';
import { twilioProvider } from '../src/providers/twilio.js';
import { TwilioSandbox } from '../src/testing/index.js';
import { codeFrom, createTestApp } from './harness.js';
import { codeIn } from './providers/helpers.js';

const GB = '+447400123456';
const TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'f00dfeedf00dfeedf00dfeedf00dfeed',
  serviceSid: 'VAfedcba9876543210fedcba9876543210',
};

describe('after a resend', () => {
  let sandbox: TwilioSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('twilio: says sameCode, and the first message\u2019s code signs in', async () => {
    sandbox = new TwilioSandbox(TWILIO);
    await sandbox.listen();
    const { agent, clock } = createTestApp({ provider: twilioProvider({ ...TWILIO, baseUrl: sandbox.url }), options: { resendAfter: 30 } });
    const started = await agent.post('/auth/phone/start').send({ phone: GB });
    expect(started.status).toBe(200);
    expect(started.body.sameCode).toBeUndefined();
    clock.advance(31);
    const resent = await agent.post('/auth/phone/resend').send({ channel: 'voice' });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body).toMatchObject({ status: 'pending', channel: 'voice', sameCode: true });
    expect(sandbox.outbox).toHaveLength(2);
    const [first, second] = sandbox.outbox.map((m) => codeIn(m));
    expect(second).toBe(first);
    const verified = await agent.post('/auth/phone/verify').send({ code: first });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.status).toBe('approved');
  });

  it('local: says nothing, and the first message\u2019s code is refused as wrong', async () => {
    const { agent, clock, outbox } = createTestApp({ options: { resendAfter: 30 } });
    expect((await agent.post('/auth/phone/start').send({ phone: GB })).status).toBe(200);
    const first = codeFrom(outbox.at(-1));
    clock.advance(31);
    const resent = await agent.post('/auth/phone/resend').send({});
    expect(resent.status).toBe(200);
    expect(resent.body.sameCode).toBeUndefined();
    const second = codeFrom(outbox.at(-1));
    if (second !== first) {
      const refused = await agent.post('/auth/phone/verify').send({ code: first });
      expect(refused.body.error.code).toBe('invalid_code');
    }
    expect((await agent.post('/auth/phone/verify').send({ code: second })).status).toBe(200);
  });
});
