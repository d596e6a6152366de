// scripts/bench-server.mjs
// Request overhead of the plugin, measured in the same run on the same machine against
// baselines: a bare Express JSON route (no session), and two floors, the least each
// sign-in step must do with express-session and Passport's session middleware mounted:
// the session-write floor (its route writes one value into the session and answers JSON:
// what /start must do at least, since the pending verification lives in the session) and
// the sign-in floor (its route loads such a session and calls req.login, which regenerates
// the session, serializes the user and saves: what /verify must do at least, since a
// sign-in must renew the session id, NIST 800-63B-4 §5.1, CVE-2022-25896). Requests per
// second and p50/p99 latency of /start and /verify (local provider, a sender that only
// remembers the code), with the memory store and with Redis (connect-redis sessions), each
// judged against its own floor (PASS/OVER on the issue's targets), the Redis commands
// clients send per step (MONITOR), and the heap each pending verification costs. Every
// figure is the median of BENCH_ROUNDS rounds, each round measuring every row in turn;
// ratios are taken within a round and their range printed; `cpu µs` is the server process's
// CPU time per request, steadier than req/s when other work shares the machine. The load client runs in a child
// process, so it shares neither the server's event loop nor its heap, and
// `node --cpu-prof scripts/bench-server.mjs` profiles the server alone.
// A benchmark, not a test: it prints figures and ratios, and fails only if a run breaks.
//
//   node --expose-gc scripts/bench-server.mjs      (npm run bench builds first and runs this)
//   BENCH_STORES=memory BENCH_ROUNDS=5 BENCH_REQUESTS=2000 node --expose-gc scripts/bench-server.mjs

import http from 'node:http';
import { once } from 'node:events';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { localProvider, PhoneVerifyStrategy, phoneVerifyRouter, VerificationService } from '@phone-verify/server-plugin';
import { startRedis } from './redis-server.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PENDING = Number(process.env.BENCH_PENDING ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const STORES = (process.env.BENCH_STORES ?? 'memory,redis').split(',');
/** The child process that is the load client. */
const LOAD_CLIENT = '--load-client';
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
    {
      provider,
      allowedCountries: ['GB'],
      logger: quiet,
      limits: { ...limits, ...(limitStore ? { store: limitStore } : {}) },
      breaker: { enabled: false },
      ...(store ? { store } : {}),
    },
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
  // The sign-in floor: the session the request brings (a session-write floor's) regenerated
  // with a user in it by req.login, and saved, JSON out. The user object is made, not looked up.
  app.post('/floor/sign-in', express.json(), (req, res, next) => {
    req.login({ id: req.body.phone }, (error) => (error ? next(error) : res.json({ status: 'approved', user: { id: req.body.phone } })));
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
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-phone-verify': '1',
          ...(cookie ? { cookie } : {}),
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
 * The load client (a child process): runs the given requests, CONCURRENCY at a time over
 * keep-alive; every answer must be 200. Replies with throughput, p50, p99 and each
 * request's session cookie.
 */
async function load({ port, requests }) {
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

if (process.argv.includes(LOAD_CLIENT)) {
  process.on('message', (job) =>
    load(job).then(
      (result) => process.send({ result }),
      (error) => process.send({ error: String(error?.stack ?? error) }),
    ),
  );
}

/** The load client for one server: a child process, without the server's flags (no --cpu-prof there). */
function loadClient(port) {
  const child = fork(fileURLToPath(import.meta.url), [LOAD_CLIENT], { execArgv: [], stdio: 'inherit' });
  return {
    run(requests) {
      return new Promise((resolve, reject) => {
        child.once('message', ({ result, error }) => (error ? reject(new Error(error)) : resolve(result)));
        child.send({ port, requests });
      });
    },
    close: () => {
      child.kill();
      return once(child, 'exit');
    },
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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The rows of one store: each scenario's median over the rounds, and its ratios' medians and ranges. */
async function measure(label, deps) {
  const { app, codes } = makeApp(deps);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const load = loadClient(port);
  // The server's own CPU time per request (this process's; the load client is another), steadier than req/s on a shared machine.
  const client = {
    async run(requests) {
      const before = process.cpuUsage();
      const result = await load.run(requests);
      const used = process.cpuUsage(before);
      return { ...result, cpu: (used.user + used.system) / requests.length };
    },
    close: () => load.close(),
  };
  const plain = (path, n = REQUESTS) => Array.from({ length: n }, () => ({ path, body: { phone: nextPhone() } }));
  const starts = (n = REQUESTS) => Array.from({ length: n }, () => ({ path: '/auth/phone/start', body: { phone: nextPhone() } }));
  const verifies = (started, result) =>
    started.map((request, i) => ({ path: '/auth/phone/verify', body: { code: codes.get(request.body.phone) }, cookie: result.cookies[i] }));
  // Each sign-in floor request brings a session a session-write floor request made, as /verify brings /start's.
  const signIns = (written, result) => written.map((request, i) => ({ path: '/floor/sign-in', body: request.body, cookie: result.cookies[i] }));
  /** One round: every scenario once, the floors before and after the plugin's rows (averaged, so drift hurts neither side). */
  async function round(n = REQUESTS) {
    const bare = await client.run(plain('/bare', n));
    const floors = async () => {
      const written = plain('/floor', n);
      const write = await client.run(written);
      return { write, signIn: await client.run(signIns(written, write)) };
    };
    const before = await floors();
    const startRequests = starts(n);
    const start = await client.run(startRequests);
    const verify = await client.run(verifies(startRequests, start));
    const after = await floors();
    const mean = (a, b) => ({ rps: (a.rps + b.rps) / 2, p50: (a.p50 + b.p50) / 2, p99: (a.p99 + b.p99) / 2, cpu: (a.cpu + b.cpu) / 2 });
    return { bare, write: mean(before.write, after.write), signIn: mean(before.signIn, after.signIn), start, verify };
  }
  const rounds = [];
  let commands = {};
  try {
    // A short round first, so the JIT and connection pool favour no path.
    await round(Math.min(500, REQUESTS));
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round());
    if (deps.client) {
      // One of each alone, its Redis commands counted (scripts already loaded by the runs above).
      const phone = nextPhone();
      let cookie;
      commands.start = await redisCommands(deps.client, async () => {
        cookie = (await client.run([{ path: '/auth/phone/start', body: { phone } }])).cookies[0];
      });
      commands.verify = await redisCommands(deps.client, () => client.run([{ path: '/auth/phone/verify', body: { code: codes.get(phone) }, cookie }]));
      let written;
      commands.write = await redisCommands(deps.client, async () => {
        written = (await client.run([{ path: '/floor', body: { phone } }])).cookies[0];
      });
      commands.signIn = await redisCommands(deps.client, () => client.run([{ path: '/floor/sign-in', body: { phone }, cookie: written }]));
    }
  } finally {
    await client.close();
    server.closeAllConnections();
    server.close();
  }
  const scenarios = [
    { key: 'bare', scenario: 'bare Express JSON route' },
    { key: 'write', scenario: 'floor: session write' },
    { key: 'signIn', scenario: 'floor: sign-in (req.login)' },
    { key: 'start', scenario: 'POST /start', floor: 'write' },
    { key: 'verify', scenario: 'POST /verify (sign-in)', floor: 'signIn' },
  ];
  return scenarios.map(({ key, scenario, floor }) => {
    const of = (field) => rounds.map((r) => r[key][field]);
    const ratio = (f) => rounds.map(f);
    const row = {
      scenario,
      store: label,
      rps: median(of('rps')),
      p50: median(of('p50')),
      p99: median(of('p99')),
      cpu: median(of('cpu')),
      commands: commands[key],
    };
    row.vsBare = median(ratio((r) => r[key].rps / r.bare.rps));
    if (floor) {
      const vsFloor = ratio((r) => r[key].rps / r[floor].rps);
      const p99VsFloor = ratio((r) => r[key].p99 / r[floor].p99);
      Object.assign(row, {
        floor: floor === 'write' ? 'session write' : 'sign-in',
        vsFloor: median(vsFloor),
        vsFloorRange: [Math.min(...vsFloor), Math.max(...vsFloor)],
        p99VsFloor: median(p99VsFloor),
        p99Range: [Math.min(...p99VsFloor), Math.max(...p99VsFloor)],
        // Against the session-write floor too, for comparison with earlier runs.
        vsWrite: median(ratio((r) => r[key].rps / r.write.rps)),
        cpuVsFloor: median(ratio((r) => r[key].cpu / r[floor].cpu)),
      });
      row.verdict = row.vsFloor >= TARGET_RATIO && row.p99VsFloor <= TARGET_P99 ? 'PASS' : 'OVER';
    }
    return row;
  });
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

const fmt = (n, digits = 1) => (n === undefined ? '-' : n.toFixed(digits));
const range = (r) => (r === undefined ? '' : ` (${r[0].toFixed(2)}–${r[1].toFixed(2)})`);

async function main() {
  console.log(
    `server overhead: ${REQUESTS} requests per scenario, ${CONCURRENCY} concurrent, keep-alive, loopback, load client in a child process; ` +
      `median of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} (range of the ratios in brackets)`,
  );
  const rows = [];
  if (STORES.includes('memory')) rows.push(...(await measure('memory', {})));
  if (STORES.includes('redis')) {
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
  }

  const columns = [
    ['scenario', 28, (r) => r.scenario],
    ['store', 7, (r) => r.store],
    ['req/s', 7, (r) => fmt(r.rps, 0)],
    ['p50 ms', 8, (r) => fmt(r.p50, 2)],
    ['p99 ms', 8, (r) => fmt(r.p99, 2)],
    ['vs bare', 8, (r) => fmt(r.vsBare, 2)],
    ['floor', 14, (r) => r.floor ?? ''],
    ['vs floor', 20, (r) => (r.vsFloor === undefined ? '' : fmt(r.vsFloor, 2) + range(r.vsFloorRange))],
    ['p99/floor', 20, (r) => (r.p99VsFloor === undefined ? '' : fmt(r.p99VsFloor, 2) + range(r.p99Range))],
    ['vs write', 9, (r) => (r.vsWrite === undefined ? '' : fmt(r.vsWrite, 2))],
    ['cpu µs', 7, (r) => fmt(r.cpu, 0)],
    ['cpu/floor', 10, (r) => (r.cpuVsFloor === undefined ? '' : fmt(r.cpuVsFloor, 2))],
    ['redis cmds', 11, (r) => (r.commands === undefined ? '-' : String(r.commands))],
    ['target', 7, (r) => r.verdict ?? ''],
  ];
  console.log('');
  console.log(columns.map(([title, width], i) => (i < 2 || i === 6 ? title.padEnd(width) : title.padStart(width))).join(' '));
  for (const row of rows) {
    console.log(columns.map(([, width, cell], i) => (i < 2 || i === 6 ? cell(row).padEnd(width) : cell(row).padStart(width))).join(' '));
  }
  const steps = rows.filter((row) => row.verdict);
  const over = steps.filter((row) => row.verdict === 'OVER');
  console.log('');
  console.log(
    `targets: each step ≥ ${TARGET_RATIO}× its floor's req/s and p99 ≤ ${TARGET_P99}× its floor's (/start against the session write, /verify against the sign-in), medians: ` +
      (over.length === 0 ? `PASS (${steps.length} of ${steps.length})` : `OVER for ${over.map((row) => `${row.scenario} on ${row.store}`).join(', ')}`),
  );
  const perVerification = await heapPerVerification();
  console.log('');
  console.log(
    perVerification === undefined
      ? 'heap per pending verification: run with node --expose-gc'
      : `heap per pending verification (memory store + limiter counters, over ${PENDING}): ${Math.round(perVerification)} bytes`,
  );
}

if (!process.argv.includes(LOAD_CLIENT)) await main();
