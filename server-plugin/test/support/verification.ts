// server-plugin/test/support/verification.ts
// The one fixture builder for a stored Verification: a pending SMS verification made
// now, for tests of the stores and of anything that reads one back.

import type { Verification } from '../../src/store.js';
import type { ManualClock } from '../../src/testing/clock.js';

/** A code's validity in the fixtures: 5 minutes, the service's default ttl. */
export const FIXTURE_TTL_MS = 300_000;

/** A pending verification created at the clock's now, with one send and no attempts. */
export function aVerification(clock: ManualClock, overrides: Partial<Verification> = {}): Verification {
  const now = clock.now();
  return {
    id: 'v1',
    phone: '+447400123456',
    channel: 'sms',
    provider: 'local',
    state: { codeHmac: 'abc' },
    createdAt: now,
    expiresAt: now + FIXTURE_TTL_MS,
    lastSentAt: now,
    sends: 1,
    attempts: 0,
    ...overrides,
  };
}
