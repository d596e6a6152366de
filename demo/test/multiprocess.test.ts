// demo/test/multiprocess.test.ts
// "Several processes, one truth": real demo processes (node demo/dist/server.js) on one
// real redis-server. Any process serves any step of a sign-in, a session made by one is
// good on the others, limits and wrong-code counts are shared, a killed process or a
// restarted Redis loses nothing, and a lost Redis is a quick 503, never a hang or a 500.

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisServer, wrongCode } from '../../server-plugin/test/support/index.js';
import { Client, Fleet, showsNumber, type DemoProcess, type Reply } from './processes.js';

let redis: RedisServer;
const fleet = new Fleet(() => redis.url);
let a: DemoProcess;
let b: DemoProcess;
let ips = 0;
/** A new browser, with a client IP of its own. */
const browser = () => new Client(`198.51.100.${++ips}`);

/** One command on a short-lived connection of the test's own (the demo processes keep theirs). */
async function onRedis<T>(command: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    return await command(client);
  } finally {
    client.disconnect();
  }
}

/** Retries `attempt` until `done` holds for its answer, for up to `ms` (ioredis reconnects with a back-off). */
async function eventually(attempt: () => Promise<Reply>, done: (reply: Reply) => boolean, ms = 10_000): Promise<Reply> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reply = await attempt();
    if (done(reply) || Date.now() > deadline) return reply;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A protocol answer saying the state store is out of reach: 503 provider_unavailable, JSON, with a wait, quickly. */
function expectUnavailable(reply: Reply, what: string): void {
  expect(reply.status, `${what}: ${reply.text}`).toBe(503);
  expect(reply.headers['content-type'], what).toMatch(/^application\/json/);
  expect(reply.json?.error?.code, what).toBe('provider_unavailable');
  expect(reply.json.error.retryAfter, what).toBeGreaterThan(0);
  expect(Number(reply.headers['retry-after']), what).toBeGreaterThan(0);
  expect(reply.text, what).not.toMatch(/<html|\bat .*\.js:\d+/i);
  expect(reply.ms, `${what} took ${Math.round(reply.ms)} ms`).toBeLessThan(5000);
}

beforeAll(async () => {
  // appendonly yes, appendfsync always: what is acknowledged survives a restart.
  redis = await RedisServer.launch({ persistence: true });
});

afterAll(async () => {
  await fleet.killAll();
  await redis?.close();
});

beforeEach(async () => {
  await onRedis((client) => client.flushall());
  [a, b] = await Promise.all([fleet.spawn('A'), fleet.spawn('B')]);
});

afterEach(async () => {
  await fleet.killAll();
  // A test that failed half-way through an outage must not leave Redis down for the next.
  await redis.ensureUp();
});

describe('two demo processes on one Redis', () => {
  it('start on A, verify on B: signed in; the session is good on A, and signing out on A ends it on B', async () => {
    const phone = '+447411123456';
    const alice = browser();
    expect((await alice.get(a, '/')).status).toBe(200);
    const code = await alice.startAndRead(a, phone);

    const verified = await alice.verify(b, code);
    expect(verified.status, verified.text).toBe(200);
    expect(verified.json).toMatchObject({ status: 'approved', redirect: '/account' });

    // B made the session; A reads it from Redis.
    const onA = await alice.get(a, '/account');
    expect(showsNumber(onA, phone), `A's /account: ${onA.status} ${onA.text.slice(0, 200)}`).toBe(true);
    expect(showsNumber(await alice.get(b, '/account'), phone)).toBe(true);

    const stolen = alice.clone('203.0.113.9');
    const out = await alice.logout(a);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/');

    // Ended everywhere: for the browser itself and for a copy of its signed-in cookie.
    for (const who of [alice, stolen]) {
      const onB = await who.get(b, '/account');
      expect(onB.status).toBe(302);
      expect(onB.headers.location).toBe('/');
    }
  });

  it('a process killed mid-flow (SIGKILL) loses nothing: the sign-in completes on its replacement, or on B', async () => {
    const first = browser();
    const second = browser();
    const firstCode = await first.startAndRead(a, '+447411200001');
    const secondCode = await second.startAndRead(a, '+447422200002');

    await a.kill('SIGKILL');
    expect(a.running).toBe(false);
    const a2 = await fleet.spawn('A2');

    const onNewA = await first.verify(a2, firstCode);
    expect(onNewA.status, onNewA.text).toBe(200);
    expect(onNewA.json.status).toBe('approved');
    expect(showsNumber(await first.get(b, '/account'), '+447411200001')).toBe(true);

    const onB = await second.verify(b, secondCode);
    expect(onB.status, onB.text).toBe(200);
    expect(showsNumber(await second.get(a2, '/account'), '+447422200002')).toBe(true);
  });

  it('a verification started before a Redis restart (appendonly, appendfsync always) is verified after it, no process restarted', async () => {
    const phone = '+447411300003';
    const carol = browser();
    const code = await carol.startAndRead(a, phone);

    await redis.stop();
    await redis.start();

    // Until ioredis has reconnected the answer is a 503; then the code must still be good.
    const verified = await eventually(
      () => carol.verify(b, code),
      (reply) => reply.status !== 503,
    );
    expect(verified.status, verified.text).toBe(200);
    expect(verified.json.status).toBe('approved');
    expect(showsNumber(await carol.get(a, '/account'), phone)).toBe(true);
  });

  it('Redis stopped: start and verify answer 503 provider_unavailable within seconds; Redis back: the same processes work again', async () => {
    const phone = '+447411400004';
    const dave = browser();
    const code = await dave.startAndRead(a, phone);
    const c = await fleet.spawn('C');

    await redis.stop();
    for (const demo of [a, b]) {
      // Without a session cookie (limits and store fail) and with one (the session store fails first).
      expectUnavailable(await browser().start(demo, '+447411400005'), `start on ${demo.name}, new browser`);
      expectUnavailable(await dave.clone().start(demo, '+447411400006'), `start on ${demo.name}, pending browser`);
      expectUnavailable(await dave.clone().verify(demo, code), `verify on ${demo.name}`);
      // A browser with no session has nothing to verify, Redis or not: a plain 409, still no 500.
      const stranger = await browser().verify(demo, '123456');
      expect(stranger.status).toBe(409);
      expect(stranger.json.error.code).toBe('no_pending_verification');
    }

    // And a process told to stop during the outage stops cleanly, not on an unhandled rejection.
    await c.kill('SIGTERM');
    expect(c.exitCode, c.log).toBe(0);

    await redis.start();
    for (const demo of [a, b]) {
      const again = browser();
      const started = await eventually(
        () => again.start(demo, demo === a ? '+447411400007' : '+447411400008'),
        (reply) => reply.status !== 503,
      );
      expect(started.status, `${demo.name} after Redis came back: ${started.text}`).toBe(200);
    }
    // Nothing of the outage counted against the verification started before it (the data persisted).
    const verified = await dave.verify(b, code);
    expect(verified.status, verified.text).toBe(200);
    expect(showsNumber(await dave.get(a, '/account'), phone)).toBe(true);
  });

  it('Redis frozen (SIGSTOP, connections open, no answers): 503 within the command timeout, never a hang; thawed: works again', async () => {
    const erin = browser();
    const code = await erin.startAndRead(b, '+447411500005');

    redis.pause();
    const replies = await Promise.all(
      [a, b].flatMap((demo) => [
        browser()
          .start(demo, '+447411500006')
          .then((reply) => [reply, `start on ${demo.name}`] as const),
        erin
          .clone()
          .verify(demo, code)
          .then((reply) => [reply, `verify on ${demo.name}`] as const),
      ]),
    );
    for (const [reply, what] of replies) expectUnavailable(reply, what);
    redis.resume();

    const verified = await eventually(
      () => erin.verify(a, code),
      (reply) => reply.status !== 503,
    );
    expect(verified.status, verified.text).toBe(200);
  });
});

describe('Redis paused during sign-ins (issue 12: a stalled session store made 500s and lost verifications)', () => {
  it('16 right codes across A and B while Redis freezes mid-flight: never a 500, and every code not yet accepted signs in once Redis is back', async () => {
    const people = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const person = browser();
        const demo = i % 2 ? b : a;
        const phone = `+4474118${String(i).padStart(5, '0')}`;
        return { person, demo, phone, code: await person.startAndRead(demo, phone) };
      }),
    );
    // The verifies leave over 48 ms; Redis freezes 20 ms in, for longer than the command timeout, so
    // requests are caught at every step: reading the session, checking, consuming, saving the login.
    const replies = Promise.all(
      people.map(async ({ person, demo, code }, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 3));
        return person.verify(demo, code);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    redis.pause();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    redis.resume();

    const first = await replies;
    for (const [i, reply] of first.entries()) {
      expect([200, 503], `${people[i]!.phone}: ${reply.status} ${reply.text}`).toContain(reply.status);
      if (reply.status === 503) expectUnavailable(reply, people[i]!.phone);
    }
    for (const [i, { person, demo, code, phone }] of people.entries()) {
      if (first[i]!.status !== 200) {
        const retried = await eventually(
          () => person.verify(demo === a ? b : a, code),
          (reply) => reply.status !== 503,
        );
        expect(retried.status, `${phone} after the freeze: ${retried.text}`).toBe(200);
      }
      expect(showsNumber(await person.get(demo, '/account'), phone), phone).toBe(true);
    }
  });
});

describe('limits are shared across processes', () => {
  it('4 starts for one number, in parallel across A and B, from 4 browsers: exactly 3 are sent, the 4th is rate_limited', async () => {
    const phone = '+447411600006';
    const clients = [browser(), browser(), browser(), browser()];
    const replies = await Promise.all(clients.map((client, i) => client.start(i % 2 ? b : a, phone)));
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses, replies.map((r) => r.text).join('\n')).toEqual([200, 200, 200, 429]);
    const refused = replies.find((reply) => reply.status === 429)!;
    expect(refused.json.error).toMatchObject({ code: 'rate_limited' });
    expect(refused.json.error.retryAfter).toBeGreaterThan(0);

    // And the next one, on either process, is refused too.
    for (const demo of [a, b]) {
      const more = await browser().start(demo, phone);
      expect(more.status).toBe(429);
      expect(more.json.error.code).toBe('rate_limited');
    }
  });

  it('wrong codes are counted across processes: 5 wrong split over A and B, then the right code is refused', async () => {
    const phone = '+447411700007';
    const frank = browser();
    const code = await frank.startAndRead(a, phone);
    const answers: Array<[string, unknown]> = [];
    for (let i = 0; i < 5; i++) {
      const demo = i % 2 ? b : a;
      const reply = await frank.verify(demo, wrongCode(code, i + 1));
      answers.push([reply.json?.error?.code, reply.json?.error?.attemptsLeft]);
    }
    expect(answers).toEqual([
      ['invalid_code', 4],
      ['invalid_code', 3],
      ['invalid_code', 2],
      ['invalid_code', 1],
      ['too_many_attempts', 0],
    ]);
    for (const demo of [b, a]) {
      const right = await frank.verify(demo, code);
      expect(right.status, right.text).not.toBe(200);
      expect(right.json.error.code).toBe('too_many_attempts');
    }
    expect((await frank.get(a, '/account')).status).toBe(302);
    // The number's wrong-code count (its lock across verifications, 100 a day) is one count in Redis, not one per process.
    expect(await onRedis((client) => client.hget(`pv:{limits}:failures:${phone}`, 'n'))).toBe('5');
  });
});
