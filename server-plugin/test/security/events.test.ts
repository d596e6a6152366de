// Operators see attacks (issue 12): every send, refusal (by reason), challenge, lock,
// breaker change and provider failure reaches `onEvent` as a typed event, with neither a
// code nor a full number in it; a handler that throws never breaks a request.

import { describe, expect, it } from 'vitest';
import type { PhoneVerifyEvent } from '../../src/index.js';
import type { LimitsOptions } from '../../src/limits.js';
import { codeFrom, createTestApp } from '../harness.js';
import { wrongCode } from '../support/index.js';
import { countingProvider, expectError, gb, wideLimits } from './helpers.js';

function eventsApp(options: { limits?: LimitsOptions; breaker?: object; onEvent?: (event: PhoneVerifyEvent) => void } = {}) {
  const counting = countingProvider();
  const events: PhoneVerifyEvent[] = [];
  const test = createTestApp({
    provider: counting.provider,
    options: {
      limits: options.limits ?? wideLimits(),
      breaker: options.breaker ?? { enabled: false },
      onEvent: options.onEvent ?? ((event) => void events.push(event)),
    },
  });
  const start = (phone: string) => test.agent.post('/auth/phone/start').send({ phone });
  return { ...test, ...counting, events, start };
}

describe('events', () => {
  it('should report a send per start and resend, and a refusal by its reason', async () => {
    const app = eventsApp({ limits: wideLimits({ perPhone: [{ points: 2, duration: 600 }] }) });
    await app.start(gb(1));
    app.clock.advance(30);
    await app.agent.post('/auth/phone/resend').send({});
    expectError(await app.start(gb(1)), 429, 'rate_limited');
    expect(app.events).toEqual([
      { type: 'send', step: 'start', challenged: false, country: 'GB' },
      { type: 'send', step: 'resend', challenged: false, country: 'GB' },
      // This client sent both itself: its own per-number count refuses first.
      { type: 'refused', step: 'start', reason: 'per_phone_client', country: 'GB' },
    ]);
  });

  it('should report the breaker opening for a range, once, and closing when its window ends', async () => {
    const app = eventsApp({ breaker: { minSends: 5, minConversion: 0.5 } });
    for (let i = 0; i < 5; i++) await app.start(gb(i));
    for (let i = 5; i < 8; i++) expectError(await app.start(gb(i)), 429, 'rate_limited');
    const breaker = () => app.events.filter((e) => e.type === 'breaker');
    expect(breaker()).toEqual([{ type: 'breaker', state: 'open', scope: 'range', key: '+44740012', conversion: 0, sends: 5 }]);
    expect(app.events.filter((e) => e.type === 'refused').map((e) => (e as { reason: string }).reason)).toEqual(['breaker', 'breaker', 'breaker']);

    app.clock.advance(3600);
    expect((await app.start(gb(9))).status).toBe(200);
    expect(breaker().at(-1)).toMatchObject({ type: 'breaker', state: 'closed', scope: 'range', key: '+44740012' });
  });

  it('should report a provider failure with the call and the protocol code', async () => {
    const app = eventsApp();
    app.fail.start = () => new Error('gateway down');
    expectError(await app.start(gb(1)), 503, 'provider_unavailable');
    delete app.fail.start;
    await app.start(gb(1));
    app.fail.check = () => new Error('upstream 502');
    await app.agent.post('/auth/phone/verify').send({ code: '123456' });
    expect(app.events.filter((e) => e.type === 'provider_failure')).toEqual([
      { type: 'provider_failure', provider: 'local', call: 'start', code: 'provider_unavailable' },
      { type: 'provider_failure', provider: 'local', call: 'check', code: 'provider_unavailable' },
    ]);
  });

  it('should carry neither a code nor a full number', async () => {
    const app = eventsApp({ breaker: { minSends: 3, minConversion: 0.5 } });
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      await app.start(gb(i));
      if (app.outbox.length > codes.length) codes.push(codeFrom(app.outbox.at(-1)));
    }
    for (let i = 0; i < 5; i++) await app.agent.post('/auth/phone/verify').send({ code: wrongCode(codes.at(-1)!) });
    const text = JSON.stringify(app.events);
    expect(app.events.length).toBeGreaterThan(5);
    for (let i = 0; i < 4; i++) expect(text).not.toContain(gb(i).slice(1));
    for (const code of codes) expect(text).not.toContain(code);
  });

  it('should log a handler that throws and answer the request as usual', async () => {
    const app = eventsApp({
      onEvent: () => {
        throw new Error('metrics backend down for +447400123456');
      },
    });
    expect((await app.start(gb(1))).status).toBe(200);
    expect(app.log.lines).toEqual([expect.stringMatching(/^warn onEvent threw on a send event: metrics backend down for \+\*+3456$/)]);
  });
});
