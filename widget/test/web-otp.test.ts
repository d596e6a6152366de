// widget/test/web-otp.test.ts
// The WebOTP path, with navigator.credentials.get and window.OTPCredential stubbed
// (headless Chromium has no SMS to read); the server is the real one. Only where the browser
// has navigator.credentials (WebKitGTK has none): the element must also work without it.

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { codeFor, GB_MOBILE, loaded, part, resetServer, sendTo, skipHere, stepIs, typeInto } from './helpers.js';

interface OtpCall {
  options: CredentialRequestOptions & { otp?: { transport: string[] } };
  resolve: (credential: { code: string; type: string } | null) => void;
}

describe('<phone-verify> WebOTP', () => {
  let calls: OtpCall[];

  beforeEach(async function () {
    await resetServer();
    calls = [];
    if (!navigator.credentials) await skipHere(this, 'this browser has no navigator.credentials to stub (see "without navigator.credentials")');
    (window as unknown as { OTPCredential: unknown }).OTPCredential = class {};
    Object.defineProperty(navigator.credentials, 'get', {
      configurable: true,
      value: (options: OtpCall['options']) =>
        new Promise((resolve, reject) => {
          calls.push({ options, resolve });
          options.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    });
  });

  afterEach(() => {
    delete (window as unknown as { OTPCredential?: unknown }).OTPCredential;
    // Removes the own property; the prototype's real method shows through again.
    if (navigator.credentials) delete (navigator.credentials as unknown as { get?: unknown }).get;
  });

  it('should not ask for an SMS before a code was sent', async () => {
    await loaded();
    expect(calls).to.have.length(0);
  });

  it('should ask for the SMS code on the code step and submit what it gets', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    expect(calls).to.have.length(1);
    expect(calls[0]!.options.otp).to.deep.equal({ transport: ['sms'] });
    expect(calls[0]!.options.signal).to.be.instanceOf(AbortSignal);
    calls[0]!.resolve({ type: 'otp', code: await codeFor(GB_MOBILE) });
    await stepIs(el, 'done');
  });

  it('should abort the request when the step changes', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    const { signal } = calls[0]!.options;
    expect(signal!.aborted).to.equal(false);
    part(el, 'back').click();
    await stepIs(el, 'enter-phone');
    expect(signal!.aborted).to.equal(true);
  });

  it('should abort the request when the element is removed', async () => {
    const el = await loaded(html`<phone-verify></phone-verify>`);
    await sendTo(el, GB_MOBILE);
    const { signal } = calls[0]!.options;
    el.remove();
    expect(signal!.aborted).to.equal(true);
  });

  it('should ask again after a wrong code from the keyboard', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    const input = part<HTMLInputElement>(el, 'code-input');
    input.value = '000000' === (await codeFor(GB_MOBILE)) ? '111111' : '000000';
    input.dispatchEvent(new Event('input'));
    await waitUntil(() => calls.length === 2, 'WebOTP was not asked again');
    expect(calls[0]!.options.signal!.aborted).to.equal(true);
    expect(calls[1]!.options.signal!.aborted).to.equal(false);
  });

  it('should not call WebOTP where the browser lacks it', async () => {
    delete (window as unknown as { OTPCredential?: unknown }).OTPCredential;
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    expect(calls).to.have.length(0);
  });
});

describe('<phone-verify> without navigator.credentials', () => {
  let hidden = false;

  beforeEach(async () => {
    await resetServer();
    // OTPCredential without navigator.credentials: the element must look for both. Where the
    // browser has credentials, an own property hides them for the test.
    (window as unknown as { OTPCredential: unknown }).OTPCredential = class {};
    hidden = !!navigator.credentials;
    if (hidden) Object.defineProperty(navigator, 'credentials', { configurable: true, value: undefined });
  });

  afterEach(() => {
    delete (window as unknown as { OTPCredential?: unknown }).OTPCredential;
    if (hidden) delete (navigator as unknown as { credentials?: unknown }).credentials;
  });

  it('should sign in with the code typed, without errors', async () => {
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent | PromiseRejectionEvent) => errors.push('reason' in event ? event.reason : event.error);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onError);
    try {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      expect(navigator.credentials).to.equal(undefined);
      typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
      await stepIs(el, 'done');
    } finally {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onError);
    }
    expect(errors).to.deep.equal([]);
  });
});
