// server-plugin/src/redis-store.ts
// Pending verifications and rate-limit counters in Redis, so several processes
// behind a load balancer share one truth. Every store method is one Lua script:
// one round trip, atomic on the server, never a read-modify-write across trips.

import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { PhoneVerifyConfigError } from './errors.js';
import type { Counter, CounterState, FailurePolicy, FailureReservation, FailureState, LimitStore, LockCheck, LockedTake, TakeResult } from './limit-store.js';
import type { Channel } from './protocol.js';
import type { ProviderState } from './providers/types.js';
import type { SendRelease, SendReservation, SendRules, Verification, VerificationStore } from './store.js';

/** An ioredis client: a single node (with or without Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisStoreOptions {
  /**
   * The connection, owned by the application (the store never connects or quits it).
   * It must have a `commandTimeout`; see {@link createRedisClient} for the options that
   * make an outage fail fast.
   */
  client: RedisClient;
  /** Prefix of every key; a verification lives at `${keyPrefix}v:${id}`. Default `pv:`. */
  keyPrefix?: string;
  /** Milliseconds since the epoch; tests pass a fake clock. Default `Date.now`. */
  clock?: () => number;
}

/*
 * Key layout: one hash per verification at `${prefix}v:${id}`, with a PEXPIRE set at
 * creation, so Redis forgets it when it expires. Fields:
 *
 *   id, phone, channel, provider   strings, as given
 *   state                          JSON text of the ProviderState; Lua never parses it
 *   createdAt, expiresAt,
 *   lastSentAt                     numbers as JavaScript writes them (String(n))
 *   sends, attempts                integers, changed in place by HINCRBY
 *
 * Why a hash rather than one JSON string: the scripts change single fields (HINCRBY
 * attempts, HSET lastSentAt) without decoding and re-encoding the record. Redis's Lua
 * cjson writes numbers with 14 significant digits (cjson.encode(cjson.decode(...)) turns
 * 9007199254740991 into 9.007199254741e+15 and 0.30000000000000004 into 0.3), so a JSON
 * round trip inside a script would alter numbers; here Lua only compares numbers and
 * stores the caller's text, JavaScript does every conversion (String(n) / Number(s),
 * exact for every finite number) and the counters are int64 in Redis. HSET and HINCRBY
 * keep the key's TTL; a GETDEL-able string would save nothing, since consume must also
 * check expiry against the caller's clock.
 *
 * Every script takes the caller's clock as ARGV[1] (never Redis TIME) and treats a
 * record whose expiresAt <= now as gone, deleting it on sight, exactly like MemoryStore;
 * so a fake clock in tests behaves the same, and process clocks decide, not Redis's.
 */

/** Shared start of every script but create: `false` (and the key deleted) if expired or absent. */
const LIVE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local expiresAt = redis.call('HGET', key, 'expiresAt')
if not expiresAt then return false end
if tonumber(expiresAt) <= now then
  redis.call('DEL', key)
  return false
end
`;

const SCRIPTS = {
  /** ARGV: ttlMs, field, value, ... Replaces any record under the key; stores nothing if ttlMs <= 0. */
  phoneVerifyCreate: `
redis.call('DEL', KEYS[1])
if tonumber(ARGV[1]) <= 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`,
  /** ARGV: now. Reply: the flat HGETALL, or nil. */
  phoneVerifyGet: `${LIVE}
return redis.call('HGETALL', key)
`,
  /**
   * ARGV: now, cooldownMs, maxSends. Reply: nil if missing, else
   * { 'ok' | 'cooldown' | 'limit', sends before, lastSentAt before, HGETALL after }.
   * On 'ok', sends is incremented and lastSentAt set to ARGV[1] (the caller's text).
   */
  phoneVerifyReserveSend: `${LIVE}
local before = redis.call('HMGET', key, 'sends', 'lastSentAt')
local status = 'ok'
if tonumber(before[2]) + tonumber(ARGV[2]) - now > 0 then
  status = 'cooldown'
elseif tonumber(before[1]) >= tonumber(ARGV[3]) then
  status = 'limit'
else
  redis.call('HINCRBY', key, 'sends', 1)
  redis.call('HSET', key, 'lastSentAt', ARGV[1])
end
return { status, before[1], before[2], redis.call('HGETALL', key) }
`,
  /**
   * ARGV: now, sentAt, previousSentAt. One send fewer; lastSentAt back to previousSentAt
   * only if it is still sentAt (no other send since). Reply: 1 if live, nil if missing.
   */
  phoneVerifyReleaseSend: `${LIVE}
if tonumber(redis.call('HGET', key, 'sends')) > 0 then
  redis.call('HINCRBY', key, 'sends', -1)
end
if redis.call('HGET', key, 'lastSentAt') == ARGV[2] then
  redis.call('HSET', key, 'lastSentAt', ARGV[3])
end
return 1
`,
  /** ARGV: now, channel, state JSON. Sets both if live. Reply: 1 if set, nil if missing. */
  phoneVerifyUpdateDelivery: `${LIVE}
redis.call('HSET', key, 'channel', ARGV[2], 'state', ARGV[3])
return 1
`,
  /** ARGV: now, delta. Reply: the new attempts count, or nil if missing. */
  phoneVerifyAddAttempt: `${LIVE}
return redis.call('HINCRBY', key, 'attempts', ARGV[2])
`,
  /** ARGV: now. Reply: the flat HGETALL after counting one more attempt; nil if missing. */
  phoneVerifyCountAttempt: `${LIVE}
redis.call('HINCRBY', key, 'attempts', 1)
return redis.call('HGETALL', key)
`,
  /** ARGV: now. Reply: the flat HGETALL, the key deleted in the same step; nil if missing. */
  phoneVerifyConsume: `${LIVE}
local record = redis.call('HGETALL', key)
redis.call('DEL', key)
return record
`,
  /**
   * KEYS[1] is the number's claim, `${prefix}p:${phone}`, a string holding the id of its live
   * verification. ARGV: id, ttlMs. Reply: the id it held before (or nil), now replaced.
   */
  phoneVerifyClaim: `
local previous = redis.call('GET', KEYS[1])
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('DEL', KEYS[1])
end
return previous
`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptCommand = (key: string, ...args: string[]) => Promise<unknown>;

const NUMBER_FIELDS = ['createdAt', 'expiresAt', 'lastSentAt', 'sends', 'attempts'] as const;
const STRING_FIELDS = ['id', 'phone', 'channel', 'provider', 'state'] as const;

function finite(name: string, value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a finite number`);
  return String(value);
}

function finiteNumber(name: string, value: unknown): number {
  return Number(finite(name, value));
}

function integer(name: string, value: unknown): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be a safe integer`);
  return String(value);
}

function encode(v: Verification): string[] {
  return [
    'id',
    v.id,
    'phone',
    v.phone,
    'channel',
    v.channel,
    'provider',
    v.provider,
    'state',
    JSON.stringify(v.state),
    'createdAt',
    finite('createdAt', v.createdAt),
    'expiresAt',
    finite('expiresAt', v.expiresAt),
    'lastSentAt',
    finite('lastSentAt', v.lastSentAt),
    'sends',
    integer('sends', v.sends),
    'attempts',
    integer('attempts', v.attempts),
    ...(v.country === undefined ? [] : ['country', v.country]),
  ];
}

function decode(reply: unknown): Verification {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) throw new Error('phone-verify: unreadable verification record in Redis');
  const fields = new Map<string, string>();
  for (let i = 0; i < reply.length; i += 2) fields.set(String(reply[i]), String(reply[i + 1]));
  for (const name of [...STRING_FIELDS, ...NUMBER_FIELDS]) {
    if (!fields.has(name)) throw new Error(`phone-verify: verification record in Redis lacks "${name}"`);
  }
  const number = (name: (typeof NUMBER_FIELDS)[number]): number => Number(fields.get(name));
  const country = fields.get('country');
  return {
    ...(country === undefined ? {} : { country }),
    id: fields.get('id')!,
    phone: fields.get('phone')!,
    channel: fields.get('channel') as Channel,
    provider: fields.get('provider')!,
    state: JSON.parse(fields.get('state')!) as ProviderState,
    createdAt: number('createdAt'),
    expiresAt: number('expiresAt'),
    lastSentAt: number('lastSentAt'),
    sends: number('sends'),
    attempts: number('attempts'),
  };
}

/** The client's own options, for a single node or a cluster. */
function commandTimeoutOf(client: RedisClient): unknown {
  const options = (client as { options?: { commandTimeout?: unknown; redisOptions?: { commandTimeout?: unknown } } }).options;
  return options?.commandTimeout ?? options?.redisOptions?.commandTimeout;
}

/**
 * Keeps pending verifications in Redis, shared by every process: any process can
 * serve any step. Same semantics as {@link MemoryStore}; each method is one Lua
 * script, so of parallel callers exactly one consumes a verification and no two
 * resends slip past a limit, whichever process they reach.
 *
 * **Failure behaviour.** When Redis is unreachable every method rejects (the service
 * answers `provider_unavailable`, failing closed), provided the client fails fast
 * rather than queueing commands. {@link createRedisClient} builds such a client; with
 * your own, set:
 *
 * - `commandTimeout` (e.g. 1000): bounds every command, including one sent on a
 *   half-open connection that will never answer. **Required**: the constructor
 *   refuses a client without it, since a lost server would otherwise hang sign-ins.
 * - `enableOfflineQueue: false`: while disconnected, commands reject at once instead of
 *   waiting in a queue, and cannot run later after the caller was told they failed.
 *   (Until the first connection is ready commands fail too: `await once(client, 'ready')`
 *   before serving if that matters.)
 * - `maxRetriesPerRequest: 1`: commands in flight when the connection drops are
 *   rejected after one failed reconnection.
 * - `autoResendUnfulfilledCommands: false`: an unanswered command is not sent again
 *   after a reconnect (its caller may already have been told it failed).
 * - `retryStrategy: (n) => Math.min(n * 100, 2000)`: keeps reconnecting forever (never
 *   returns null), so service resumes when Redis is back, with no restart.
 *
 * Keys: `${keyPrefix}v:${id}`, a hash with a TTL equal to the verification's lifetime, and
 * `${keyPrefix}p:${phone}`, the id of the number's live verification, with the same TTL.
 * One key per script, declared in KEYS, so it works on Redis Cluster too.
 */
export class RedisStore implements VerificationStore {
  private readonly client: RedisClient;
  private readonly keyPrefix: string;
  private readonly clock: () => number;

  constructor(options: RedisStoreOptions) {
    const { client } = options;
    if (!client || typeof (client as { defineCommand?: unknown }).defineCommand !== 'function') {
      throw new PhoneVerifyConfigError('ERR_PV_REDIS_CLIENT', 'RedisStore needs { client }: an ioredis client (new Redis(url) or createRedisClient(url))');
    }
    const timeout = commandTimeoutOf(client);
    if (typeof timeout !== 'number' || !(timeout > 0)) {
      throw new PhoneVerifyConfigError(
        'ERR_PV_REDIS_CLIENT',
        'RedisStore needs an ioredis client with a commandTimeout (e.g. 1000), or a lost Redis server can hang every sign-in; createRedisClient(url) sets it and the other fail-fast options',
      );
    }
    this.client = client;
    this.keyPrefix = options.keyPrefix ?? 'pv:';
    this.clock = options.clock ?? Date.now;
    // ioredis runs these as EVALSHA and falls back to EVAL when the server has lost its
    // script cache (a restart), so recovery needs nothing from us.
    for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 1, lua });
  }

  async create(verification: Verification): Promise<void> {
    const fields = encode(verification);
    // Whole milliseconds, rounded up: Redis must never forget a record we still consider live.
    const ttl = Math.ceil(verification.expiresAt - this.clock());
    await this.run('phoneVerifyCreate', verification.id, String(ttl), ...fields);
  }

  async get(id: string): Promise<Verification | undefined> {
    const reply = await this.run('phoneVerifyGet', id, this.now());
    return reply ? decode(reply) : undefined;
  }

  async reserveSend(id: string, rules: SendRules): Promise<SendReservation> {
    const reply = (await this.run(
      'phoneVerifyReserveSend',
      id,
      finite('rules.now', rules.now),
      finite('rules.cooldownMs', rules.cooldownMs),
      finite('rules.maxSends', rules.maxSends),
    )) as [string, string, string, unknown] | null;
    if (!reply) return { ok: false, reason: 'missing' };
    const [status, sends, lastSentAt, record] = reply;
    const verification = decode(record);
    const previous = { sends: Number(sends), lastSentAt: Number(lastSentAt) };
    // The script decided; the waits are computed here, in the same arithmetic as MemoryStore.
    if (status === 'cooldown') return { ok: false, reason: 'cooldown', retryAfterMs: previous.lastSentAt + rules.cooldownMs - rules.now };
    if (status === 'limit') return { ok: false, reason: 'limit', retryAfterMs: verification.expiresAt - rules.now };
    return { ok: true, verification, release: { sentAt: rules.now, previousSentAt: previous.lastSentAt } };
  }

  async releaseSend(id: string, release: SendRelease): Promise<void> {
    await this.run('phoneVerifyReleaseSend', id, this.now(), finite('sentAt', release.sentAt), finite('previousSentAt', release.previousSentAt));
  }

  async updateDelivery(id: string, delivery: Pick<Verification, 'channel' | 'state'>): Promise<void> {
    await this.run('phoneVerifyUpdateDelivery', id, this.now(), delivery.channel, JSON.stringify(delivery.state));
  }

  async addAttempt(id: string, delta: 1 | -1 = 1): Promise<number | undefined> {
    if (delta !== 1 && delta !== -1) throw new TypeError('addAttempt delta must be 1 or -1');
    const reply = await this.run('phoneVerifyAddAttempt', id, this.now(), String(delta));
    return reply === null ? undefined : Number(reply);
  }

  async countAttempt(id: string): Promise<Verification | undefined> {
    const reply = await this.run('phoneVerifyCountAttempt', id, this.now());
    return reply ? decode(reply) : undefined;
  }

  async consume(id: string): Promise<Verification | undefined> {
    const reply = await this.run('phoneVerifyConsume', id, this.now());
    return reply ? decode(reply) : undefined;
  }

  async delete(id: string): Promise<void> {
    await this.client.del(this.key(id));
  }

  async claimPhone(phone: string, id: string, expiresAt: number): Promise<string | undefined> {
    // Same rounding as create: the claim lasts exactly as long as the verification.
    const ttl = Math.ceil(finiteNumber('expiresAt', expiresAt) - this.clock());
    const previous = (await this.runOn('phoneVerifyClaim', this.claimKey(phone), id, String(ttl))) as string | null;
    return previous === null || previous === id ? undefined : previous;
  }

  async claimedFor(phone: string): Promise<string | undefined> {
    return (await this.client.get(this.claimKey(phone))) ?? undefined;
  }

  async rememberOnce(key: string, ttlMs: number): Promise<boolean> {
    // SET NX PX is one atomic command: of several processes, exactly one is first.
    const ttl = Math.max(1, Math.ceil(finiteNumber('ttlMs', ttlMs)));
    return (await this.client.set(`${this.keyPrefix}once:${key}`, '1', 'PX', ttl, 'NX')) === 'OK';
  }

  /** The Redis key of a verification. */
  key(id: string): string {
    return `${this.keyPrefix}v:${id}`;
  }

  /** The Redis key naming a number's live verification (expires with it). */
  claimKey(phone: string): string {
    return `${this.keyPrefix}p:${phone}`;
  }

  private now(): string {
    return finite('clock()', this.clock());
  }

  private run(script: ScriptName, id: string, ...args: string[]): Promise<unknown> {
    return this.runOn(script, this.key(id), ...args);
  }

  private runOn(script: ScriptName, key: string, ...args: string[]): Promise<unknown> {
    const command = (this.client as unknown as Record<ScriptName, ScriptCommand>)[script];
    return command.call(this.client, key, ...args);
  }
}

/** The options {@link createRedisClient} applies; yours override them. */
export const FAIL_FAST_REDIS_OPTIONS = {
  commandTimeout: 1000,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  connectTimeout: 2000,
  retryStrategy: (attempt: number): number => Math.min(attempt * 100, 2000),
} as const satisfies RedisOptions;

/** A Redis Cluster for {@link createRedisClient}: some of its nodes (it finds the rest), and ioredis's options. */
export interface RedisClusterConfig {
  /** Startup nodes: `{ host, port }` or `redis://host:port` (any master or replica; the client discovers the others). */
  cluster: ClusterNode[];
  /** Options of each node's connection (TLS, password, timeouts); the fail-fast ones are applied under yours. */
  redisOptions?: RedisOptions;
  /** ioredis's Cluster options (`natMap`, `scaleReads`, …); offline queueing is off unless you turn it on. */
  clusterOptions?: ClusterOptions;
}

/**
 * An ioredis client that fails fast during an outage and recovers by itself: see
 * {@link RedisStore} for what each option does. It connects at once; commands fail
 * until it is ready (`await once(client, 'ready')` to wait). It emits `error` on every
 * failed reconnection: attach a listener that logs, or ioredis prints each one.
 *
 * Given `{ cluster: [...] }` it returns an ioredis `Cluster` with the same fail-fast
 * options on every node's connection. TLS: a `rediss://` URL, or `redisOptions: { tls: {} }`
 * for a cluster (Node's `tls.connect` options: `ca`, `servername`, …).
 */
export function createRedisClient(url: string, options?: RedisOptions): Redis;
export function createRedisClient(config: RedisClusterConfig): Cluster;
export function createRedisClient(target: string | RedisClusterConfig, options: RedisOptions = {}): RedisClient {
  if (typeof target === 'string') return new Redis(target, { ...FAIL_FAST_REDIS_OPTIONS, ...options });
  if (!target || !Array.isArray(target.cluster) || target.cluster.length === 0) {
    throw new PhoneVerifyConfigError('ERR_PV_REDIS_CLIENT', 'createRedisClient needs a redis:// or rediss:// URL, or { cluster: [{ host, port }, ...] }');
  }
  const { retryStrategy, ...perNode } = FAIL_FAST_REDIS_OPTIONS;
  return new Cluster(target.cluster, {
    // While the cluster is unreachable, commands fail at once rather than wait in a queue (as above).
    enableOfflineQueue: false,
    clusterRetryStrategy: retryStrategy,
    ...target.clusterOptions,
    redisOptions: { ...perNode, ...target.redisOptions },
  });
}

export interface RedisLimitStoreOptions {
  /** The connection, owned by the application (see {@link createRedisClient}). */
  client: RedisClient;
  /**
   * Start of every key, to keep several applications on one Redis apart; use the same
   * prefix as the RedisStore. Default `pv:`. Every key then carries the hash tag
   * `{limits}` (`pv:{limits}:send:…`), unless the prefix has a tag of its own: a send's
   * counters, the global one among them, are taken in one script, so on Redis Cluster
   * they must all live in one slot.
   */
  keyPrefix?: string;
}

/*
 * A run of wrong codes is a hash { n: count, l: when the latest wait began, t: the latest
 * failure }, expiring forgetMs after the latest. ARGV: now, max, every, forgetMs, waits
 * (ms, comma-separated). lockedFor mirrors lockedForMs in limit-store.ts.
 */
const FAILURE_LOCK = `
local now = tonumber(ARGV[1])
local max, every, forget = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local waits = {}
for w in string.gmatch(ARGV[5], '[^,]+') do waits[#waits + 1] = tonumber(w) end
local function lockedFor(n, l, t)
  if n <= 0 or t + forget <= now then return 0 end
  if n >= max then return t + forget - now end
  if #waits == 0 or n % every ~= 0 then return 0 end
  local left = l + waits[math.min(n / every, #waits)] - now
  if left < 0 then return 0 end
  return left
end
local v = redis.call('HMGET', KEYS[1], 'n', 'l', 't')
local n, l, t = tonumber(v[1]) or 0, tonumber(v[2]) or 0, tonumber(v[3]) or 0
if t + forget <= now then n = 0 end
`;

/**
 * The take: the counters are KEYS[first] onwards, each with limit (-1: none), windowMs and
 * resetAt in ARGV from `arg` on (now is ARGV[1]). Reply: {0} when every counter took one, else
 * {index among the counters (1-based), resetAt} of the first that refused; nothing written then.
 */
const take = (first: number, arg: number): string => `
local now = tonumber(ARGV[1])
local live = {}
for i = ${first}, #KEYS do
  local a = ${arg} + 3 * (i - ${first})
  local v = redis.call('HMGET', KEYS[i], 'c', 'r')
  local limit = tonumber(ARGV[a])
  live[i] = v[2] and tonumber(v[2]) > now
  if live[i] and limit >= 0 and tonumber(v[1]) + 1 > limit then return { i - ${first - 1}, v[2] } end
end
for i = ${first}, #KEYS do
  local a = ${arg} + 3 * (i - ${first})
  if live[i] then
    redis.call('HINCRBY', KEYS[i], 'c', 1)
  else
    redis.call('HSET', KEYS[i], 'c', 1, 'r', ARGV[a + 2])
    redis.call('PEXPIRE', KEYS[i], ARGV[a + 1])
  end
end
return { 0 }
`;

/** A counter is a hash { c: count, r: when its window ends }; ARGV: now, then limit (-1: none), windowMs, resetAt per key. */
const LIMIT_SCRIPTS = {
  /** Reply: {0} when every counter took one, else {index (1-based), resetAt} of the first that refused; nothing written then. */
  phoneVerifyLimitTake: take(1, 2),
  /**
   * KEYS[1] is the number's failure run, the counters follow; ARGV: the failure lock's (now, max,
   * every, forgetMs, waits), then the take's per counter. Reply: {-1, lockedForMs} while the run
   * locks the number (nothing written), else the take's.
   */
  phoneVerifyLimitTakeUnlessLocked: `${FAILURE_LOCK}
local locked = lockedFor(n, l, t)
if locked > 0 then return { -1, tostring(locked) } end
${take(2, 6)}`,
  /** ARGV: now. One back on each live counter above 0. */
  phoneVerifyLimitGive: `
local now = tonumber(ARGV[1])
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'c', 'r')
  if v[2] and tonumber(v[2]) > now and tonumber(v[1]) > 0 then redis.call('HINCRBY', KEYS[i], 'c', -1) end
end
return 1
`,
  /** KEYS[1] is the number's failure run, deleted; the counters follow (limit -1, so none refuses), ARGV as the take's. */
  phoneVerifyLimitClearAndCount: `
redis.call('DEL', KEYS[1])
${take(2, 2)}`,
  /** Reply: c1, r1, c2, r2 … (nil for absent keys). Reads only. */
  phoneVerifyLimitRead: `
local out = {}
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'c', 'r')
  out[2 * i - 1] = v[1] or false
  out[2 * i] = v[2] or false
end
return out
`,
} as const;

const FAILURE_SCRIPTS = {
  /** Reply: { count, lockedForMs }. */
  phoneVerifyFailureState: `${FAILURE_LOCK}
return { n, tostring(lockedFor(n, l, t)) }
`,
  /** Reply: { 0, count, retryAfterMs } while locked (nothing written), else { 1, count, lockedForMs }. */
  phoneVerifyFailureReserve: `${FAILURE_LOCK}
local locked = lockedFor(n, l, t)
if locked > 0 then return { 0, n, tostring(locked) } end
n = n + 1
if n % every == 0 or n >= max then l = now end
redis.call('HSET', KEYS[1], 'n', n, 'l', tostring(l), 't', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return { 1, n, tostring(lockedFor(n, l, now)) }
`,
  /** One failure back. */
  phoneVerifyFailureRelease: `
local n = tonumber(redis.call('HGET', KEYS[1], 'n'))
if n and n > 0 then redis.call('HINCRBY', KEYS[1], 'n', -1) end
return 1
`,
} as const;

type LimitScript = keyof typeof LIMIT_SCRIPTS | keyof typeof FAILURE_SCRIPTS;
type MultiKeyCommand = (numberOfKeys: number, ...args: string[]) => Promise<unknown>;

const limitOf = (c: Counter): string => (Number.isFinite(c.limit) ? String(c.limit) : '-1');

/**
 * Send counts, the breaker's counts and the failure lock in Redis, shared by every
 * process, each step one Lua script: of parallel sends on different processes no two
 * slip past a limit, and a refused send writes no key. A client that is not ready is
 * refused at once, and a failure rejects with an Error that `Limits` turns into
 * `provider_unavailable` (fail closed, SECURITY.md §4.8).
 */
export class RedisLimitStore implements LimitStore {
  private readonly client: RedisClient;
  private readonly keyPrefix: string;

  constructor(options: RedisLimitStoreOptions) {
    const { client } = options ?? {};
    if (!client || typeof (client as { defineCommand?: unknown }).defineCommand !== 'function') {
      throw new PhoneVerifyConfigError('ERR_PV_REDIS_CLIENT', 'RedisLimitStore needs { client }: an ioredis client (createRedisClient(url))');
    }
    this.client = client;
    this.keyPrefix = limitKeyPrefix(options.keyPrefix ?? 'pv:');
    for (const [name, lua] of Object.entries(LIMIT_SCRIPTS)) client.defineCommand(name, { lua });
    for (const [name, lua] of Object.entries(FAILURE_SCRIPTS)) client.defineCommand(name, { numberOfKeys: 1, lua });
  }

  async take(counters: readonly Counter[], now: number): Promise<TakeResult> {
    if (counters.length === 0) return { ok: true };
    const args = counters.flatMap((c) => [limitOf(c), String(c.windowMs), String(now + c.windowMs)]);
    const [index, resetAt] = (await this.run(
      'phoneVerifyLimitTake',
      counters.map((c) => c.key),
      String(now),
      ...args,
    )) as [number, string?];
    if (index === 0) return { ok: true };
    return { ok: false, refused: index - 1, retryAfterMs: Number(resetAt) - now };
  }

  async takeUnlessLocked(lock: LockCheck, counters: readonly Counter[], now: number): Promise<TakeResult | LockedTake> {
    // The failure run carries the same hash tag as the counters: one slot, so one script on a cluster too.
    const args = counters.flatMap((c) => [limitOf(c), String(c.windowMs), String(now + c.windowMs)]);
    const [index, value] = (await this.run(
      'phoneVerifyLimitTakeUnlessLocked',
      [lock.key, ...counters.map((c) => c.key)],
      ...policyArgs(lock.policy, now),
      ...args,
    )) as [number, string?];
    if (index === -1) return { ok: false, lockedForMs: Number(value) };
    if (index === 0) return { ok: true };
    return { ok: false, refused: index - 1, retryAfterMs: Number(value) - now };
  }

  async give(counters: readonly Counter[], now: number): Promise<void> {
    if (counters.length > 0)
      await this.run(
        'phoneVerifyLimitGive',
        counters.map((c) => c.key),
        String(now),
      );
  }

  async read(keys: readonly string[], now: number): Promise<Array<CounterState | undefined>> {
    if (keys.length === 0) return [];
    const flat = (await this.run('phoneVerifyLimitRead', keys, String(now))) as Array<string | null>;
    return keys.map((_, i) => {
      const resetAt = Number(flat[2 * i + 1] ?? NaN);
      return resetAt > now ? { count: Number(flat[2 * i]), resetAt } : undefined;
    });
  }

  async failures(key: string, policy: FailurePolicy, now: number): Promise<FailureState> {
    const [count, lockedFor] = (await this.run('phoneVerifyFailureState', [key], ...policyArgs(policy, now))) as [number, string];
    return { count, lockedForMs: Number(lockedFor) };
  }

  async reserveFailure(key: string, policy: FailurePolicy, now: number): Promise<FailureReservation> {
    const [ok, count, ms] = (await this.run('phoneVerifyFailureReserve', [key], ...policyArgs(policy, now))) as [number, number, string];
    return ok === 1 ? { ok: true, count, lockedForMs: Number(ms) } : { ok: false, count, retryAfterMs: Number(ms) };
  }

  async releaseFailure(key: string): Promise<void> {
    await this.run('phoneVerifyFailureRelease', [key]);
  }

  async clearFailures(key: string): Promise<void> {
    this.ready();
    await this.client.del(this.keyPrefix + key);
  }

  async clearFailuresAndCount(key: string, counters: readonly Counter[], now: number): Promise<void> {
    // The failure run carries the counters' hash tag: one slot, one script on a cluster too.
    const args = counters.flatMap((c) => [limitOf(c), String(c.windowMs), String(now + c.windowMs)]);
    await this.run('phoneVerifyLimitClearAndCount', [key, ...counters.map((c) => c.key)], String(now), ...args);
  }

  private ready(): void {
    // A client that would queue commands while disconnected would hang the request instead of failing it.
    if (this.client.status !== 'ready') throw new Error(`Redis is not ready (${this.client.status})`);
  }

  private run(script: LimitScript, keys: readonly string[], ...args: string[]): Promise<unknown> {
    this.ready();
    const command = (this.client as unknown as Record<LimitScript, MultiKeyCommand>)[script];
    const full = keys.map((k) => this.keyPrefix + k);
    return script in LIMIT_SCRIPTS ? command.call(this.client, full.length, ...full, ...args) : command.call(this.client, ...(full as [never]), ...args);
  }
}

/**
 * The limit store's prefix with one hash tag for all its keys: Redis Cluster hashes only
 * what is inside the first `{…}`, so every key gets the same slot and a multi-key script is
 * allowed. A prefix that already has a non-empty tag (`{pv}:`) keeps it.
 */
function limitKeyPrefix(prefix: string): string {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix : `${prefix}{limits}:`;
}

function policyArgs(policy: FailurePolicy, now: number): string[] {
  return [String(now), String(policy.max), String(policy.every), String(policy.forgetMs), policy.waitsMs.join(',')];
}
