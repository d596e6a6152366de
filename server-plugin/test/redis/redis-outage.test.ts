// A Redis outage: every store method rejects promptly (the service answers
// provider_unavailable) instead of hanging, and the same client works again once
// Redis is back, with no restart. With an fsync'd AOF, data survives a restart.

import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/redis-store.js';
import type { VerificationStore } from '../../src/store.js';
import { aVerification, FIXTURE_TTL_MS as TTL, ManualClock, ready, useRedis } from '../support/index.js';

/** A float in the provider state must come back exactly, even across an outage. */
const verification = (clock: ManualClock, id: string) => aVerification(clock, { id, state: { codeHmac: 'abc', n: 0.1 + 0.2 } });

/** Every store method, each called once. */
function everyMethod(store: VerificationStore, clock: ManualClock): Array<[string, () => Promise<unknown>]> {
  return [
    ['create', () => store.create(verification(clock, 'new'))],
    ['get', () => store.get('v1')],
    ['reserveSend', () => store.reserveSend('v1', { now: clock.now(), cooldownMs: 0, maxSends: 3 })],
    ['releaseSend', () => store.releaseSend('v1', { sentAt: clock.now(), previousSentAt: clock.now() })],
    ['updateDelivery', () => store.updateDelivery('v1', { channel: 'voice', state: {} })],
    ['addAttempt', () => store.addAttempt('v1')],
    ['consume', () => store.consume('v1')],
    ['delete', () => store.delete('v1')],
  ];
}

/** How long the call took to reject; fails the test if it resolved. */
async function rejectionTime(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  let error: unknown;
  await call().then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => {
      error = e;
    },
  );
  return { ms: performance.now() - started, error };
}

describe('RedisStore when Redis goes away', () => {
  const redis = useRedis();
  afterEach(() => redis.server.ensureUp());

  it('should reject every method promptly while Redis is down, then recover on the same client', async () => {
    const clock = new ManualClock();
    const client: Redis = await redis.client();
    const store = new RedisStore({ client, clock: clock.now });
    await store.create(verification(clock, 'v1'));

    await redis.server.stop();
    for (const [name, call] of everyMethod(store, clock)) {
      const { ms, error } = await rejectionTime(call);
      expect(error, name).toBeInstanceOf(Error);
      expect(ms, name).toBeLessThan(1500);
    }
    // Still down a moment later, after some reconnection attempts: still prompt.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rejectionTime(() => store.get('v1'))).ms).toBeLessThan(1500);

    await redis.server.start();
    await ready(client, 5000);
    // The same client, never recreated; without persistence the old record is gone.
    await expect(store.get('v1')).resolves.toBeUndefined();
    await store.create(verification(clock, 'v2'));
    await expect(store.addAttempt('v2')).resolves.toBe(1);
    await expect(store.consume('v2')).resolves.toMatchObject({ id: 'v2', attempts: 1 });
  });

  it('should reject within the commandTimeout when Redis stops answering on an open connection', async () => {
    const clock = new ManualClock();
    const client = await redis.client({ commandTimeout: 300 });
    const store = new RedisStore({ client, clock: clock.now });
    await store.create(verification(clock, 'frozen'));

    redis.server.pause();
    try {
      const { ms, error } = await rejectionTime(() => store.addAttempt('frozen'));
      expect((error as Error).message).toMatch(/timed out/i);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(1500);
    } finally {
      redis.server.resume();
    }
    // The timed-out command had already been written; Redis runs it when it wakes
    // (the caller was told it failed, which errs on the safe side: one more attempt counted).
    await expect.poll(() => store.get('frozen'), { timeout: 2000 }).toMatchObject({ attempts: 1 });
    await expect(store.addAttempt('frozen')).resolves.toBe(2);
  });

  it('should not run a command later that was refused while Redis was down', async () => {
    const clock = new ManualClock();
    const client = await redis.client();
    const store = new RedisStore({ client, keyPrefix: 'late:', clock: clock.now });
    await redis.server.stop();
    // Redis comes back before the caller even looks at the outcome: a queued command would run now.
    const outcome = store.create(verification(clock, 'queued')).then(
      () => 'ran',
      () => 'refused',
    );
    await redis.server.start();
    await ready(client, 5000);
    expect(await outcome).toBe('refused');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(store.get('queued')).resolves.toBeUndefined();
  });
});

describe('RedisStore on a Redis with an fsync’d append-only file', () => {
  const redis = useRedis({ persistence: true });
  afterEach(() => redis.server.ensureUp());

  it('should still have a verification, its counts and its TTL after Redis restarts', async () => {
    const clock = new ManualClock();
    const client = await redis.client();
    const store = new RedisStore({ client, clock: clock.now });
    const created = verification(clock, 'kept');
    await store.create(created);
    await store.addAttempt('kept');

    await redis.server.stop();
    await redis.server.start();
    await ready(client, 5000);

    await expect(store.get('kept')).resolves.toEqual({ ...created, attempts: 1 });
    const pttl = await client.pttl('pv:v:kept');
    expect(pttl).toBeGreaterThan(TTL - 10_000);
    expect(pttl).toBeLessThanOrEqual(TTL);
    // Scripts still run though the restarted server has an empty script cache.
    await expect(store.addAttempt('kept')).resolves.toBe(2);
    await expect(store.consume('kept')).resolves.toMatchObject({ attempts: 2 });
  });
});
