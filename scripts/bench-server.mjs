// scripts/bench-server.mjs
// Request overhead of the plugin, measured against a bare Express JSON route in the
// same run on the same machine: requests per second and p50/p99 latency of /start
// and /verify (local provider, a sender that only remembers the code), with the
// memory store and with Redis; and the heap each pending verification costs.
// A benchmark, not a test: it prints figures and ratios, and fails only if a run breaks.
//
//   node --expose-gc scripts/bench-server.mjs      (npm run bench builds first and runs this)

import http from 'node:http';
import { once } from 'node:events';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { localProvider, PhoneVerifyStrategy, phoneVerifyRouter, VerificationService } from '@phone-verify/server-plugin';
import { startRedis } from './redis-server.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PENDING = Number(process.env.BENCH_PENDING ?? 100_000);
const quiet = { info() {}, warn() {}, error() {} };
// Limits out of the way: this measures the path, not the policy.
const open = { points: 1e9, duration: 3600 };
const limits = { perPhone: [open], perIp: [open], perPrefix: [open], global: [open], failures: open };

let serial = 0;
/** A fresh valid GB mobile number each call: +44 7400 000000 … */
const nextPhone = () => `+447400${String(serial++ % 1_000_000).padStart(6, '0')}`;

/** The app under test: the plugin mounted as the README shows, plus the bare route. */
function makeApp({ store, limitStore, sessionStore }) {
  const codes = new Map();
  const provider = localProvider({ sender: (phone, text) => void codes.set(phone, text.slice(0, 6)) });
  const strategy = new PhoneVerifyStrategy(
    { provider, allowedCountries: ['GB'], logger: quiet, limits: { ...limits, ...(limitStore ? { store: limitStore } : {}) }, breaker: { enabled: false }, ...(store ? { store } : {}) },
    async (phone) => ({ id: phone }),
  );
  const passport = new Passport();
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id, done) => done(null, { id }));

  const app = express();
  app.post('/bare', express.json(), (req, res) => res.json({ status: 'pending', phone: req.body.phone }));
  app.use(session({ secret: 'bench', resave: false, saveUninitialized: false, ...(sessionStore ? { store: sessionStore } : {}) }));
  app.use(passport.session());
  app.use('/auth/phone', phoneVerifyRouter(strategy, { passport }));
  return { app, codes };
}

/** One POST with a JSON body; resolves with status, body and the session cookie. */
function post(agent, port, path, body, cookie) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent, host: '127.0.0.1', port, path, method: 'POST',
        headers: {
          'content-type': 'application/json', 'content-length': Buffer.byteLength(payload),
          'x-phone-verify': '1', ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `count` requests, `CONCURRENCY` at a time; every answer must be 200. */
async function load(count, request) {
  const latencies = new Float64Array(count);
  let next = 0;
  const started = process.hrtime.bigint();
  async function worker() {
    while (next < count) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      const res = await request(i);
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200) throw new Error(`request ${i} answered ${res.status}: ${res.text}`);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort();
  const at = (q) => latencies[Math.min(count - 1, Math.floor(q * count))];
  return { rps: count / seconds, p50: at(0.5), p99: at(0.99) };
}

async function measure(label, deps) {
  const { app, codes } = makeApp(deps);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const rows = [];
  const bare = () => load(REQUESTS, () => post(agent, port, '/bare', { phone: nextPhone() }));
  try {
    // Warm every path first, so the JIT and connection pool favour none of them.
    const warm = Math.min(500, REQUESTS);
    const warmSessions = [];
    await load(warm, () => post(agent, port, '/bare', { phone: nextPhone() }));
    await load(warm, async () => {
      const phone = nextPhone();
      const res = await post(agent, port, '/auth/phone/start', { phone });
      warmSessions.push({ phone, cookie: res.cookie });
      return res;
    });
    await load(warm, (i) => post(agent, port, '/auth/phone/verify', { code: codes.get(warmSessions[i].phone) }, warmSessions[i].cookie));

    const bareBefore = await bare();
    const sessions = [];
    rows.push({
      scenario: 'POST /start',
      store: label,
      ...(await load(REQUESTS, async () => {
        const phone = nextPhone();
        const res = await post(agent, port, '/auth/phone/start', { phone });
        sessions.push({ phone, cookie: res.cookie });
        return res;
      })),
    });
    // Each verify signs in one of the sessions just started, with its code.
    rows.push({
      scenario: 'POST /verify (sign-in)',
      store: label,
      ...(await load(REQUESTS, (i) => post(agent, port, '/auth/phone/verify', { code: codes.get(sessions[i].phone) }, sessions[i].cookie))),
    });
    // The baseline, measured before and after the plugin's runs and averaged, so drift hurts neither side.
    const bareAfter = await bare();
    rows.unshift({
      scenario: 'bare Express JSON route',
      store: label,
      rps: (bareBefore.rps + bareAfter.rps) / 2,
      p50: (bareBefore.p50 + bareAfter.p50) / 2,
      p99: (bareBefore.p99 + bareAfter.p99) / 2,
    });
  } finally {
    agent.destroy();
    server.closeAllConnections();
    server.close();
  }
  return rows.map((row) => ({ ...row, ratio: row.rps / rows[0].rps }));
}

/** Heap per pending verification: the store's entry and the limiter counters it adds. */
async function heapPerVerification() {
  if (typeof global.gc !== 'function') return undefined;
  const service = new VerificationService({
    provider: localProvider({ sender: () => {} }),
    allowedCountries: ['GB'],
    logger: quiet,
    limits,
    breaker: { enabled: false },
  });
  const settle = async () => {
    for (let i = 0; i < 3; i++) global.gc();
    await new Promise((resolve) => setImmediate(resolve));
    return process.memoryUsage().heapUsed;
  };
  const before = await settle();
  for (let i = 0; i < PENDING; i += 1000) {
    await Promise.all(Array.from({ length: 1000 }, () => service.start({ phone: nextPhone() })));
  }
  const after = await settle();
  service.settings.store.close?.();
  return (after - before) / PENDING;
}

const fmt = (n, digits = 1) => n.toFixed(digits).padStart(9);

async function main() {
  console.log(`server overhead: ${REQUESTS} requests per scenario, ${CONCURRENCY} concurrent, keep-alive, loopback, one process`);
  const rows = await measure('memory', {});

  const redis = await startRedis().catch((error) => ({ error }));
  if (redis.error) {
    console.log(`(Redis rows skipped: ${redis.error.message})`);
  } else {
    try {
      rows.push(...(await measure('redis', await redis.deps())));
    } finally {
      await redis.stop();
    }
  }

  console.log('');
  console.log(`${'scenario'.padEnd(26)}${'store'.padEnd(8)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'vs bare'.padStart(9)}`);
  for (const row of rows) {
    console.log(`${row.scenario.padEnd(26)}${row.store.padEnd(8)}${fmt(row.rps, 0)}${fmt(row.p50, 2)}${fmt(row.p99, 2)}${fmt(row.ratio, 2)}`);
  }
  const perVerification = await heapPerVerification();
  console.log('');
  console.log(
    perVerification === undefined
      ? 'heap per pending verification: run with node --expose-gc'
      : `heap per pending verification (memory store + limiter counters, over ${PENDING}): ${Math.round(perVerification)} bytes`,
  );
}

await main();
