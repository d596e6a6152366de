// widget/src/code/web-otp.ts
// WebOTP (https://developer.chrome.com/docs/identity/web-apis/web-otp): Android Chrome
// offers the code from an SMS whose last line is `@host #code`. One request while the
// code step waits for a code, aborted as soon as it stops waiting.

import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class WebOtpController implements ReactiveController {
  private readonly waiting: () => boolean;
  private readonly received: (code: string) => void;
  private request: AbortController | undefined;

  /** `waiting`: whether the element waits for a code now; `received`: called with the SMS's code. */
  constructor(host: ReactiveControllerHost, waiting: () => boolean, received: (code: string) => void) {
    this.waiting = waiting;
    this.received = received;
    host.addController(this);
  }

  hostConnected(): void {
    this.hostUpdated();
  }

  hostUpdated(): void {
    if (!this.waiting()) this.stop();
    else if (!this.request) this.start();
  }

  hostDisconnected(): void {
    this.stop();
  }

  private start(): void {
    if (!('OTPCredential' in window) || !navigator.credentials?.get) return;
    const request = (this.request = new AbortController());
    const options = { otp: { transport: ['sms'] }, signal: request.signal } as CredentialRequestOptions;
    navigator.credentials.get(options).then(
      (credential) => {
        const code = (credential as (Credential & { code?: string }) | null)?.code;
        if (!request.signal.aborted && code && this.waiting()) this.received(code);
      },
      () => {
        // Aborted, dismissed or unsupported: the user types the code.
      },
    );
  }

  private stop(): void {
    this.request?.abort();
    this.request = undefined;
  }
}
