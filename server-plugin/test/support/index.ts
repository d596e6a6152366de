// server-plugin/test/support/index.ts
// What every test suite of the repository shares (plugin, demo, benchmarks): one clock,
// one Verification fixture, one wrong code, the protocol's default answers, one free-port
// picker, one redis-server launcher, and the HTTP helpers (widget-like agent, JSON fetch).

export { ManualClock } from '../../src/testing/clock.js';
export { aVerification, FIXTURE_TTL_MS } from './verification.js';
export { wrongCode } from './codes.js';
export { DEFAULT_CONFIG, FIRST_PENDING_GB, GB_DE_US_COUNTRIES } from './config.js';
export { freePort } from './ports.mjs';
export { RedisServer, findRedisServer, type RedisServerOptions } from './redis-server.mjs';
export { browserAgent, call, sessionCookie } from './http.js';
export { ready, useRedis, type RedisFixture } from './redis.js';
