// demo/test/load.test.ts
// A bounded load test on loopback: two real demo processes on one real redis-server,
// 200 sign-ins, 25 at a time, each step on a process picked at random. Not a timing
// benchmark: it asserts that nothing is lost, duplicated or mixed up under concurrency,
// then that parallel guesses and parallel replays across both processes get nowhere.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer, wrongCode } from '../../server-plugin/test/support/index.js';
import { Client, Fleet, showsNumber, type DemoProcess, type Reply } from './processes.js';

const FLOWS = 200;
const CONCURRENCY = 25;
const CEILING_MS = 60_000;

let redis: RedisServer;
let inspect: Redis;
const fleet = new Fleet(() => redis.url);
let demos: [DemoProcess, DemoProcess];

/** A small seeded generator, so a failing run can be replayed (LOAD_SEED=…). */
const seed = Number(process.env.LOAD_SEED ?? Date.now() % 1_000_000);
let state = seed;
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (): DemoProcess => demos[random() < 0.5 ? 0 : 1];
/** Process A for even `i`, B for odd: alternating. */
const alternate = (i: number): DemoProcess => (i % 2 === 0 ? demos[0] : demos[1]);
const other = (demo: DemoProcess): DemoProcess => (demo === demos[0] ? demos[1] : demos[0]);

/**
 * A valid GB mobile, +44 74NN RR TTTT, in a number range (all but the last 4 digits) of
 * its own for each (series, i), so neither the per-number nor the per-range limits
 * refuse honest traffic.
 */
function mobile(series: number, i: number): string {
  const nn = String(i % 100).padStart(2, '0');
  const rr = String(series * 10 + Math.floor(i / 100)).padStart(2, '0');
  const tail = String((i * 7919 + series * 131) % 10_000).padStart(4, '0');
  return `+4474${nn}${rr}${tail}`;
}

/** Runs `task(0..count-1)`, at most `limit` at a time; every task runs, failures are collected. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await task(i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

const failures = (results: PromiseSettledResult<unknown>[]) =>
  results.flatMap((r, i) => (r.status === 'rejected' ? [`flow ${i}: ${(r.reason as Error)?.stack ?? String(r.reason)}`] : []));

beforeAll(async () => {
  redis = await RedisServer.launch();
  inspect = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  demos = await Promise.all([fleet.spawn('A'), fleet.spawn('B')]);
});

afterAll(async () => {
  await fleet.killAll();
  inspect?.disconnect();
  await redis?.close();
});

describe(`load: ${FLOWS} sign-ins, ${CONCURRENCY} at a time, across two processes`, () => {
  it('every flow ends signed in exactly once, with its own number, on whichever process', { timeout: CEILING_MS + 30_000 }, async () => {
    interface Outcome {
      phone: string;
      /** GET /, verify, the replay, GET /account. */
      statuses: number[];
    }
    const started = performance.now();
    const results = await pool(FLOWS, CONCURRENCY, async (i): Promise<Outcome> => {
      const phone = mobile(0, i);
      const client = new Client(`10.${(i >> 8) & 255}.${i & 255}.7`);
      const statuses: number[] = [];
      const step = (reply: Reply, what: string, status: number): Reply => {
        statuses.push(reply.status);
        if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${reply.text.slice(0, 300)}`);
        return reply;
      };

      step(await client.get(pick(), '/'), 'GET /', 200);
      const sender = pick();
      const code = await client.startAndRead(sender, phone);
      // The cookie as it was before sign-in: a replay with it must get nowhere.
      const before = client.clone();
      const verifier = other(sender);
      const verified = step(await client.verify(verifier, code), `verify on ${verifier.name}`, 200);
      if (verified.json?.status !== 'approved') throw new Error(`verify: ${verified.text}`);
      const replay = step(await before.verify(sender, code), `replay on ${sender.name}`, 409);
      if (replay.json?.error?.code !== 'no_pending_verification') throw new Error(`replay: ${replay.text}`);

      const account = await client.get(pick(), '/account');
      statuses.push(account.status);
      if (!showsNumber(account, phone)) throw new Error(`/account for ${phone}: ${account.status} ${account.text.slice(0, 300)}`);
      return { phone, statuses };
    });
    const elapsed = performance.now() - started;

    expect(failures(results), `seed ${seed}`).toEqual([]);
    const outcomes = results.map((r) => (r as PromiseFulfilledResult<Outcome>).value);
    expect(outcomes).toHaveLength(FLOWS);
    // GET /, verify, GET /account: 200; the replay: 409. One approval per flow, no more.
    for (const outcome of outcomes) expect(outcome.statuses, `${outcome.phone} (LOAD_SEED=${seed})`).toEqual([200, 200, 409, 200]);
    expect(new Set(outcomes.map((o) => o.phone)).size).toBe(FLOWS);
    expect(elapsed, `${FLOWS} flows took ${Math.round(elapsed)} ms`).toBeLessThan(CEILING_MS);

    // What Redis holds: one signed-in session per flow and nothing else (every pre-login
    // session was replaced at sign-in), each with its own number.
    const keys = await inspect.keys('pv-demo:sess:*');
    const sessions = (await Promise.all(keys.map((key) => inspect.get(key)))).map((json) => JSON.parse(json!) as { passport?: { user?: { phone?: string } } });
    const signedIn = sessions.map((s) => s.passport?.user?.phone).filter((p): p is string => typeof p === 'string');
    expect(keys).toHaveLength(FLOWS);
    expect(signedIn.sort()).toEqual(outcomes.map((o) => o.phone).sort());
    // No verification is left pending.
    expect(await inspect.keys('pv:v:*')).toEqual([]);
  });
});

describe('adversarial, across both processes at once', () => {
  it('parallel wrong codes: at most 5 are judged per verification, and the right code is refused after', async () => {
    const numbers = Array.from({ length: 5 }, (_, i) => mobile(5, i));
    await Promise.all(
      numbers.map(async (phone, n) => {
        const victim = new Client(`10.201.${n}.7`);
        const code = await victim.startAndRead(pick(), phone);
        // 20 guesses at once, each on its own connection, alternating processes.
        const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => victim.clone(`10.202.${n}.${i}`).verify(alternate(i), wrongCode(code, i + 1))));
        const codes = replies.map((r) => r.json?.error?.code);
        expect(
          replies.every((r) => r.status >= 400 && r.status < 500),
          replies.map((r) => r.text).join('\n'),
        ).toBe(true);
        // Judged and wrong, with attempts left: exactly 4, one per count; the 5th judged one ends it.
        const invalid = replies.filter((r) => r.json?.error?.code === 'invalid_code');
        expect(invalid.map((r) => r.json.error.attemptsLeft).sort()).toEqual([1, 2, 3, 4]);
        expect(codes.filter((c) => c === 'too_many_attempts')).toHaveLength(16);
        // The number's failure count holds exactly the judged wrong codes: 5, not 20.
        expect(await inspect.hget(`pv:{limits}:failures:${phone}`, 'n'), phone).toBe('5');

        for (const demo of demos) {
          const right = await victim.verify(demo, code);
          expect(right.status, right.text).toBe(429);
          expect(right.json.error.code).toBe('too_many_attempts');
        }
        expect(await inspect.hget(`pv:{limits}:failures:${phone}`, 'n'), phone).toBe('5');
        expect((await victim.get(pick(), '/account')).status).toBe(302);
      }),
    );
  });

  it('parallel duplicate right codes for one verification across both processes: exactly one 200', async () => {
    const numbers = Array.from({ length: 5 }, (_, i) => mobile(6, i));
    await Promise.all(
      numbers.map(async (phone, n) => {
        const owner = new Client(`10.203.${n}.7`);
        const code = await owner.startAndRead(pick(), phone);
        const copies = Array.from({ length: 10 }, () => owner.clone());
        const replies = await Promise.all(copies.map((copy, i) => copy.verify(alternate(i), code)));
        const approved = replies.flatMap((r, i) => (r.status === 200 ? [i] : []));
        expect(approved, replies.map((r) => r.text).join('\n')).toHaveLength(1);
        for (const reply of replies) {
          if (reply.status === 200) continue;
          expect(reply.status, reply.text).toBeGreaterThanOrEqual(400);
          expect(reply.status, reply.text).toBeLessThan(500);
          expect(['no_pending_verification', 'too_many_attempts']).toContain(reply.json?.error?.code);
        }
        // The winner's cookie is signed in, on both processes; the others' are not.
        const winner = copies[approved[0]!]!;
        for (const demo of demos) expect(showsNumber(await winner.get(demo, '/account'), phone)).toBe(true);
        expect((await copies[(approved[0]! + 1) % copies.length]!.get(pick(), '/account')).status).toBe(302);
      }),
    );
    // One signed-in session per number, never two.
    const keys = await inspect.keys('pv-demo:sess:*');
    const phones = (await Promise.all(keys.map((key) => inspect.get(key)))).map(
      (json) => (JSON.parse(json!) as { passport?: { user?: { phone?: string } } }).passport?.user?.phone,
    );
    for (const phone of numbers)
      expect(
        phones.filter((p) => p === phone),
        phone,
      ).toHaveLength(1);
  });
});
