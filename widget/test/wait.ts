// widget/test/wait.ts
// open-wc's waitUntil with a longer default deadline. Its own default (1 s) is shorter than
// what a first configuration, a lazy chunk or a server round trip can take on two cores
// busy with the other test suites (npm test runs vitest beside two browser launches): a
// slow machine must make a test slower, not red. A test waiting on a clock of its own
// (a countdown, a debounce) still passes its own `timeout`.

import { waitUntil as openWcWaitUntil } from '@open-wc/testing';

const DEFAULT_TIMEOUT_MS = 5000;

export function waitUntil(predicate: () => unknown, message?: string, options: { interval?: number; timeout?: number } = {}): Promise<void> {
  return openWcWaitUntil(predicate, message, { timeout: DEFAULT_TIMEOUT_MS, ...options });
}
