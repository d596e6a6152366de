// RedisLimitStore: send limits, the failure lock and the conversion breaker counted in
// Redis, shared by every process, all-or-nothing (a refused send writes no key), and
// failing closed when Redis is down.

import type { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { breakerKeys, ConversionBreaker } from '../../src/breaker.js';
import { PhoneVerifyError } from '../../src/errors.js';
import { Limits, type LimitsOptions } from '../../src/limits.js';
import { RedisLimitStore } from '../../src/redis-store.js';
import { LogSpy } from '../harness.js';
import { ManualClock, ready, useRedis } from '../support/index.js';

const redis = useRedis();
let a: Redis;
let b: Redis;
let n = 0;

beforeAll(async () => {
  a = await redis.client();
  b = await redis.client();
});

// A test that stopped Redis and failed leaves it stopped: bring it back for the next one.
afterEach(async () => {
  await redis.server.ensureUp();
  await Promise.all([ready(a), ready(b)]);
});

/** Two processes' Limits, on two connections, in a key space no other test uses. */
function twoProcesses(options: Omit<LimitsOptions, 'store'> = {}, clock = Date.now) {
  const prefix = `lim${++n}:`;
  const log = new LogSpy();
  return {
    // Where the keys are: the prefix, then the store's one hash tag.
    keyPrefix: `${prefix}{limits}:`,
    log,
    limitsA: new Limits({ ...options, store: new RedisLimitStore({ client: a, keyPrefix: prefix }) }, log, { clock }),
    limitsB: new Limits({ ...options, store: new RedisLimitStore({ client: b, keyPrefix: prefix }) }, log, { clock }),
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'passed';
  } catch (error) {
    if (!(error instanceof PhoneVerifyError)) throw error;
    return error.code;
  }
}

/** Keys under a prefix, counted with SCAN (the test's own key space). */
async function keysUnder(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await a.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

const phone = '+447400123456';

describe('RedisLimitStore', () => {
  it('should enforce one per-phone limit across two processes, and count only the sends it let through', async () => {
    const { limitsA, limitsB, keyPrefix } = twoProcesses({ perPhone: [{ points: 3, duration: 60 }] });
    await limitsA.admitSend({ phone, ip: '192.0.2.1' });
    await limitsB.admitSend({ phone, ip: '192.0.2.2' });
    await limitsA.admitSend({ phone, ip: '192.0.2.3' });
    const refused = await limitsB.admitSend({ phone, ip: '192.0.2.4' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PhoneVerifyError);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect((refused as PhoneVerifyError).retryAfter).toBeGreaterThan(50);
    expect((refused as PhoneVerifyError).retryAfter).toBeLessThanOrEqual(60);
    expect(await codeOf(limitsA.admitSend({ phone, ip: '192.0.2.5' }))).toBe('rate_limited');
    // Another number is untouched.
    await limitsB.admitSend({ phone: '+447400999999', ip: '192.0.2.6' });
    // The counter is one hash in Redis, under the prefix, with its window as TTL; the two refusals did not count.
    const key = `${keyPrefix}send:per_phone:0:${phone}`;
    expect(await a.hget(key, 'c')).toBe('3');
    expect(await a.pttl(key)).toBeGreaterThan(50_000);
    // Nothing for the refused clients' own counters either.
    expect(await a.exists(`${keyPrefix}send:per_ip:0:192.0.2.4`, `${keyPrefix}send:per_ip:0:192.0.2.5`)).toBe(0);
  });

  it('should give a refunded send back on every counter', async () => {
    const { limitsA, keyPrefix } = twoProcesses({ perPhone: [{ points: 1, duration: 60 }] });
    const admission = await limitsA.admitSend({ phone, ip: '192.0.2.1' });
    expect(await codeOf(limitsA.admitSend({ phone, ip: '192.0.2.1' }))).toBe('rate_limited');
    await admission.refund();
    expect(await a.hget(`${keyPrefix}send:per_phone:0:${phone}`, 'c')).toBe('0');
    expect(await a.hget(`${keyPrefix}send:per_ip:0:192.0.2.1`, 'c')).toBe('0');
    await limitsA.admitSend({ phone, ip: '192.0.2.1' });
  });

  it('should add no key for 100 000 refused starts from one client over its limit', async () => {
    const { limitsA, keyPrefix } = twoProcesses({ perIp: [{ points: 2, duration: 3600 }] });
    await limitsA.admitSend({ phone: '+447400100000', ip: '192.0.2.9' });
    await limitsA.admitSend({ phone: '+447400100001', ip: '192.0.2.9' });
    const before = (await keysUnder(keyPrefix)).length;
    let refused = 0;
    // 250 at a time: a thousand in flight on a machine busy with other suites could outlast the
    // store's command deadline, and a refusal then is the outage's (fail closed), not the limit's.
    for (let batch = 0; batch < 400; batch++) {
      const results = await Promise.all(
        Array.from({ length: 250 }, (_, i) => codeOf(limitsA.admitSend({ phone: `+4474${String(batch * 250 + i).padStart(8, '0')}`, ip: '192.0.2.9' }))),
      );
      refused += results.filter((r) => r === 'rate_limited').length;
    }
    expect(refused).toBe(100_000);
    // The bound is 10 keys; all-or-nothing makes it none.
    expect((await keysUnder(keyPrefix)).length - before).toBe(0);
  }, 120_000);

  it('should share the failure lock and its growing waits between processes', async () => {
    const clock = new ManualClock();
    const { limitsA, limitsB } = twoProcesses({ failures: { points: 100, duration: 86_400 } }, clock.now);
    const waits: number[] = [];
    for (let run = 0; run < 5; run++) {
      for (let i = 0; i < 5; i++) await (i % 2 ? limitsA : limitsB).reserveFailure(phone); // kept, as for a wrong code
      const locked = await limitsB.assertNotLocked(phone).catch((e: unknown) => e);
      expect(locked).toMatchObject({ code: 'too_many_attempts' });
      expect(await codeOf(limitsA.reserveFailure(phone))).toBe('too_many_attempts');
      waits.push((locked as PhoneVerifyError).retryAfter!);
      clock.advance((locked as PhoneVerifyError).retryAfter!);
    }
    expect(waits).toEqual([60, 300, 900, 3600, 3600]);
    expect(await limitsA.failureCount(phone)).toBe(25);
    await limitsA.clearFailures(phone);
    await expect(limitsB.assertNotLocked(phone)).resolves.toBeUndefined();
  });

  it('should lock at the ceiling until the run is forgotten, and give a released failure back', async () => {
    const clock = new ManualClock();
    const { limitsA, limitsB } = twoProcesses({ failures: { points: 3, duration: 600, waits: [] } }, clock.now);
    await limitsA.reserveFailure(phone);
    const release = await limitsB.reserveFailure(phone);
    await release();
    expect(await limitsA.failureCount(phone)).toBe(1);
    await limitsA.reserveFailure(phone);
    await expect(limitsA.assertNotLocked(phone)).resolves.toBeUndefined();
    await limitsB.reserveFailure(phone);
    expect(await codeOf(limitsB.assertNotLocked(phone))).toBe('too_many_attempts');
    clock.advance(600);
    await expect(limitsA.assertNotLocked(phone)).resolves.toBeUndefined();
    expect(await limitsA.failureCount(phone)).toBe(0);
  });

  it("should refuse a send to a number locked by wrong codes in the take's own script, counting nothing, until the wait is over", async () => {
    const clock = new ManualClock();
    const { limitsA, limitsB, keyPrefix } = twoProcesses({ failures: { points: 100, duration: 86_400 } }, clock.now);
    for (let i = 0; i < 5; i++) await limitsA.reserveFailure(phone);
    const before = (await keysUnder(keyPrefix)).sort();
    const refused = await limitsB.admitSend({ phone, ip: '192.0.2.1', checkLock: true }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'too_many_attempts', retryAfter: 60 });
    // All-or-nothing with the lock too: no counter was created for the refused send.
    expect((await keysUnder(keyPrefix)).sort()).toEqual(before);
    // Without checkLock the caller has checked the lock itself: the take alone counts.
    await limitsB.admitSend({ phone: '+447400123457', ip: '192.0.2.1' });
    clock.advance(60);
    await limitsB.admitSend({ phone, ip: '192.0.2.1', checkLock: true });
    expect(await a.hget(`${keyPrefix}send:per_phone:0:${phone}`, 'c')).toBe('1');
  });

  it('should keep the default pv: keys, hash-tagged {limits} for one cluster slot, when no prefix is given', async () => {
    const limits = new Limits({ perPhone: [{ points: 9, duration: 60 }], store: new RedisLimitStore({ client: a }) }, new LogSpy());
    const who = '+447400111111';
    await limits.admitSend({ phone: who });
    expect(await a.hget(`pv:{limits}:send:per_phone:0:${who}`, 'c')).toBe('1');
    expect(await a.exists('pv:{limits}:send:global:0:all')).toBe(1);
  });

  it('should keep a prefix that has a hash tag of its own as it is', async () => {
    const limits = new Limits({ perPhone: [{ points: 9, duration: 60 }], store: new RedisLimitStore({ client: a, keyPrefix: 'app{tagged}:' }) }, new LogSpy());
    await limits.admitSend({ phone: '+447400111112' });
    expect(await a.exists('app{tagged}:send:global:0:all')).toBe(1);
  });

  it('should fail closed when Redis is down: provider_unavailable, promptly, and pass again once it is back', async () => {
    const { limitsA, log } = twoProcesses();
    await limitsA.admitSend({ phone, ip: '192.0.2.1' });
    await redis.server.stop();

    for (const call of [() => limitsA.admitSend({ phone, ip: '192.0.2.1' }), () => limitsA.assertNotLocked(phone), () => limitsA.reserveFailure(phone)]) {
      const started = performance.now();
      const error = await call().then(
        () => 'passed',
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PhoneVerifyError);
      expect(error).toMatchObject({ code: 'provider_unavailable', status: 503 });
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(performance.now() - started).toBeLessThan(1500);
    }
    expect(log.lines.filter((l) => l.startsWith('error ') && l.includes('fail closed'))).toHaveLength(3);

    await redis.server.start();
    await ready(a, 5000);
    await limitsA.admitSend({ phone: '+447400222222', ip: '192.0.2.1' });
  });

  it('should fail closed even on a client that would queue commands (refused unless ready)', async () => {
    const queueing = redis.rawClient({ maxRetriesPerRequest: null });
    await ready(queueing);
    const limits = new Limits({ store: new RedisLimitStore({ client: queueing, keyPrefix: `q${++n}:` }) }, new LogSpy());
    await limits.admitSend({ phone });
    await redis.server.stop();
    const started = performance.now();
    expect(await codeOf(limits.admitSend({ phone }))).toBe('provider_unavailable');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("should clear a number's failures and count its sign-in for the breaker in one step, and say so in the log when Redis is down", async () => {
    const prefix = `si${++n}:`;
    const log = new LogSpy();
    const store = new RedisLimitStore({ client: a, keyPrefix: prefix });
    const breaker = new ConversionBreaker({}, log, { store });
    const limits = new Limits({ store }, log, { breaker });
    for (let i = 0; i < 3; i++) (await limits.reserveFailure(phone)).kept();
    await limits.signedIn(phone, breakerKeys(phone, 'GB'));
    expect(await limits.failureCount(phone)).toBe(0);
    expect(await a.hget(`${prefix}{limits}:breaker:verified:country:GB`, 'c')).toBe('1');
    expect(await a.hget(`${prefix}{limits}:breaker:verified:range:${phone.slice(0, -4)}`, 'c')).toBe('1');
    expect(await a.pttl(`${prefix}{limits}:breaker:verified:country:GB`)).toBeGreaterThan(0);
    await redis.server.stop();
    // Best effort: no throw, one warning.
    await expect(limits.signedIn(phone, breakerKeys(phone, 'GB'))).resolves.toBeUndefined();
    expect(log.lines).toEqual([expect.stringMatching(/^warn could not reset the failure count or count the sign-in for the breaker: /)]);
  });

  it('should make the conversion breaker refuse, not pass, when Redis is down', async () => {
    const breaker = new ConversionBreaker({ minSends: 1 }, new LogSpy(), { store: new RedisLimitStore({ client: a, keyPrefix: `br${++n}:` }) });
    await breaker.recordSend(['country:GB']);
    await breaker.recordVerified(['country:GB']);
    await expect(breaker.assertClosed(['country:GB'], Date.now())).resolves.toBeUndefined();
    await redis.server.stop();
    expect(await codeOf(breaker.assertClosed(['country:GB'], Date.now()))).toBe('provider_unavailable');
  });

  it('should refuse to construct without an ioredis client (ERR_PV_REDIS_CLIENT)', () => {
    expect(() => new RedisLimitStore({} as never)).toThrow(expect.objectContaining({ code: 'ERR_PV_REDIS_CLIENT' }));
  });
});
