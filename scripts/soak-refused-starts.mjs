// scripts/soak-refused-starts.mjs
// Refusals cost nothing, watched over time: 100 000 POST /start from one client already
// over its limit, each to a new valid number, against the plugin mounted as the README
// shows (memory stores, then Redis). Prints the heap after a full GC, the limit-store
// entries (Redis: DBSIZE) and the stored sessions every 10 000 refusals. Not a test and
// not in CI: a soak to read, e.g. after a change to the limits.
//
//   npm run build --workspace server-plugin && node --expose-gc scripts/soak-refused-starts.mjs
//   SOAK_STARTS=20000 SOAK_STORES=memory node --expose-gc scripts/soak-refused-starts.mjs

import http from 'node:http';
import { once } from 'node:events';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { localProvider, MemoryLimitStore, MemoryStore, PhoneVerifyStrategy, phoneVerifyRouter } from '@phone-verify/server-plugin';
import { startRedis } from './redis-server.mjs';

const STARTS = Number(process.env.SOAK_STARTS ?? 100_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const STORES = (process.env.SOAK_STORES ?? 'memory,redis').split(',');
const CLIENT_IP = '203.0.113.7';
const quiet = { info() {}, warn() {}, error() {} };

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc, so the heap is measured after a full collection');
  process.exit(2);
}

const mobile = (n) => `+447400${String(n % 1_000_000).padStart(6, '0')}`;

function makeApp({ store, limitStore, sessionStore }) {
  const strategy = new PhoneVerifyStrategy(
    {
      provider: localProvider({ sender: () => {} }),
      allowedCountries: ['GB'],
      logger: quiet,
      store,
      limits: { perIp: [{ points: 10, duration: 3600 }], store: limitStore },
    },
    (phone) => ({ id: phone }),
  );
  const passport = new Passport();
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id, done) => done(null, { id }));
  const app = express();
  app.set('trust proxy', 1);
  app.use(session({ secret: 'soak', resave: false, saveUninitialized: false, store: sessionStore }));
  app.use(passport.session());
  app.use('/auth/phone', phoneVerifyRouter(strategy, { passport }));
  return app;
}

async function post(port, agent, phone) {
  const body = JSON.stringify({ phone });
  const req = http.request({
    host: '127.0.0.1',
    port,
    path: '/auth/phone/start',
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-phone-verify': '1', 'x-forwarded-for': CLIENT_IP },
  });
  req.end(body);
  const [res] = await once(req, 'response');
  res.resume();
  await once(res, 'end');
  return res.statusCode;
}

async function soak(name, deps, entries) {
  const sessionStore = new session.MemoryStore();
  const server = http.createServer(makeApp({ ...deps, sessionStore })).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const sessions = () => new Promise((resolve) => sessionStore.length((_, n) => resolve(n ?? 0)));
  let next = 0;
  const statuses = new Map();
  const run = async (count) => {
    const end = next + count;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < end) {
          const status = await post(port, agent, mobile(next++));
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
  };
  const report = async (label) => {
    globalThis.gc();
    const heap = process.memoryUsage().heapUsed / 1e6;
    console.log(
      `${name.padEnd(6)} ${label.padStart(14)}  heap ${heap.toFixed(1).padStart(6)} MB  limit entries ${String(await entries()).padStart(4)}  sessions ${await sessions()}`,
    );
    return heap;
  };
  await run(10); // the client's 10 allowed sends
  await run(2000); // warm-up
  const base = await report('warmed up');
  for (let done = 0; done < STARTS; done += 10_000) {
    await run(Math.min(10_000, STARTS - done));
    await report(`${done + Math.min(10_000, STARTS - done)} refused`);
  }
  const last = await report('end');
  console.log(
    `${name.padEnd(6)} answers ${JSON.stringify(Object.fromEntries(statuses))}; heap ${last - base >= 0 ? '+' : ''}${(last - base).toFixed(2)} MB over ${STARTS} refused starts`,
  );
  agent.destroy();
  server.closeAllConnections();
  server.close();
}

if (STORES.includes('memory')) {
  const limitStore = new MemoryLimitStore();
  const store = new MemoryStore();
  await soak('memory', { store, limitStore }, () => limitStore.size);
  store.close();
}
if (STORES.includes('redis')) {
  const redis = await startRedis();
  try {
    const deps = await redis.deps();
    await soak('redis', { store: deps.store, limitStore: deps.limitStore }, () => deps.client.dbsize());
  } finally {
    await redis.stop();
  }
}
