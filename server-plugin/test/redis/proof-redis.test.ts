// server-plugin/test/redis/proof-redis.test.ts
// A phone proof is single use across processes: two app instances sharing one Redis
// (the test's own redis-server) accept a proof once between them.

import express from 'express';
import { describe, expect, it } from 'vitest';
import { PhoneVerifyError } from '../../src/errors.js';
import { MemoryStore } from '../../src/store.js';
import { RedisStore } from '../../src/redis-store.js';
import { PhoneProofs } from '../../src/proof.js';
import { createTestApp, startVerification } from '../harness.js';
import { ManualClock, useRedis } from '../support/index.js';

const redis = useRedis();
const proof = { secret: 'a shared signing key of at least thirty-two bytes', audience: 'http://app.test' };

/** One app instance: its own Express, sessions and Redis connection, the shared key space. */
async function instance(clock: ManualClock, keyPrefix: string) {
  const store = new RedisStore({ client: await redis.client(), keyPrefix, clock: clock.now });
  const test = createTestApp({ options: { store, clock: clock.now, proof } });
  test.app.post('/signup', express.json(), (req, res) => {
    test.strategy.verifyPhoneProof(req.body?.proof, { purpose: 'signup' }).then(
      (phone) => res.status(201).json({ phone }),
      (error: PhoneVerifyError) => res.status(error.status).json(error.toJSON()),
    );
  });
  return test;
}

describe('phone proofs with Redis', () => {
  it('should accept a proof once across two app instances', async () => {
    const clock = new ManualClock();
    const keyPrefix = `proof-${Math.random().toString(36).slice(2)}:`;
    const [a, b] = [await instance(clock, keyPrefix), await instance(clock, keyPrefix)];
    const { code } = await startVerification(a.agent, a.outbox, { phone: '+447400123456', intent: 'verify', purpose: 'signup' });
    const token = (await a.agent.post('/auth/phone/verify').send({ code })).body.proof as string;

    const answers = await Promise.all([b.agent.post('/signup').send({ proof: token }), a.agent.post('/signup').send({ proof: token })]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.status === 409)!.body.error.code).toBe('proof_used');
    expect((await b.agent.post('/signup').send({ proof: token })).body.error.code).toBe('proof_used');
  });

  it('should refuse a store without rememberOnce at start-up', () => {
    const store = new MemoryStore();
    Object.defineProperty(store, 'rememberOnce', { value: undefined });
    expect(() => new PhoneProofs(proof, store, Date.now)).toThrow(/ERR_PV_PROOF_STORE/);
    store.close();
  });
});
