// MemoryStore: the shared VerificationStore contract (store-contract.ts, also run
// against RedisStore in redis/), plus what only the memory store has: its sweep.

import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { aVerification, ManualClock } from './support/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('MemoryStore', (clock) => {
  const store = new MemoryStore({ clock });
  return { store, size: () => store.size, close: () => store.close() };
});

let stores: MemoryStore[] = [];

function setup() {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock: clock.now });
  stores.push(store);
  const verification = (id: string) => aVerification(clock, { id });
  return { clock, store, verification };
}

afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

describe('MemoryStore', () => {
  describe('sweep', () => {
    it('should remove expired entries and keep live ones, so memory stays bounded', async () => {
      const { store, verification, clock } = setup();
      for (let i = 0; i < 100; i++) await store.create(verification(`old${i}`));
      clock.advance(200);
      for (let i = 0; i < 10; i++) await store.create(verification(`new${i}`));
      expect(store.size).toBe(110);
      clock.advance(101);
      store.sweep();
      expect(store.size).toBe(10);
      await expect(store.get('new0')).resolves.toBeDefined();
      clock.advance(300);
      store.sweep();
      expect(store.size).toBe(0);
    });

    it('should sweep by itself on its timer', async () => {
      const clock = new ManualClock();
      const store = new MemoryStore({ clock: clock.now, sweepInterval: 5 });
      stores.push(store);
      await store.create({
        id: 'v1',
        phone: '+447400123456',
        channel: 'sms',
        provider: 'local',
        state: {},
        createdAt: 0,
        expiresAt: clock.now() + 1000,
        lastSentAt: 0,
        sends: 1,
        attempts: 0,
      });
      clock.advance(2);
      await expect.poll(() => store.size, { timeout: 500, interval: 5 }).toBe(0);
    });
  });
});
