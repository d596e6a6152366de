// MemoryStore: each method is one atomic step, entries expire, and nothing outside
// can reach into what it holds.

import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore, type Verification } from '../src/index.js';
import { FakeClock } from './harness.js';

const TTL = 300_000;
let stores: MemoryStore[] = [];

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore({ clock: clock.read });
  stores.push(store);
  const verification = (id = 'v1', overrides: Partial<Verification> = {}): Verification => ({
    id,
    phone: '+447400123456',
    channel: 'sms',
    provider: 'local',
    state: { codeHmac: 'abc' },
    createdAt: clock.now,
    expiresAt: clock.now + TTL,
    lastSentAt: clock.now,
    sends: 1,
    attempts: 0,
    ...overrides,
  });
  const rules = (overrides: Partial<{ cooldownMs: number; maxSends: number }> = {}) => ({ now: clock.now, cooldownMs: 30_000, maxSends: 3, ...overrides });
  return { clock, store, verification, rules };
}

afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

describe('MemoryStore', () => {
  describe('create and get', () => {
    it('should give back what was created', async () => {
      const { store, verification } = setup();
      await store.create(verification());
      await expect(store.get('v1')).resolves.toEqual(verification());
      await expect(store.get('other')).resolves.toBeUndefined();
    });

    it('should keep an entry until just before expiresAt and forget it at expiresAt', async () => {
      const { store, verification, clock } = setup();
      await store.create(verification());
      clock.advance(299.999);
      await expect(store.get('v1')).resolves.toBeDefined();
      clock.advance(0.001);
      await expect(store.get('v1')).resolves.toBeUndefined();
      expect(store.size).toBe(0);
    });

    it('should treat an expired entry as missing in every method', async () => {
      const { store, verification, clock, rules } = setup();
      await store.create(verification());
      clock.advance(301);
      await expect(store.reserveSend('v1', rules())).resolves.toEqual({ ok: false, reason: 'missing' });
      await expect(store.addAttempt('v1')).resolves.toBeUndefined();
      await expect(store.consume('v1')).resolves.toBeUndefined();
    });
  });

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
      const clock = new FakeClock();
      const store = new MemoryStore({ clock: clock.read, sweepInterval: 5 });
      stores.push(store);
      await store.create({ id: 'v1', phone: '+447400123456', channel: 'sms', provider: 'local', state: {}, createdAt: 0, expiresAt: clock.now + 1000, lastSentAt: 0, sends: 1, attempts: 0 });
      clock.advance(2);
      await expect.poll(() => store.size, { timeout: 500, interval: 5 }).toBe(0);
    });
  });

  describe('reserveSend and releaseSend', () => {
    it('should refuse within the cooldown, saying how long is left', async () => {
      const { store, verification, clock, rules } = setup();
      await store.create(verification());
      clock.advance(10);
      await expect(store.reserveSend('v1', rules())).resolves.toEqual({ ok: false, reason: 'cooldown', retryAfterMs: 20_000 });
      expect((await store.get('v1'))!.sends).toBe(1);
    });

    it('should count a send after the cooldown and remember the previous count and time', async () => {
      const { store, verification, clock, rules } = setup();
      const created = verification();
      await store.create(created);
      clock.advance(30);
      const reservation = await store.reserveSend('v1', rules());
      expect(reservation).toEqual({
        ok: true,
        verification: { ...created, sends: 2, lastSentAt: clock.now },
        previous: { sends: 1, lastSentAt: created.lastSentAt },
      });
      expect(await store.get('v1')).toMatchObject({ sends: 2, lastSentAt: clock.now });
    });

    it('should refuse past the limit until the verification expires', async () => {
      const { store, verification, clock, rules } = setup();
      await store.create(verification('v1', { sends: 3 }));
      clock.advance(60);
      await expect(store.reserveSend('v1', rules())).resolves.toEqual({ ok: false, reason: 'limit', retryAfterMs: 240_000 });
    });

    it('should say missing for an unknown id', async () => {
      const { store, rules } = setup();
      await expect(store.reserveSend('nope', rules())).resolves.toEqual({ ok: false, reason: 'missing' });
    });

    it('should let only one of many parallel reservations pass', async () => {
      const { store, verification, clock, rules } = setup();
      await store.create(verification());
      clock.advance(30);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.reserveSend('v1', rules())));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('should restore the count and time on releaseSend', async () => {
      const { store, verification, clock, rules } = setup();
      const created = verification();
      await store.create(created);
      clock.advance(30);
      const reservation = await store.reserveSend('v1', rules());
      if (!reservation.ok) throw new Error('expected a reservation');
      await store.releaseSend('v1', reservation.previous);
      expect(await store.get('v1')).toEqual(created);
      // The cooldown is back to where it was: a send may go now.
      await expect(store.reserveSend('v1', rules())).resolves.toMatchObject({ ok: true });
    });

    it('should do nothing on releaseSend for a missing id', async () => {
      const { store } = setup();
      await expect(store.releaseSend('nope', { sends: 1, lastSentAt: 0 })).resolves.toBeUndefined();
      expect(store.size).toBe(0);
    });
  });

  describe('updateDelivery', () => {
    it('should record the channel and state of the latest send', async () => {
      const { store, verification } = setup();
      await store.create(verification());
      await store.updateDelivery('v1', { channel: 'voice', state: { codeHmac: 'new' } });
      expect(await store.get('v1')).toMatchObject({ channel: 'voice', state: { codeHmac: 'new' } });
      await store.updateDelivery('nope', { channel: 'voice', state: {} });
      expect(store.size).toBe(1);
    });
  });

  describe('addAttempt', () => {
    it('should give many parallel callers distinct consecutive counts', async () => {
      const { store, verification } = setup();
      await store.create(verification());
      const counts = await Promise.all(Array.from({ length: 50 }, () => store.addAttempt('v1')));
      expect([...counts].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await store.get('v1'))!.attempts).toBe(50);
    });

    it('should give an attempt back with -1', async () => {
      const { store, verification } = setup();
      await store.create(verification());
      await store.addAttempt('v1');
      await expect(store.addAttempt('v1', -1)).resolves.toBe(0);
    });

    it('should answer undefined for a missing id', async () => {
      const { store } = setup();
      await expect(store.addAttempt('nope')).resolves.toBeUndefined();
    });
  });

  describe('consume', () => {
    it('should return the verification exactly once among parallel callers', async () => {
      const { store, verification } = setup();
      await store.create(verification());
      const results = await Promise.all(Array.from({ length: 10 }, () => store.consume('v1')));
      expect(results.filter(Boolean)).toEqual([verification()]);
      await expect(store.get('v1')).resolves.toBeUndefined();
      expect(store.size).toBe(0);
    });
  });

  describe('delete', () => {
    it('should remove the entry', async () => {
      const { store, verification } = setup();
      await store.create(verification());
      await store.delete('v1');
      await expect(store.get('v1')).resolves.toBeUndefined();
    });
  });

  describe('copies', () => {
    it('should keep a copy of what create was given', async () => {
      const { store, verification } = setup();
      const created = verification();
      await store.create(created);
      created.attempts = 99;
      created.state.codeHmac = 'changed';
      expect(await store.get('v1')).toMatchObject({ attempts: 0, state: { codeHmac: 'abc' } });
    });

    it('should hand out copies from get and reserveSend', async () => {
      const { store, verification, clock, rules } = setup();
      await store.create(verification());
      const got = (await store.get('v1'))!;
      got.attempts = 99;
      got.state.codeHmac = 'changed';
      clock.advance(30);
      const reservation = await store.reserveSend('v1', rules());
      if (!reservation.ok) throw new Error('expected a reservation');
      reservation.verification.sends = 99;
      reservation.verification.expiresAt = Number.MAX_SAFE_INTEGER;
      reservation.verification.state.codeHmac = 'changed';
      expect(await store.get('v1')).toMatchObject({ attempts: 0, sends: 2, expiresAt: verification().expiresAt - 30_000, state: { codeHmac: 'abc' } });
    });

    it('should keep a copy of the delivery state it was given', async () => {
      const { store, verification } = setup();
      await store.create(verification());
      const state = { codeHmac: 'new' };
      await store.updateDelivery('v1', { channel: 'sms', state });
      state.codeHmac = 'changed';
      expect((await store.get('v1'))!.state).toEqual({ codeHmac: 'new' });
    });
  });
});
