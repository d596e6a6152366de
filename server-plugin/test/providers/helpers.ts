// server-plugin/test/providers/helpers.ts
// What the provider tests share: a log spy, reading codes out of sandbox messages,
// and asserting on PhoneVerifyErrors (and test/support's JSON fetch for the sandboxes).

import { expect } from 'vitest';
import { PhoneVerifyError } from '../../src/errors.js';
import type { PendingVerification, StartRequest, VerifyProvider } from '../../src/providers/types.js';
import type { OutboxMessage } from '../../src/testing/index.js';

export const GB = '+447400123456';
export const DE = '+4915123456789';

export { LogSpy } from '../harness.js';
export { call } from '../support/http.js';

/** The code in a sandbox message (the first run of 4 to 10 digits). */
export function codeIn(message: OutboxMessage | undefined): string {
  const match = message?.text.match(/\b(\d{4,10})\b/);
  if (!match) throw new Error(`no code in ${JSON.stringify(message)}`);
  return match[1]!;
}

/** A start request with the service's defaults. */
export function startRequest(overrides: Partial<StartRequest> = {}): StartRequest {
  return { verificationId: 'v1', phone: GB, channel: 'sms', codeLength: 6, ttlSeconds: 300, maxAttempts: 5, ...overrides };
}

/** Await a promise that must reject with a PhoneVerifyError of `code`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<PhoneVerifyError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a ${code} rejection`).toBeInstanceOf(PhoneVerifyError);
  expect((caught as PhoneVerifyError).code).toBe(code);
  return caught as PhoneVerifyError;
}

/**
 * `started(provider, request?)`: starts a verification and returns it as the service
 * would hand it back for a check, created at `now()` (the test's clock).
 */
export function startedWith(now: () => number) {
  return async (provider: VerifyProvider, request: StartRequest = startRequest()): Promise<PendingVerification> => {
    const { state } = await provider.start(request);
    return { id: request.verificationId, phone: request.phone, channel: request.channel, createdAt: now(), state };
  };
}
