// What a code is (issue 12): the right code typed with another script's digits signs in,
// since keyboards and autofill send Arabic-Indic, Persian, Devanagari or full-width digits
// and not every client converts them; anything that is not a code is 400 invalid_request
// and costs no attempt, no failure and no provider call.

import { describe, expect, it } from 'vitest';
import { codeFrom, createTestApp } from '../harness.js';
import { wrongCode } from '../support/index.js';
import { countingProvider, expectError } from './helpers.js';

/** `code` written with the digits of the script whose zero is `zero`. */
const inScript = (code: string, zero: number) => [...code].map((d) => String.fromCodePoint(zero + Number(d))).join('');

function codesApp() {
  const counting = countingProvider();
  const test = createTestApp({ provider: counting.provider, options: { breaker: { enabled: false } } });
  const begin = async () => {
    expect((await test.agent.post('/auth/phone/start').send({ phone: '+447400123456' })).status).toBe(200);
    return codeFrom(counting.outbox.at(-1));
  };
  const verify = (code: string) => test.agent.post('/auth/phone/verify').send({ code });
  return { ...test, ...counting, begin, verify };
}

describe('codes', () => {
  it.each([
    ['Arabic-Indic', 0x0660],
    ['Extended Arabic-Indic (Persian)', 0x06f0],
    ['Devanagari', 0x0966],
    ['full-width', 0xff10],
    ['Bengali', 0x09e6],
    ['mathematical bold', 0x1d7ce],
    ['mathematical monospace (the fifth run in a row of ten)', 0x1d7f6],
  ])('should sign in with the right code typed in %s digits', async (_, zero) => {
    const app = codesApp();
    const code = await app.begin();
    const res = await app.verify(inScript(code, zero));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(app.calls.check).toBe(1);
  });

  it('should read mixed scripts, spaces and dashes as people paste them', async () => {
    const app = codesApp();
    const code = await app.begin();
    const res = await app.verify(`${inScript(code.slice(0, 3), 0x0660)} \u2013 ${code.slice(3)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('should count a wrong code in another script as a wrong code', async () => {
    const app = codesApp();
    const code = await app.begin();
    expectError(await app.verify(inScript(wrongCode(code), 0xff10)), 401, 'invalid_code');
    expect(await app.strategy.service.settings.limits.failureCount('+447400123456')).toBe(1);
  });

  it.each(['12345', '1234567', 'abcdef', '12345x', '12.345', '１２３４５', 'Ⅰ23456', '½23456', '¹23456', '١٢٣٤٥٦٧', '123456\u0000', '💯1234'])(
    'should answer %j with 400 invalid_request, costing no attempt, no failure and no provider call',
    async (notACode) => {
      const app = codesApp();
      const code = await app.begin();
      for (let i = 0; i < 7; i++) expectError(await app.verify(notACode), 400, 'invalid_request');
      expect(app.calls.check).toBe(0);
      expect(await app.strategy.service.settings.limits.failureCount('+447400123456')).toBe(0);
      expect((await app.verify(wrongCode(code))).body.error).toMatchObject({ code: 'invalid_code', attemptsLeft: 4 });
      expect((await app.verify(code)).status).toBe(200);
    },
  );
});
