// redisLimiterFactory: send limits, the failure lock and the conversion breaker counted
// in Redis, shared by every process, and failing closed when Redis is down.

import type { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConversionBreaker } from '../../src/breaker.js';
import { PhoneVerifyError } from '../../src/errors.js';
import { Limits, type LimitsOptions } from '../../src/limits.js';
import { redisLimiterFactory } from '../../src/redis-store.js';
import { LogSpy } from '../harness.js';
import { ready, useRedis } from '../support/index.js';

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
function twoProcesses(options: Omit<LimitsOptions, 'createLimiter'> = {}) {
  const keyPrefix = `lim${++n}:`;
  const log = new LogSpy();
  return {
    keyPrefix,
    log,
    limitsA: new Limits({ ...options, createLimiter: redisLimiterFactory(a, { keyPrefix }) }, log),
    limitsB: new Limits({ ...options, createLimiter: redisLimiterFactory(b, { keyPrefix }) }, log),
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

const phone = '+447400123456';

describe('redisLimiterFactory', () => {
  it('should enforce one per-phone limit across two processes', async () => {
    const { limitsA, limitsB, keyPrefix } = twoProcesses({ perPhone: [{ points: 3, duration: 60 }] });
    await limitsA.consumeSend({ phone, ip: '192.0.2.1' });
    await limitsB.consumeSend({ phone, ip: '192.0.2.2' });
    await limitsA.consumeSend({ phone, ip: '192.0.2.3' });
    const refused = await limitsB.consumeSend({ phone, ip: '192.0.2.4' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PhoneVerifyError);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect((refused as PhoneVerifyError).retryAfter).toBeGreaterThan(50);
    expect((refused as PhoneVerifyError).retryAfter).toBeLessThanOrEqual(60);
    expect(await codeOf(limitsA.consumeSend({ phone, ip: '192.0.2.5' }))).toBe('rate_limited');
    // Another number is untouched.
    await limitsB.consumeSend({ phone: '+447400999999', ip: '192.0.2.6' });
    // The counter is one key in Redis, under the prefix, with its window as TTL.
    const key = `${keyPrefix}send:perPhone:0:${phone}`;
    expect(await a.get(key)).toBe('5');
    expect(await a.pttl(key)).toBeGreaterThan(50_000);
  });

  it('should share the failure lock: wrong codes counted by one process lock the number in another', async () => {
    const { limitsA, limitsB } = twoProcesses({ failures: { points: 3, duration: 600 } });
    await limitsA.reserveFailure(phone); // kept, as for a wrong code
    await limitsB.reserveFailure(phone);
    await expect(limitsA.assertNotLocked(phone)).resolves.toBeUndefined();
    await limitsA.reserveFailure(phone); // kept, as for a wrong code
    expect(await codeOf(limitsB.assertNotLocked(phone))).toBe('too_many_attempts');
    await limitsA.clearFailures(phone);
    await expect(limitsB.assertNotLocked(phone)).resolves.toBeUndefined();
  });

  it('should keep the default pv: keys when no prefix is given', async () => {
    const limits = new Limits({ perPhone: [{ points: 9, duration: 60 }], createLimiter: redisLimiterFactory(a) }, new LogSpy());
    const who = '+447400111111';
    await limits.consumeSend({ phone: who });
    expect(await a.get(`pv:send:perPhone:0:${who}`)).toBe('1');
    expect(await a.get(`pv:send:global:0:all`)).not.toBeNull();
  });

  it('should fail closed when Redis is down: provider_unavailable, promptly, and pass again once it is back', async () => {
    const { limitsA, log } = twoProcesses();
    await limitsA.consumeSend({ phone, ip: '192.0.2.1' });
    await redis.server.stop();

    for (const call of [
      () => limitsA.consumeSend({ phone, ip: '192.0.2.1' }),
      () => limitsA.assertNotLocked(phone),
      () => limitsA.reserveFailure(phone),
    ]) {
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
    await limitsA.consumeSend({ phone: '+447400222222', ip: '192.0.2.1' });
  });

  it('should fail closed even on a client that would queue commands (rejectIfRedisNotReady)', async () => {
    const queueing = redis.rawClient({ maxRetriesPerRequest: null });
    await ready(queueing);
    const limits = new Limits({ createLimiter: redisLimiterFactory(queueing, { keyPrefix: `q${++n}:` }) }, new LogSpy());
    await limits.consumeSend({ phone });
    await redis.server.stop();
    const started = performance.now();
    expect(await codeOf(limits.consumeSend({ phone }))).toBe('provider_unavailable');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('should make the conversion breaker refuse, not pass, when Redis is down', async () => {
    const breaker = new ConversionBreaker({ minSends: 1 }, new LogSpy(), redisLimiterFactory(a, { keyPrefix: `br${++n}:` }));
    await breaker.recordSend(['country:GB']);
    await breaker.recordVerified(['country:GB']);
    await expect(breaker.assertClosed(['country:GB'], Date.now())).resolves.toBeUndefined();
    await redis.server.stop();
    expect(await codeOf(breaker.assertClosed(['country:GB'], Date.now()))).toBe('provider_unavailable');
  });
});
