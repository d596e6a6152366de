// The VerificationStore contract: what every store (MemoryStore, RedisStore) must do.
// Each method is one atomic step, entries expire, and nothing outside can reach into
// what a store holds. Run it with describeStoreContract(name, makeStore).

import { afterEach, describe, expect, it } from 'vitest';
import type { SendRules, Verification, VerificationStore } from '../src/index.js';
import { aVerification, FIXTURE_TTL_MS, ManualClock } from './support/index.js';

export interface StoreFixture {
  store: VerificationStore;
  /** Records held now, expired ones not yet dropped included. */
  size(): number | Promise<number>;
  close?(): void | Promise<void>;
}

/** A fresh, empty store reading the given clock. */
export type MakeStore = (clock: () => number) => StoreFixture | Promise<StoreFixture>;

const TTL = FIXTURE_TTL_MS;

export function describeStoreContract(name: string, makeStore: MakeStore): void {
  let fixtures: StoreFixture[] = [];

  async function setup() {
    const clock = new ManualClock();
    const fixture = await makeStore(clock.now);
    fixtures.push(fixture);
    const verification = (id = 'v1', overrides: Partial<Verification> = {}): Verification => aVerification(clock, { id, ...overrides });
    const rules = (overrides: Partial<{ cooldownMs: number; maxSends: number }> = {}) => ({ now: clock.now(), cooldownMs: 30_000, maxSends: 3, ...overrides });
    return { clock, store: fixture.store, size: async () => fixture.size(), verification, rules };
  }

  afterEach(async () => {
    for (const fixture of fixtures) await fixture.close?.();
    fixtures = [];
  });

  describe(`${name}: the VerificationStore contract`, () => {
    describe('create and get', () => {
      it('should give back what was created', async () => {
        const { store, verification } = await setup();
        await store.create(verification());
        await expect(store.get('v1')).resolves.toEqual(verification());
        await expect(store.get('other')).resolves.toBeUndefined();
      });

      it('should keep an entry until just before expiresAt and forget it at expiresAt', async () => {
        const { store, verification, clock, size } = await setup();
        await store.create(verification());
        clock.advance(299.999);
        await expect(store.get('v1')).resolves.toBeDefined();
        clock.advance(0.001);
        await expect(store.get('v1')).resolves.toBeUndefined();
        expect(await size()).toBe(0);
      });

      it('should treat an expired entry as missing in every method', async () => {
        const { store, verification, clock, rules, size } = await setup();
        await store.create(verification());
        clock.advance(301);
        await expect(store.reserveSend('v1', rules())).resolves.toEqual({ ok: false, reason: 'missing' });
        await expect(store.addAttempt('v1')).resolves.toBeUndefined();
        await expect(store.consume('v1')).resolves.toBeUndefined();
        await expect(store.releaseSend('v1', { sentAt: 1, previousSentAt: 0 })).resolves.toBeUndefined();
        await expect(store.updateDelivery('v1', { channel: 'voice', state: {} })).resolves.toBeUndefined();
        await expect(store.get('v1')).resolves.toBeUndefined();
        expect(await size()).toBe(0);
      });

      it('should not keep a verification created already expired', async () => {
        const { store, verification, clock } = await setup();
        await store.create(verification('v1', { expiresAt: clock.now() }));
        await expect(store.get('v1')).resolves.toBeUndefined();
        await expect(store.addAttempt('v1')).resolves.toBeUndefined();
      });

      it('should replace a verification created again under the same id', async () => {
        const { store, verification } = await setup();
        await store.create(verification('v1', { attempts: 4, state: { a: 1, b: 'x' } }));
        await store.create(verification('v1', { phone: '+447400999999' }));
        await expect(store.get('v1')).resolves.toEqual(verification('v1', { phone: '+447400999999' }));
      });

      it('should round-trip numbers, strings and provider state exactly', async () => {
        const { store, verification, clock, rules } = await setup();
        const odd = verification('v1', {
          phone: '+12025550123',
          provider: 'prövïder "quoted" \\ 🚀',
          createdAt: clock.now() + 0.1 + 0.2,
          expiresAt: clock.now() + TTL + 0.000123,
          lastSentAt: clock.now() - 1e-7,
          sends: 2,
          attempts: 3,
          state: {
            float: 0.1 + 0.2,
            big: Number.MAX_SAFE_INTEGER,
            tiny: -5e-324,
            huge: 1.7976931348623157e308,
            exp: 1e21,
            yes: true,
            no: false,
            none: null,
            text: 'ç"\\\n\u0000\u2028🚀{}[]',
            numeric: '00123',
          },
        });
        await store.create(odd);
        const got = await store.get('v1');
        expect(got).toEqual(odd);
        for (const key of ['createdAt', 'expiresAt', 'lastSentAt'] as const) expect(Object.is(got![key], odd[key])).toBe(true);
        expect(Object.is(got!.state.float, 0.1 + 0.2)).toBe(true);
        // A reservation records the caller's `now` exactly too.
        clock.set(clock.now() + 30_000.123);
        const reservation = await store.reserveSend('v1', rules({ maxSends: 5 }));
        expect(reservation).toMatchObject({ ok: true, release: { sentAt: clock.now(), previousSentAt: odd.lastSentAt } });
        expect((await store.get('v1'))!.lastSentAt).toBe(clock.now());
      });
    });

    describe('reserveSend and releaseSend', () => {
      it('should refuse within the cooldown, saying how long is left', async () => {
        const { store, verification, clock, rules } = await setup();
        await store.create(verification());
        clock.advance(10);
        await expect(store.reserveSend('v1', rules())).resolves.toEqual({ ok: false, reason: 'cooldown', retryAfterMs: 20_000 });
        expect((await store.get('v1'))!.sends).toBe(1);
      });

      it('should count a send after the cooldown and remember the time it replaced', async () => {
        const { store, verification, clock, rules } = await setup();
        const created = verification();
        await store.create(created);
        clock.advance(30);
        const reservation = await store.reserveSend('v1', rules());
        expect(reservation).toEqual({
          ok: true,
          verification: { ...created, sends: 2, lastSentAt: clock.now() },
          release: { sentAt: clock.now(), previousSentAt: created.lastSentAt },
        });
        expect(await store.get('v1')).toMatchObject({ sends: 2, lastSentAt: clock.now() });
      });

      it('should refuse past the limit until the verification expires', async () => {
        const { store, verification, clock, rules } = await setup();
        await store.create(verification('v1', { sends: 3 }));
        clock.advance(60);
        await expect(store.reserveSend('v1', rules())).resolves.toEqual({ ok: false, reason: 'limit', retryAfterMs: 240_000 });
      });

      it('should say missing for an unknown id', async () => {
        const { store, rules } = await setup();
        await expect(store.reserveSend('nope', rules())).resolves.toEqual({ ok: false, reason: 'missing' });
      });

      it('should let only one of many parallel reservations pass', async () => {
        const { store, verification, clock, rules } = await setup();
        await store.create(verification());
        clock.advance(30);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.reserveSend('v1', rules())));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
      });

      it('should restore the count and time on releaseSend', async () => {
        const { store, verification, clock, rules } = await setup();
        const created = verification();
        await store.create(created);
        clock.advance(30);
        const reservation = await store.reserveSend('v1', rules());
        if (!reservation.ok) throw new Error('expected a reservation');
        await store.releaseSend('v1', reservation.release);
        expect(await store.get('v1')).toEqual(created);
        // The cooldown is back to where it was: a send may go now.
        await expect(store.reserveSend('v1', rules())).resolves.toMatchObject({ ok: true });
      });

      it('should not erase a parallel send when a failed one is released', async () => {
        const { store, verification, clock } = await setup();
        await store.create(verification());
        const noCooldown = (): SendRules => ({ now: clock.now(), cooldownMs: 0, maxSends: 3 });
        clock.advance(5);
        const first = await store.reserveSend('v1', noCooldown());
        clock.advance(1);
        const second = await store.reserveSend('v1', noCooldown());
        if (!first.ok || !second.ok) throw new Error('expected two reservations');
        // The first send fails after the second succeeded: only the first is given back.
        await store.releaseSend('v1', first.release);
        expect(await store.get('v1')).toMatchObject({ sends: 2, lastSentAt: second.release.sentAt });
        // So the limit still counts the send that happened: one more fits, not two.
        await expect(store.reserveSend('v1', noCooldown())).resolves.toMatchObject({ ok: true });
        await expect(store.reserveSend('v1', noCooldown())).resolves.toMatchObject({ ok: false, reason: 'limit' });
      });

      it('should do nothing on releaseSend for a missing id', async () => {
        const { store, size } = await setup();
        await expect(store.releaseSend('nope', { sentAt: 1, previousSentAt: 0 })).resolves.toBeUndefined();
        expect(await size()).toBe(0);
      });
    });

    describe('updateDelivery', () => {
      it('should record the channel and state of the latest send', async () => {
        const { store, verification, size } = await setup();
        await store.create(verification());
        await store.updateDelivery('v1', { channel: 'voice', state: { codeHmac: 'new' } });
        expect(await store.get('v1')).toMatchObject({ channel: 'voice', state: { codeHmac: 'new' } });
        await store.updateDelivery('nope', { channel: 'voice', state: {} });
        expect(await size()).toBe(1);
      });

      it('should replace the state as a whole, not merge it', async () => {
        const { store, verification } = await setup();
        await store.create(verification('v1', { state: { a: 1, b: 2 } }));
        await store.updateDelivery('v1', { channel: 'sms', state: { c: 3 } });
        expect((await store.get('v1'))!.state).toEqual({ c: 3 });
      });
    });

    describe('addAttempt', () => {
      it('should give many parallel callers distinct consecutive counts', async () => {
        const { store, verification } = await setup();
        await store.create(verification());
        const counts = await Promise.all(Array.from({ length: 50 }, () => store.addAttempt('v1')));
        expect([...counts].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect((await store.get('v1'))!.attempts).toBe(50);
      });

      it('should give an attempt back with -1', async () => {
        const { store, verification } = await setup();
        await store.create(verification());
        await store.addAttempt('v1');
        await expect(store.addAttempt('v1', -1)).resolves.toBe(0);
      });

      it('should answer undefined for a missing id', async () => {
        const { store } = await setup();
        await expect(store.addAttempt('nope')).resolves.toBeUndefined();
      });
    });

    describe('countAttempt', () => {
      it('should count one more check and give back the verification with that count', async () => {
        const { store, verification } = await setup();
        await store.create(verification('v1', { attempts: 2 }));
        await expect(store.countAttempt!('v1')).resolves.toEqual(verification('v1', { attempts: 3 }));
        expect((await store.get('v1'))!.attempts).toBe(3);
        await expect(store.addAttempt('v1', -1)).resolves.toBe(2);
      });

      it('should give many parallel callers distinct consecutive counts', async () => {
        const { store, verification } = await setup();
        await store.create(verification());
        const seen = await Promise.all(Array.from({ length: 50 }, () => store.countAttempt!('v1')));
        expect(seen.map((v) => v!.attempts).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      });

      it('should answer undefined for a missing or expired id, and hand out a copy', async () => {
        const { store, verification, clock } = await setup();
        await expect(store.countAttempt!('nope')).resolves.toBeUndefined();
        await store.create(verification('v1', { state: { ref: 'r1' } }));
        const seen = (await store.countAttempt!('v1'))!;
        seen.state.ref = 'changed';
        expect((await store.get('v1'))!.state).toEqual({ ref: 'r1' });
        clock.advance(TTL / 1000 + 1);
        await expect(store.countAttempt!('v1')).resolves.toBeUndefined();
      });
    });

    describe('consume', () => {
      it('should return the verification exactly once among parallel callers', async () => {
        const { store, verification, size } = await setup();
        await store.create(verification());
        const results = await Promise.all(Array.from({ length: 10 }, () => store.consume('v1')));
        expect(results.filter(Boolean)).toEqual([verification()]);
        await expect(store.get('v1')).resolves.toBeUndefined();
        expect(await size()).toBe(0);
      });

      it('should leave nothing for the other methods once consumed', async () => {
        const { store, verification, clock, rules } = await setup();
        await store.create(verification());
        await store.consume('v1');
        clock.advance(30);
        await expect(store.addAttempt('v1')).resolves.toBeUndefined();
        await expect(store.reserveSend('v1', rules())).resolves.toEqual({ ok: false, reason: 'missing' });
      });
    });

    describe('delete', () => {
      it('should remove the entry', async () => {
        const { store, verification } = await setup();
        await store.create(verification());
        await store.delete('v1');
        await expect(store.get('v1')).resolves.toBeUndefined();
        await expect(store.delete('v1')).resolves.toBeUndefined();
      });
    });

    describe('claimPhone and claimedFor', () => {
      const PHONE = '+447400123456';

      it('should name the live verification of a number and hand back the one it replaces', async () => {
        const { store, clock } = await setup();
        const until = clock.now() + TTL;
        await expect(store.claimedFor(PHONE)).resolves.toBeUndefined();
        await expect(store.claimPhone(PHONE, 'a', until)).resolves.toBeUndefined();
        await expect(store.claimedFor(PHONE)).resolves.toBe('a');
        await expect(store.claimPhone(PHONE, 'b', until)).resolves.toBe('a');
        await expect(store.claimedFor(PHONE)).resolves.toBe('b');
        // Claiming again for the same verification replaces nothing.
        await expect(store.claimPhone(PHONE, 'b', until)).resolves.toBeUndefined();
        await expect(store.claimedFor('+4915123456789')).resolves.toBeUndefined();
      });

      it('should forget a claim when it expires', async () => {
        const { store, clock, size } = await setup();
        await store.claimPhone(PHONE, 'a', clock.now() + 60_000);
        clock.advance(59.999);
        await expect(store.claimedFor(PHONE)).resolves.toBe('a');
        clock.advance(0.001);
        // Redis drops the key by its own (real-time) TTL; the contract is what claimedFor answers.
        if (name === 'MemoryStore') await expect(store.claimedFor(PHONE)).resolves.toBeUndefined();
        await expect(store.claimPhone(PHONE, 'b', clock.now() - 1)).resolves.toBeOneOf([undefined, 'a']);
        await expect(store.claimedFor(PHONE)).resolves.toBeUndefined();
        expect(await size()).toBe(0);
      });

      it('should let exactly one of parallel claims replace a given one', async () => {
        const { store, clock } = await setup();
        const until = clock.now() + TTL;
        await store.claimPhone(PHONE, 'first', until);
        const replaced = await Promise.all(['x', 'y', 'z'].map((id) => store.claimPhone(PHONE, id, until)));
        // Each claim replaced the one before it: 'first' once, and two of the racers once each.
        expect(replaced.filter((r) => r === 'first')).toHaveLength(1);
        expect(new Set(replaced).size).toBe(3);
      });
    });

    describe('copies', () => {
      it('should keep a copy of what create was given', async () => {
        const { store, verification } = await setup();
        const created = verification();
        await store.create(created);
        created.attempts = 99;
        created.state.codeHmac = 'changed';
        expect(await store.get('v1')).toMatchObject({ attempts: 0, state: { codeHmac: 'abc' } });
      });

      it('should hand out copies from get and reserveSend', async () => {
        const { store, verification, clock, rules } = await setup();
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
        const { store, verification } = await setup();
        await store.create(verification());
        const state = { codeHmac: 'new' };
        await store.updateDelivery('v1', { channel: 'sms', state });
        state.codeHmac = 'changed';
        expect((await store.get('v1'))!.state).toEqual({ codeHmac: 'new' });
      });
    });

    describe('rememberOnce (single-use phone proofs)', () => {
      it('should say true to the first call only, however many race', async () => {
        const { store } = await setup();
        const answers = await Promise.all(Array.from({ length: 10 }, () => store.rememberOnce!('proof:a', TTL)));
        expect(answers.filter(Boolean)).toHaveLength(1);
        expect(await store.rememberOnce!('proof:a', TTL)).toBe(false);
        expect(await store.rememberOnce!('proof:b', TTL)).toBe(true);
      });
    });
  });
}
