// RedisStore against a real redis-server: the shared VerificationStore contract, then
// what only Redis adds: keys that expire in Redis, atomicity across two separate
// connections (two processes), and the client it refuses.

import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhoneVerifyConfigError } from '../../src/errors.js';
import { RedisStore } from '../../src/redis-store.js';
import { describeStoreContract } from '../store-contract.js';
import { aVerification, FIXTURE_TTL_MS, ManualClock, useRedis } from '../support/index.js';

const redis = useRedis();
let a: Redis;
let b: Redis;
let n = 0;
/** A key prefix no other test uses, so tests never see each other's keys. */
const prefix = (): string => `pvtest:${++n}:`;

beforeAll(async () => {
  a = await redis.client();
  b = await redis.client();
});

describeStoreContract('RedisStore', (clock) => {
  const keyPrefix = prefix();
  return { store: new RedisStore({ client: a, keyPrefix, clock }), size: async () => (await a.keys(`${keyPrefix}*`)).length };
});

const TTL = FIXTURE_TTL_MS;

/** Two stores on two connections sharing one key space: two processes. */
function twoProcesses() {
  const clock = new ManualClock();
  const keyPrefix = prefix();
  return {
    clock,
    keyPrefix,
    storeA: new RedisStore({ client: a, keyPrefix, clock: clock.now }),
    storeB: new RedisStore({ client: b, keyPrefix, clock: clock.now }),
  };
}

describe('RedisStore in Redis', () => {
  describe('key layout and expiry', () => {
    it('should keep one hash per verification at `${prefix}v:${id}`, state as JSON text', async () => {
      const clock = new ManualClock();
      const store = new RedisStore({ client: a, clock: clock.now });
      await store.create(aVerification(clock, { id: 'layout-1' }));
      try {
        expect(await a.type('pv:v:layout-1')).toBe('hash');
        expect(await a.hgetall('pv:v:layout-1')).toEqual({
          id: 'layout-1',
          phone: '+447400123456',
          channel: 'sms',
          provider: 'local',
          state: '{"codeHmac":"abc"}',
          createdAt: String(clock.now()),
          expiresAt: String(clock.now() + TTL),
          lastSentAt: String(clock.now()),
          sends: '1',
          attempts: '0',
        });
      } finally {
        await store.delete('layout-1');
      }
      expect(await a.exists('pv:v:layout-1')).toBe(0);
    });

    it('should set the key to expire when the verification does, and keep that TTL through every update', async () => {
      const { storeA, clock, keyPrefix } = twoProcesses();
      const key = `${keyPrefix}v:v1`;
      await storeA.create(aVerification(clock));
      const pttl = await a.pttl(key);
      expect(pttl).toBeGreaterThan(TTL - 2000);
      expect(pttl).toBeLessThanOrEqual(TTL);

      clock.advance(30);
      const reservation = await storeA.reserveSend('v1', { now: clock.now(), cooldownMs: 30_000, maxSends: 3 });
      if (!reservation.ok) throw new Error('expected a reservation');
      await storeA.releaseSend('v1', reservation.release);
      await storeA.updateDelivery('v1', { channel: 'voice', state: { x: 1 } });
      await storeA.addAttempt('v1');
      await storeA.addAttempt('v1', -1);
      const after = await a.pttl(key);
      expect(after).toBeGreaterThan(TTL - 2000);
      expect(after).toBeLessThanOrEqual(pttl);
    });

    it('should have Redis itself forget a verification when its time is up', async () => {
      // A frozen clock: the store's own expiry check would call it live forever, so
      // only Redis's TTL can make it disappear.
      const now = Date.now();
      const keyPrefix = prefix();
      const store = new RedisStore({ client: a, keyPrefix, clock: () => now });
      await store.create({ ...aVerification(new ManualClock(), { id: 'short' }), createdAt: now, lastSentAt: now, expiresAt: now + 150 });
      expect(await store.get('short')).toBeDefined();
      await expect.poll(() => a.exists(`${keyPrefix}v:short`), { timeout: 2000, interval: 25 }).toBe(0);
      await expect(store.get('short')).resolves.toBeUndefined();
    });

    it('should use the client keyPrefix as well, if it has one', async () => {
      const clock = new ManualClock();
      const prefixed = await redis.client({ keyPrefix: 'app7:' });
      const store = new RedisStore({ client: prefixed, keyPrefix: 'pv:', clock: clock.now });
      await store.create(aVerification(clock, { id: 'kp' }));
      expect(await a.exists('app7:pv:v:kp')).toBe(1);
      await expect(store.addAttempt('kp')).resolves.toBe(1);
      await expect(store.consume('kp')).resolves.toMatchObject({ id: 'kp', attempts: 1 });
      expect(await a.exists('app7:pv:v:kp')).toBe(0);
    });
  });

  describe('two processes', () => {
    it('should let a process read what another wrote', async () => {
      const { storeA, storeB, clock } = twoProcesses();
      const created = aVerification(clock, { id: 'v1', state: { ref: 'abc', n: 1.5 } });
      await storeA.create(created);
      await expect(storeB.get('v1')).resolves.toEqual(created);
      await storeB.addAttempt('v1');
      await expect(storeA.get('v1')).resolves.toEqual({ ...created, attempts: 1 });
    });

    it('should give 50 parallel attempts over two connections the counts 1..50, each once', async () => {
      const { storeA, storeB, clock } = twoProcesses();
      await storeA.create(aVerification(clock));
      const counts = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? storeA : storeB).addAttempt('v1')));
      expect([...counts].sort((x, y) => x! - y!)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await storeB.get('v1'))!.attempts).toBe(50);
    });

    it('should let exactly one of 20 parallel consumes over two connections have the verification', async () => {
      const { storeA, storeB, clock } = twoProcesses();
      await storeA.create(aVerification(clock));
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? storeA : storeB).consume('v1')));
      expect(results.filter(Boolean)).toEqual([aVerification(clock)]);
      await expect(storeA.get('v1')).resolves.toBeUndefined();
    });

    it('should let exactly the allowed number of 10 parallel resends over two connections pass', async () => {
      const { storeA, storeB, clock } = twoProcesses();
      await storeA.create(aVerification(clock)); // sends: 1, so 2 more are allowed
      const rules = { now: clock.now(), cooldownMs: 0, maxSends: 3 };
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? storeA : storeB).reserveSend('v1', rules)));
      const passed = results.filter((r) => r.ok);
      expect(passed).toHaveLength(2);
      expect(passed.map((r) => r.verification.sends).sort()).toEqual([2, 3]);
      expect(results.filter((r) => !r.ok)).toEqual(Array(8).fill({ ok: false, reason: 'limit', retryAfterMs: TTL }));
      expect((await storeB.get('v1'))!.sends).toBe(3);
    });

    it('should let only one of 20 parallel resends over two connections pass the cooldown', async () => {
      const { storeA, storeB, clock } = twoProcesses();
      await storeA.create(aVerification(clock));
      clock.advance(30);
      const rules = { now: clock.now(), cooldownMs: 30_000, maxSends: 5 };
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? storeA : storeB).reserveSend('v1', rules)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'cooldown')).toHaveLength(19);
    });
  });

  describe('robustness', () => {
    it('should work again after Redis lost its script cache (as after a restart)', async () => {
      const { storeA, clock } = twoProcesses();
      await storeA.create(aVerification(clock));
      await a.script('FLUSH');
      await expect(storeA.addAttempt('v1')).resolves.toBe(1);
      await expect(storeA.consume('v1')).resolves.toMatchObject({ attempts: 1 });
    });

    it('should reject, not invent a verification, when the key holds something else', async () => {
      const { storeA, keyPrefix } = twoProcesses();
      await a.set(`${keyPrefix}v:str`, 'not a hash');
      await expect(storeA.get('str')).rejects.toThrow(/WRONGTYPE/);
      await a.hset(`${keyPrefix}v:partial`, { expiresAt: String(Date.now() * 2), phone: '+447400123456' });
      await expect(storeA.get('partial')).rejects.toThrow(/lacks "id"/);
    });

    it('should refuse numbers Redis could not keep exactly', async () => {
      const { storeA, clock } = twoProcesses();
      await expect(storeA.create(aVerification(clock, { id: 'v1', expiresAt: Number.NaN }))).rejects.toThrow(TypeError);
      await expect(storeA.create(aVerification(clock, { id: 'v1', sends: 1.5 }))).rejects.toThrow(TypeError);
      await expect(storeA.get('v1')).resolves.toBeUndefined();
    });

    it('should refuse a client that could hang, or no client at all, at construction', () => {
      const slow = redis.rawClient({ lazyConnect: true });
      expect(() => new RedisStore({ client: slow })).toThrow(PhoneVerifyConfigError);
      expect(() => new RedisStore({ client: slow })).toThrow(/commandTimeout/);
      expect(() => new RedisStore({ client: undefined as never })).toThrow(/ERR_PV_REDIS_CLIENT/);
      expect(() => new RedisStore({ client: redis.rawClient({ lazyConnect: true, commandTimeout: 500 }) })).not.toThrow();
    });
  });
});
