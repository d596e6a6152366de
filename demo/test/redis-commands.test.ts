// demo/test/redis-commands.test.ts
// Redis commands per sign-in step, counted on the test's own redis-server with
// MONITOR: the demo app (connect-redis sessions, RedisStore, RedisLimitStore,
// the default breaker) in this process, one POST /start and one POST /verify at a time.
// Deterministic where a timing is not: the count fails the test above the step's budget
// (issue 16: every round trip is latency, and on a loaded Redis, queueing).

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { localProvider } from '@phone-verify/server-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../server-plugin/test/support/index.js';
import { createDemoApp } from '../src/app.js';
import { DemoPhones } from '../src/phone.js';
import { redisBacking } from '../src/redis.js';

/** The budgets, the session's own reads and writes included. */
const BUDGET = { start: 12, verify: 10 };

let redis: RedisServer;
let inspect: Redis;
let backing: Awaited<ReturnType<typeof redisBacking>>;
let server: import('node:http').Server;
let base: string;
const codes = new Map<string, string>();

let monitor: Redis;
/** Commands the clients sent (one round trip each), by name, and those scripts ran inside Redis. */
let sent: Record<string, number> = {};
let inScripts = 0;
let marker = 0;

/**
 * Runs `step` alone and returns the commands clients sent during it, read off MONITOR
 * (which tells a client's command from one a Lua script ran: source "lua"). INFO
 * commandstats would count the script's inner calls as commands too, though they cost no trip.
 */
async function counted(step: () => Promise<void>): Promise<Record<string, number>> {
  sent = {};
  inScripts = 0;
  await step();
  // MONITOR's feed is asynchronous: a marker sent after the step, once seen, closes its count.
  const tag = `end-of-step-${++marker}`;
  const seen = new Promise<void>((resolve) => {
    const listener = (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'echo' && args[1] === tag) {
        monitor.off('monitor', listener);
        resolve();
      }
    };
    monitor.on('monitor', listener);
  });
  await inspect.echo(tag);
  await seen;
  const counts = { ...sent };
  delete counts.echo;
  return counts;
}

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

async function post(path: string, body: unknown, cookie?: string): Promise<{ status: number; json: any; cookie?: string }> {
  const res = await fetch(`${base}/auth/phone${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-phone-verify': '1', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('demo.sid='));
  return { status: res.status, json: await res.json(), ...(setCookie ? { cookie: setCookie.split(';')[0] } : {}) };
}

/** A sign-in on a fresh number; returns the commands of each step. */
async function signIn(phone: string): Promise<{ start: Record<string, number>; verify: Record<string, number> }> {
  let cookie: string | undefined;
  const start = await counted(async () => {
    const res = await post('/start', { phone });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    cookie = res.cookie;
  });
  expect(cookie).toBeDefined();
  const verify = await counted(async () => {
    const res = await post('/verify', { code: codes.get(phone) }, cookie);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.status).toBe('approved');
  });
  return { start, verify };
}

beforeAll(async () => {
  redis = await RedisServer.launch();
  inspect = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  monitor = await inspect.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') inScripts += 1;
    else sent[args[0]!.toLowerCase()] = (sent[args[0]!.toLowerCase()] ?? 0) + 1;
  });
  backing = await redisBacking(redis.url, 'redis-commands test secret');
  const { app } = createDemoApp({
    phones: new DemoPhones(),
    provider: localProvider({ sender: (phone, text) => void codes.set(phone, /\b(\d{6})\b/.exec(text)![1]!) }),
    store: backing.store,
    limitStore: backing.limitStore,
    sessionStore: backing.sessionStore,
    sessionSecret: backing.sessionSecret,
    logger: { info() {}, warn() {}, error() {} },
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  backing?.client.disconnect();
  monitor?.disconnect();
  inspect?.disconnect();
  await redis?.close();
});

describe('Redis commands per step (demo app: connect-redis sessions, RedisStore, RedisLimitStore)', () => {
  it(`a sign-in costs at most ${BUDGET.start} commands for POST /start and ${BUDGET.verify} for POST /verify`, async () => {
    // The first sign-in loads the scripts into Redis (EVALSHA, NOSCRIPT, then EVAL): not the steady state.
    await signIn('+447400900001');
    const { start, verify } = await signIn('+447400900002');
    console.log(
      `Redis commands per step: POST /start ${total(start)} ${JSON.stringify(start)}; POST /verify ${total(verify)} ${JSON.stringify(verify)} (${inScripts} run inside scripts)`,
    );
    expect(total(start), JSON.stringify(start)).toBeLessThanOrEqual(BUDGET.start);
    expect(total(verify), JSON.stringify(verify)).toBeLessThanOrEqual(BUDGET.verify);
    // Every step's state change is a script or a plain command, never a MULTI/EXEC read-modify-write.
    expect(start.multi ?? 0).toBe(0);
    expect(verify.multi ?? 0).toBe(0);
  });

  it('a second start for the same number (superseding the first) stays within the budget too', async () => {
    const phone = '+447400900003';
    const first = await post('/start', { phone });
    expect(first.status).toBe(200);
    const again = await counted(async () => {
      const res = await post('/start', { phone }, first.cookie);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    });
    console.log(`Redis commands, superseding POST /start: ${total(again)} ${JSON.stringify(again)}`);
    expect(total(again), JSON.stringify(again)).toBeLessThanOrEqual(BUDGET.start);
  });
});
