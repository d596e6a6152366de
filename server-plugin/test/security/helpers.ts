// Shared tools of the attack suite: a provider that counts (and can break) its calls,
// the protocol's error answer, limits wide enough for an attack to reach the one under test.

import type supertest from 'supertest';
import { expect } from 'vitest';
import {
  HTTP_STATUS,
  localProvider,
  MemoryLimitStore,
  type LimitStore,
  type PendingVerification,
  type StartRequest,
  type VerifyProvider,
} from '../../src/index.js';
import type { LimitsOptions } from '../../src/limits.js';
import type { SentMessage } from '../harness.js';

/** The closed set of protocol error codes, read from the status table the router uses. */
export const ERROR_CODES: ReadonlySet<string> = new Set(Object.keys(HTTP_STATUS));

/** GB mobiles in one range (`+44740012345x`, `+44740012340x`): `gb(6)` is `+447400123456`. */
export const gb = (n: number): string => `+4474001234${String(n).padStart(2, '0')}`;

export interface Calls {
  start: number;
  check: number;
  cancel: number;
}

export interface CountingProvider {
  provider: VerifyProvider;
  calls: Calls;
  outbox: SentMessage[];
  /**
   * Switch failures on, as a gateway that is down would fail: `start` and `check` throw
   * before the local provider runs; `send` makes its sender throw, after the code is made.
   */
  fail: {
    start?: (request: StartRequest) => Error;
    check?: (pending: PendingVerification, code: string) => Error;
    send?: (phone: string, text: string) => Error;
  };
  /** Every message the sender was given, failed ones included. */
  attempted: SentMessage[];
}

/** `localProvider` with an outbox, wrapped so every call is counted and can be made to fail. */
export function countingProvider(): CountingProvider {
  const outbox: SentMessage[] = [];
  const attempted: SentMessage[] = [];
  const fail: CountingProvider['fail'] = {};
  const inner = localProvider({
    sender: (phone, text, channel) => {
      attempted.push({ phone, text, channel });
      if (fail.send) throw fail.send(phone, text);
      outbox.push({ phone, text, channel });
    },
  });
  const calls: Calls = { start: 0, check: 0, cancel: 0 };
  const provider: VerifyProvider = {
    name: inner.name,
    channels: inner.channels,
    codeLengths: inner.codeLengths,
    async start(request) {
      calls.start += 1;
      if (fail.start) throw fail.start(request);
      return inner.start(request);
    },
    async check(pending, code) {
      calls.check += 1;
      // A real provider answers over the network: let parallel requests overlap here.
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (fail.check) throw fail.check(pending, code);
      return inner.check(pending, code);
    },
    async cancel() {
      calls.cancel += 1;
    },
  };
  return { provider, calls, outbox, fail, attempted };
}

/** Limits so wide that only the rule a test configures can refuse (the rest of the suite runs from one IP). */
export function wideLimits(overrides: LimitsOptions = {}): LimitsOptions {
  const wide = [{ points: 10_000, duration: 3600 }];
  return { perPhone: wide, perIp: wide, perPrefix: wide, global: wide, ...overrides };
}

/** The protocol's error answer with this status and code; returns the error object for more checks. */
export function expectError(res: supertest.Response, status: number, code: string): Record<string, unknown> {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error: { code } } });
  expect(typeof res.body.error.message).toBe('string');
  expect(res.text).not.toMatch(/\n\s+at /);
  return res.body.error as Record<string, unknown>;
}

/** Run `fn` n times one after another, collecting results. */
export async function sequentially<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

/**
 * A memory LimitStore that works until `down.now` is set, then rejects every call about a
 * key starting with `only` (`send:`, `failures:`, `breaker:`; '' for all) as an unreachable
 * Redis would; `error` makes the rejection (some clients name the key in it).
 */
export function flakyLimitStore(only = '', error: (key: string) => Error = () => new Error('connect ECONNREFUSED 10.0.0.5:6379')) {
  const down = { now: false };
  const inner = new MemoryLimitStore();
  // A key, a list of keys or counters, or a lock check ({ key, policy }, takeUnlessLocked's first argument).
  const keysOf = (arg: unknown): string[] =>
    typeof arg === 'string'
      ? [arg]
      : Array.isArray(arg)
        ? arg.map((k: unknown) => (typeof k === 'string' ? k : (k as { key: string }).key))
        : typeof (arg as { key?: unknown } | null)?.key === 'string'
          ? [(arg as { key: string }).key]
          : [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const hit = [...keysOf(args[0]), ...keysOf(args[1])].find((key) => key.startsWith(only));
        if (down.now && hit !== undefined) return Promise.reject(error(hit));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as LimitStore;
  return { down, store };
}
