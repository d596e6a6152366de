// widget/test/unit/flow-controller.test.ts
// The flow controller with a fake host and a stubbed fetch: one request per step,
// late answers dropped after a reset, the events it tells the page, the challenge
// sent again with its token. No element, no server.

import { expect } from '@open-wc/testing';
import type { ConfigResponse, StartResponse } from '@phone-verify/server-plugin/protocol';
import { FlowController } from '../../src/flow/flow-controller.js';
import { FakeHost } from './fake-host.js';

const CONFIG: ConfigResponse = {
  countries: [{ country: 'GB', callingCode: '44' }],
  channels: ['sms', 'voice'],
  codeLength: 6,
  resendAfter: 30,
} as ConfigResponse;

const STARTED: StartResponse = { status: 'pending', phone: '+447400123456', channel: 'sms', codeLength: 6, expiresIn: 300, resendAfter: 30 } as StartResponse;

class Host extends FakeHost {
  readonly endpoint = '/auth/phone';
  readonly locale = 'en-GB';
  readonly renderRoot = document.createElement('div');
  readonly events: CustomEvent[] = [];
  readonly #target = new EventTarget();
  addEventListener = this.#target.addEventListener.bind(this.#target);
  removeEventListener = this.#target.removeEventListener.bind(this.#target);
  dispatchEvent(event: Event): boolean {
    this.events.push(event as CustomEvent);
    return this.#target.dispatchEvent(event);
  }
}

type Answer = { status: number; body: unknown } | 'hang';

/** Stubs fetch with one queue of answers per path; records each request's path, body and signal. */
function stubFetch(answers: Record<string, Answer[]>) {
  const original = window.fetch;
  const calls: { path: string; body: unknown; signal: AbortSignal | undefined }[] = [];
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input), location.href).pathname;
    const signal = init?.signal ?? undefined;
    calls.push({ path, body: init?.body ? JSON.parse(String(init.body)) : undefined, signal });
    const answer = answers[path]?.shift();
    if (!answer) return Promise.reject(new TypeError(`unexpected ${path}`));
    if (answer === 'hang') return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    return Promise.resolve(Response.json(answer.body, { status: answer.status }));
  };
  return { calls, restore: () => void (window.fetch = original) };
}

/**
 * Lets the stubbed answers arrive: reading a Response body takes a few tasks, more in Firefox
 * than in Chromium. The stub answers at once or never ('hang'), so waiting longer changes nothing else.
 */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

async function loadedFlow(answers: Record<string, Answer[]>) {
  const stub = stubFetch({ '/auth/phone/config': [{ status: 200, body: CONFIG }], ...answers });
  const host = new Host();
  const configured: ConfigResponse[] = [];
  let cleared = 0;
  const flow = new FlowController(host, {
    ready: () => Promise.resolve(),
    configured: (config) => void configured.push(config),
    sent: () => void cleared++,
    navigate: () => undefined,
  });
  await flow.load();
  return { stub, host, flow, configured, cleared: () => cleared };
}

describe('flow controller', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('should load the configuration and tell the element', async () => {
    const { stub, flow, configured } = await loadedFlow({});
    restore = stub.restore;
    expect(flow.state).to.deep.equal({ step: 'enter-phone' });
    expect(configured).to.deep.equal([CONFIG]);
    expect(stub.calls.map((c) => c.path)).to.deep.equal(['/auth/phone/config']);
    expect(stub.calls[0]!.signal).to.be.instanceOf(AbortSignal);
  });

  it('should send with the locale, one signal per request, and show the code step', async () => {
    const { stub, flow, host, cleared } = await loadedFlow({ '/auth/phone/start': [{ status: 200, body: STARTED }] });
    restore = stub.restore;
    flow.start(
      { phone: '07400 123456', country: 'GB' },
      (e164) => `shown ${e164}`,
      () => Promise.resolve(),
    );
    expect(flow.state.step).to.equal('sending');
    expect(flow.busy).to.equal(true);
    await settle();
    await settle();
    expect(flow.state).to.deep.include({ step: 'enter-code', notice: 'sent', focus: 'code' });
    expect('sent' in flow.state && flow.state.sent).to.deep.equal({
      phone: 'shown +447400123456',
      e164: '+447400123456',
      channel: 'sms',
      expiresIn: 300,
      resendAfter: 30,
    });
    expect(stub.calls[1]!.body).to.deep.equal({ phone: '07400 123456', country: 'GB', locale: 'en-GB' });
    expect(stub.calls[1]!.signal).to.not.equal(stub.calls[0]!.signal);
    expect(flow.countdown.running).to.equal(true);
    expect(cleared()).to.equal(1);
    const sent = host.events.find((e) => e.type === 'phone-verify-sent')!;
    expect(sent.detail).to.deep.equal({ channel: 'sms', resendAfter: 30 });
    flow.countdown.stop();
  });

  it('should refuse a second send while one is pending (one request only)', async () => {
    const { stub, flow } = await loadedFlow({ '/auth/phone/start': ['hang'] });
    restore = stub.restore;
    flow.start({ phone: '07400 123456' }, String, () => Promise.resolve());
    flow.start({ phone: '07400 123456' }, String, () => Promise.resolve());
    await settle();
    expect(stub.calls.filter((c) => c.path.endsWith('/start'))).to.have.length(1);
    flow.reset();
  });

  it('should abort what is pending on reset and drop its late answer', async () => {
    const { stub, flow, host } = await loadedFlow({ '/auth/phone/start': ['hang'] });
    restore = stub.restore;
    flow.start({ phone: '07400 123456' }, String, () => Promise.resolve());
    await settle();
    const start = stub.calls.find((c) => c.path.endsWith('/start'))!;
    flow.reset();
    expect(start.signal!.aborted).to.equal(true);
    await settle();
    expect(flow.state).to.deep.equal({ step: 'enter-phone', focus: 'phone' });
    expect(
      host.events.map((e) => e.type),
      'an aborted request is no error',
    ).to.deep.equal([]);
  });

  it('should show a failure with its details and tell the page its code only', async () => {
    const { stub, flow, host } = await loadedFlow({
      '/auth/phone/start': [{ status: 429, body: { error: { code: 'rate_limited', message: 'Too many.', retryAfter: 60 } } }],
    });
    restore = stub.restore;
    flow.start({ phone: '+447400123456' }, String, () => Promise.resolve());
    await settle();
    await settle();
    expect(flow.state).to.deep.equal({ step: 'enter-phone', error: { code: 'rate_limited', retryAfter: 60 }, focus: 'phone' });
    expect(host.events.map((e) => [e.type, e.detail])).to.deep.equal([['phone-verify-error', { code: 'rate_limited' }]]);
  });

  it('should send a challenged start again with the token, and only when a challenge is pending', async () => {
    const { stub, flow, host } = await loadedFlow({
      '/auth/phone/start': [
        { status: 429, body: { error: { code: 'challenge_required', message: 'Complete the challenge to continue.' } } },
        { status: 200, body: STARTED },
      ],
    });
    restore = stub.restore;
    flow.submitChallenge('too-early');
    expect(stub.calls).to.have.length(1);
    flow.start({ phone: '+447400123456' }, String, () => Promise.resolve());
    await settle();
    await settle();
    expect(flow.state).to.deep.include({ step: 'enter-phone', challenge: true });
    expect(host.events.map((e) => [e.type, e.detail])).to.deep.equal([
      ['phone-verify-error', { code: 'challenge_required' }],
      ['phone-verify-challenge', { step: 'start' }],
    ]);
    flow.submitChallenge('token');
    await settle();
    await settle();
    expect(stub.calls.map((c) => c.body)).to.deep.equal([
      undefined,
      { phone: '+447400123456', locale: 'en-GB' },
      { phone: '+447400123456', locale: 'en-GB', challengeToken: 'token' },
    ]);
    expect(flow.state.step).to.equal('enter-code');
    flow.submitChallenge('again');
    expect(stub.calls, 'no challenge pending any more').to.have.length(3);
    flow.countdown.stop();
  });

  it('should cancel and go back to the phone step even when cancel fails', async () => {
    const { stub, flow } = await loadedFlow({ '/auth/phone/start': [{ status: 200, body: STARTED }] });
    restore = stub.restore;
    flow.start({ phone: '+447400123456' }, String, () => Promise.resolve());
    await settle();
    await settle();
    flow.cancel();
    expect(flow.state.step).to.equal('canceling');
    await settle();
    await settle();
    expect(flow.state).to.deep.equal({ step: 'enter-phone', focus: 'phone' });
    expect(flow.countdown.running).to.equal(false);
  });
});
