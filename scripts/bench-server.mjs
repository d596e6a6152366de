// scripts/bench-server.mjs
// Request overhead of the plugin, measured in the same run on the same machine against
// two baselines: a bare Express JSON route (no session), and the floor, the same Express
// app with express-session and Passport's session middleware whose route writes one value
// into the session and answers JSON, the least any sign-in step must do. Requests per
// second and p50/p99 latency of /start and /verify (local provider, a sender that only
// remembers the code), with the memory store and with Redis (connect-redis sessions), the
// Redis commands clients send per step (MONITOR), and the heap each pending verification
// costs. The load client runs in a worker thread, so it does not share the server's event loop.
// A benchmark, not a test: it prints figures and ratios, and fails only if a run breaks.
//
//   node --expose-gc scripts/bench-server.mjs      (npm run bench builds first and runs this)

import http from 'node:http';
import { once } from 'node:events';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { localProvider, PhoneVerifyStrategy, phoneVerifyRouter, VerificationService } from '@phone-verify/server-plugin';
import { startRedis } from './redis-server.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PENDING = Number(process.env.BENCH_PENDING ?? 100_000);
// The issue's targets for a sign-in step against the floor.
const TARGET_RATIO = 0.6;
const TARGET_P99 = 2;

const quiet = { info() {}, warn() {}, error() {} };
// Limits out of the way: this measures the path, not the policy.
const open = { points: 1e9, duration: 3600 };
const limits = { perPhone: [open], perIp: [open], perPrefix: [open], global: [open], failures: open };

let serial = 0;
/** A fresh valid GB mobile number each call: +44 7400 000000 … */
const nextPhone = () => `+447400${String(serial++ % 1_000_000).padStart(6, '0')}`;

/** The app under test: the plugin mounted as the README shows, plus the bare route and the floor. */
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
  // The floor: one value into the session (so it is saved and a cookie is set), JSON out.
  app.post('/floor', express.json(), (req, res) => {
    req.session.floor = req.body.phone;
    res.json({ status: 'pending', phone: req.body.phone });
  });
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


/**
 * The load client (worker thread): runs the given requests, CONCURRENCY at a time over
 * keep-alive; every answer must be 200. Replies with throughput, p50, p99 and each
 * request's session cookie.
 */
async function loadInWorker({ port, requests }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = new Float64Array(requests.length);
  const cookies = new Array(requests.length);
  let next = 0;
  const started = process.hrtime.bigint();
  async function worker() {
    while (next < requests.length) {
      const i = next++;
      const { path, body, cookie } = requests[i];
      const t0 = process.hrtime.bigint();
      const res = await post(agent, port, path, body, cookie);
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200) throw new Error(`${path} request ${i} answered ${res.status}: ${res.text}`);
      cookies[i] = res.cookie;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort();
  const at = (q) => latencies[Math.min(requests.length - 1, Math.floor(q * requests.length))];
  return { rps: requests.length / seconds, p50: at(0.5), p99: at(0.99), cookies };
}

if (!isMainThread) {
  parentPort.on('message', (job) => loadInWorker({ ...workerData, requests: job }).then((result) => parentPort.postMessage({ result }), (error) => parentPort.postMessage({ error: String(error?.stack ?? error) })));
}

/** The worker-thread load client for one server. */
function loadClient(port) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { port } });
  return {
    run(requests) {
      return new Promise((resolve, reject) => {
        worker.once('message', ({ result, error }) => (error ? reject(new Error(error)) : resolve(result)));
        worker.postMessage(requests);
      });
    },
    close: () => worker.terminate(),
  };
}

/** Redis commands clients send during `step`, by name, read off MONITOR (a script's own calls excluded). */
async function redisCommands(client, step) {
  const monitor = await client.monitor();
  const counts = {};
  const tag = `bench-step-end-${Date.now()}`;
  let done;
  const seen = new Promise((resolve) => (done = resolve));
  monitor.on('monitor', (_time, args, source) => {
    const name = String(args[0]).toLowerCase();
    if (name === 'echo' && args[1] === tag) return done();
    if (source !== 'lua') counts[name] = (counts[name] ?? 0) + 1;
  });
  try {
    await step();
    await client.echo(tag);
    await seen;
  } finally {
    monitor.disconnect();
  }
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function measure(label, deps) {
  const { app, codes } = makeApp(deps);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const client = loadClient(port);
  const rows = [];
  const plain = (path, n = REQUESTS) => Array.from({ length: n }, () => ({ path, body: { phone: nextPhone() } }));
  const starts = (n = REQUESTS) => Array.from({ length: n }, () => ({ path: '/auth/phone/start', body: { phone: nextPhone() } }));
  const verifies = (started, result) => started.map((request, i) => ({ path: '/auth/phone/verify', body: { code: codes.get(request.body.phone) }, cookie: result.cookies[i] }));
  const baseline = async (path) => {
    const result = await client.run(plain(path));
    delete result.cookies;
    return result;
  };
  try {
    // Warm every path first, so the JIT and connection pool favour none of them.
    const warm = Math.min(500, REQUESTS);
    await client.run(plain('/bare', warm));
    await client.run(plain('/floor', warm));
    const warmStarts = starts(warm);
    await client.run(verifies(warmStarts, await client.run(warmStarts)));

    const bareBefore = await baseline('/bare');
    const floorBefore = await baseline('/floor');
    const startRequests = starts();
    const started = await client.run(startRequests);
    const verified = await client.run(verifies(startRequests, started));
    // The baselines, measured before and after the plugin's runs and averaged, so drift hurts neither side.
    const bareAfter = await baseline('/bare');
    const floorAfter = await baseline('/floor');
    const mean = (a, b) => ({ rps: (a.rps + b.rps) / 2, p50: (a.p50 + b.p50) / 2, p99: (a.p99 + b.p99) / 2 });

    let commands = { start: undefined, verify: undefined };
    if (deps.client) {
      // One sign-in alone, its Redis commands counted (scripts already loaded by the runs above).
      const phone = nextPhone();
      let cookie;
      commands.start = await redisCommands(deps.client, async () => {
        cookie = (await client.run([{ path: '/auth/phone/start', body: { phone } }])).cookies[0];
      });
      commands.verify = await redisCommands(deps.client, () => client.run([{ path: '/auth/phone/verify', body: { code: codes.get(phone) }, cookie }]));
      commands.floor = await redisCommands(deps.client, () => client.run(plain('/floor', 1)));
    }
    rows.push({ scenario: 'bare Express JSON route', store: label, ...mean(bareBefore, bareAfter) });
    rows.push({ scenario: 'floor (session write)', store: label, ...mean(floorBefore, floorAfter), commands: commands.floor });
    rows.push({ scenario: 'POST /start', store: label, rps: started.rps, p50: started.p50, p99: started.p99, commands: commands.start });
    rows.push({ scenario: 'POST /verify (sign-in)', store: label, rps: verified.rps, p50: verified.p50, p99: verified.p99, commands: commands.verify });
  } finally {
    await client.close();
    server.closeAllConnections();
    server.close();
  }
  const [bare, floor] = rows;
  return rows.map((row) => ({ ...row, vsBare: row.rps / bare.rps, vsFloor: row.rps / floor.rps, p99VsFloor: row.p99 / floor.p99 }));
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

const fmt = (n, digits = 1) => (n === undefined ? '-' : n.toFixed(digits)).padStart(9);

async function main() {
  console.log(`server overhead: ${REQUESTS} requests per scenario, ${CONCURRENCY} concurrent, keep-alive, loopback, load client in a worker thread`);
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
  console.log(`${'scenario'.padEnd(26)}${'store'.padEnd(8)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'vs bare'.padStart(9)}${'vs floor'.padStart(9)}${'p99/floor'.padStart(10)}${'redis cmds'.padStart(11)}`);
  for (const row of rows) {
    console.log(
      `${row.scenario.padEnd(26)}${row.store.padEnd(8)}${fmt(row.rps, 0)}${fmt(row.p50, 2)}${fmt(row.p99, 2)}${fmt(row.vsBare, 2)}${fmt(row.vsFloor, 2)}${fmt(row.p99VsFloor, 2).padStart(10)}${(row.commands === undefined ? '-' : String(row.commands)).padStart(11)}`,
    );
  }
  const steps = rows.filter((row) => row.scenario.startsWith('POST'));
  const misses = steps.filter((row) => row.vsFloor < TARGET_RATIO || row.p99VsFloor > TARGET_P99);
  console.log('');
  console.log(
    misses.length === 0
      ? `targets met: every step ≥ ${TARGET_RATIO}× the floor's req/s, p99 ≤ ${TARGET_P99}× the floor's`
      : `targets (≥ ${TARGET_RATIO}× the floor's req/s, p99 ≤ ${TARGET_P99}× the floor's) missed by: ${misses.map((row) => `${row.scenario} on ${row.store}`).join(', ')}`,
  );
  const perVerification = await heapPerVerification();
  console.log('');
  console.log(
    perVerification === undefined
      ? 'heap per pending verification: run with node --expose-gc'
      : `heap per pending verification (memory store + limiter counters, over ${PENDING}): ${Math.round(perVerification)} bytes`,
  );
}

if (isMainThread) await main();
