// Log hygiene (OWASP MFA cheat sheet, "OTP handling"; SECURITY.md R12): a whole flow,
// failures included, and not one log line holds a code or a full phone number.

import { describe, expect, it } from 'vitest';
import type { Channel } from '../src/protocol.js';
import { codeFrom, createTestApp, type SentMessage } from './harness.js';
import { wrongCode } from './support/index.js';

const NUMBERS = ['+447400123456', '+4915123456789'];

/** Every form of a number that would identify it: E.164 with and without `+`. */
const forms = (e164: string) => [e164, e164.slice(1)];

describe('log hygiene', () => {
  it('should keep every code and every full number out of the log', async () => {
    const outbox: SentMessage[] = [];
    let gatewayDown = false;
    let verifyFails = false;
    const { agent, clock, log } = createTestApp({
      // This walk sends to one number more often than the default per-number limit allows.
      options: { limits: { perPhone: [{ points: 50, duration: 600 }] } },
      // A gateway whose errors echo what it was given, as real ones do.
      sender: (phone: string, text: string, channel: Channel) => {
        if (gatewayDown) throw new Error(`gateway refused ${channel} to ${phone}: "${text}"`);
        outbox.push({ phone, text, channel });
      },
      verify: async (phone: string) => {
        if (verifyFails) throw new Error('users table locked');
        return { id: 'u1', phone };
      },
    });

    // A start the gateway refuses.
    gatewayDown = true;
    expect((await agent.post('/auth/phone/start').send({ phone: '+44 7400 123456' })).status).toBe(503);
    gatewayDown = false;

    // A start, wrong codes, a refused resend, a resend, a failed resend.
    expect((await agent.post('/auth/phone/start').send({ phone: '+44 7400 123456' })).status).toBe(200);
    const first = codeFrom(outbox.at(-1));
    expect((await agent.post('/auth/phone/verify').send({ code: wrongCode(first) })).status).toBe(401);
    expect((await agent.post('/auth/phone/verify').send({ code: '12' })).status).toBe(400);
    expect((await agent.post('/auth/phone/resend').send({})).status).toBe(429);
    clock.advance(30);
    expect((await agent.post('/auth/phone/resend').send({ channel: 'voice' })).status).toBe(200);
    const second = outbox.at(-1)!.text.replace(/\D/g, '').slice(0, 6);
    clock.advance(30);
    gatewayDown = true;
    expect((await agent.post('/auth/phone/resend').send({})).status).toBe(503);
    gatewayDown = false;

    // Another number replaces the first; it is canceled; a third start expires.
    expect((await agent.post('/auth/phone/start').send({ phone: '+4915123456789' })).status).toBe(200);
    const third = codeFrom(outbox.at(-1));
    expect((await agent.post('/auth/phone/cancel').send({})).status).toBe(200);
    expect((await agent.post('/auth/phone/start').send({ phone: '+4915123456789' })).status).toBe(200);
    const fourth = codeFrom(outbox.at(-1));
    clock.advance(301);
    expect((await agent.post('/auth/phone/verify').send({ code: fourth })).status).toBe(410);

    // The application's verify fails, then a sign-in succeeds.
    expect((await agent.post('/auth/phone/start').send({ phone: '+447400123456' })).status).toBe(200);
    verifyFails = true;
    expect((await agent.post('/auth/phone/verify').send({ code: codeFrom(outbox.at(-1)) })).status).toBe(500);
    verifyFails = false;
    clock.advance(1);
    expect((await agent.post('/auth/phone/start').send({ phone: '+447400123456' })).status).toBe(200);
    const last = codeFrom(outbox.at(-1));
    expect((await agent.post('/auth/phone/verify').send({ code: last })).status).toBe(200);

    // The flow did log (the failures), so the assertions below look at something.
    expect(log.lines).toHaveLength(3);
    const codes = [first, second, third, fourth, last, ...outbox.map((m) => m.text.replace(/\D/g, '').slice(0, 6))];
    for (const line of log.lines) {
      for (const code of codes) expect(line).not.toContain(code);
      for (const number of NUMBERS.flatMap(forms)) expect(line).not.toContain(number);
    }
  });
});
