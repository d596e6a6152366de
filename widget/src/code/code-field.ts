// widget/src/code/code-field.ts
// The code field's behaviour: digits only, a pasted message reduced to its code, a whole
// code submitted at once, and WebOTP. Part of the code step's chunk (only code-step.ts
// imports it), so like the rest of the chunk it imports nothing at run time.

import type { ReactiveControllerHost } from 'lit';
import type { CodeStepOptions } from './code-step.js';

/** Steps in which the element waits for a code (not while one is being checked). */
const WAITING = /^(enter-code|resending|canceling)$/;

/**
 * The code field and WebOTP (https://developer.chrome.com/docs/identity/web-apis/web-otp):
 * Android Chrome offers the code from an SMS whose last line is `@host #code`; one
 * request while the step waits for a code, aborted as soon as it stops waiting.
 */
export class CodeField {
  /** What the field holds: digits only. */
  value = '';
  #host: ReactiveControllerHost;
  #options: CodeStepOptions;
  #otp: AbortController | undefined;

  constructor(host: ReactiveControllerHost, options: CodeStepOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Sets the code (`''` when a new one went out). */
  set(code: string): void {
    this.value = code;
    this.#host.requestUpdate();
  }

  /** Checks a whole code; says how many digits are missing otherwise. */
  submit(): void {
    const { flow, disabled } = this.#options;
    if (flow.state.step !== 'enter-code' || disabled()) return;
    if (this.value.length !== flow.codeLength) flow.apply({ type: 'invalid', error: { code: 'code_incomplete' } });
    else flow.verify(this.value);
  }

  /** After each update: a WebOTP request while the step waits for a code, none otherwise. */
  follow(): void {
    if (!WAITING.test(this.#options.flow.state.step)) this.stop();
    else if (!this.#otp) this.#startOtp();
  }

  /** Aborts the WebOTP request, if any. */
  stop(): void {
    this.#otp?.abort();
    this.#otp = undefined;
  }

  onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    this.submit();
  };

  onInput = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const length = this.#options.flow.codeLength;
    const digits = this.#options.tools.toAsciiDigits(input.value).replace(/\D/g, '').slice(0, length);
    if (digits !== input.value) input.value = digits;
    this.#options.flow.apply({ type: 'edit' });
    this.set(digits);
    if (digits.length === length) this.submit();
  };

  onPaste = (event: ClipboardEvent): void => {
    const input = event.target as HTMLInputElement;
    const length = this.#options.flow.codeLength;
    event.preventDefault();
    const pasted = this.#options.tools.extractCode(event.clipboardData?.getData('text') ?? '', length);
    if (!pasted) return;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    const merged = pasted.length >= length ? pasted : input.value.slice(0, start) + pasted + input.value.slice(end);
    input.value = merged.replace(/\D/g, '').slice(0, length);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };

  #startOtp(): void {
    if (!('OTPCredential' in window) || !navigator.credentials?.get) return;
    const request = (this.#otp = new AbortController());
    const options = { otp: { transport: ['sms'] }, signal: request.signal } as CredentialRequestOptions;
    navigator.credentials.get(options).then(
      (credential) => {
        const code = (credential as (Credential & { code?: string }) | null)?.code;
        if (request.signal.aborted || !code || !WAITING.test(this.#options.flow.state.step)) return;
        this.set(this.#options.tools.extractCode(code, this.#options.flow.codeLength));
        this.submit();
      },
      () => {
        // Aborted, dismissed or unsupported: the user types the code.
      },
    );
  }
}
