// RedisStore and RedisLimitStore on a real 3-master Redis Cluster that this suite starts
// itself (three redis-server --cluster-enabled yes, joined by redis-cli --cluster create)
// and stops: the store contract, the limits' multi-key scripts, and a sign-in, through
// ioredis's Cluster client as createRedisClient builds it. A Lua script may only touch
// keys of one hash slot there, so this is where the key layout proves itself.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhoneVerifyConfigError } from '../../src/errors.js';
import { Limits } from '../../src/limits.js';
import { localProvider } from '../../src/providers/local.js';
import { createRedisClient, RedisLimitStore, RedisStore } from '../../src/redis-store.js';
import { VerificationService } from '../../src/service.js';
import { describeStoreContract } from '../store-contract.js';
import { RedisServer, wrongCode } from '../support/index.js';

const run = promisify(execFile);
const nodes: RedisServer[] = [];
let cluster: Cluster;
let n = 0;
const quiet = { info() {}, warn() {}, error() {} };

/** Resolves once every node says the cluster is ok (all 16384 slots served); rejects after `ms`. */
async function clusterOk(ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const states = await Promise.all(nodes.map(async (node) => (await run('redis-cli', ['-p', String(node.port), 'cluster', 'info'])).stdout));
    if (states.every((info) => /cluster_state:ok/.test(info))) return;
    if (Date.now() > deadline) throw new Error(`cluster not ok after ${ms} ms:\n${states.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Keys under a prefix on every master (a KEYS on one node sees only its slots). */
async function keysEverywhere(pattern: string): Promise<string[]> {
  const perNode = await Promise.all(cluster.nodes('master').map((node) => node.keys(pattern)));
  return perNode.flat();
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) nodes.push(await RedisServer.launch({ args: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '5000'] }));
  await run('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0', '--cluster-yes']);
  await clusterOk();
  cluster = createRedisClient({ cluster: [{ host: '127.0.0.1', port: nodes[0]!.port }] });
  cluster.on('error', () => {});
  if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
}, 60_000);

afterAll(async () => {
  cluster?.disconnect();
  for (const node of nodes) await node.close();
}, 30_000);

describeStoreContract('RedisStore on a 3-master Redis Cluster', (clock) => {
  const keyPrefix = `cl${++n}:`;
  return { store: new RedisStore({ client: cluster, keyPrefix, clock }), size: async () => (await keysEverywhere(`${keyPrefix}*`)).length };
});

describe('on a 3-master Redis Cluster', () => {
  it('createRedisClient refuses a cluster configuration without nodes, and gives the nodes fail-fast options', () => {
    expect(() => createRedisClient({ cluster: [] })).toThrow(PhoneVerifyConfigError);
    expect(cluster.options.enableOfflineQueue).toBe(false);
    expect(cluster.options.redisOptions?.commandTimeout).toBe(1000);
  });

  it('is a real cluster: a script over keys of two slots is refused (CROSSSLOT)', async () => {
    const [a, b] = ['pv:x:1', 'pv:x:2'];
    expect(await cluster.cluster('KEYSLOT', a)).not.toBe(await cluster.cluster('KEYSLOT', b));
    await expect(cluster.eval("return redis.call('GET', KEYS[2])", 2, a, b)).rejects.toThrow(/CROSSSLOT/);
    expect(cluster.nodes('master')).toHaveLength(3);
  });

  it("takes a send's counters (the client's, the number's, the range's, the world's) in one slot, all or nothing", async () => {
    const keyPrefix = `cl${++n}:`;
    const store = new RedisLimitStore({ client: cluster, keyPrefix });
    const limits = new Limits({ perPhone: [{ points: 2, duration: 60 }], store }, quiet);
    const phone = '+447400123456';
    await limits.admitSend({ phone, ip: '192.0.2.1' });
    await limits.admitSend({ phone, ip: '192.0.2.2' });
    await expect(limits.admitSend({ phone, ip: '192.0.2.3' })).rejects.toMatchObject({ code: 'rate_limited' });
    const keys = await keysEverywhere(`${keyPrefix}*`);
    expect(keys).toContain(`${keyPrefix}{limits}:send:global:0:all`);
    const slots = new Set(await Promise.all(keys.map((key) => cluster.cluster('KEYSLOT', key))));
    expect(slots.size).toBe(1);
    // The refused third client wrote nothing: its own counters do not exist.
    expect(keys.some((key) => key.includes('192.0.2.3'))).toBe(false);
  });

  it('signs a number in: start, a wrong code, the right code, with the breaker counting and the failure lock', async () => {
    const keyPrefix = `cl${++n}:`;
    const codes = new Map<string, string>();
    const service = new VerificationService({
      provider: localProvider({ sender: (phone, text) => void codes.set(phone, /\b(\d{6})\b/.exec(text)![1]!) }),
      allowedCountries: ['GB'],
      logger: quiet,
      store: new RedisStore({ client: cluster, keyPrefix }),
      limits: { store: new RedisLimitStore({ client: cluster, keyPrefix }) },
      breaker: { minSends: 1, minConversion: 0.1 },
    });
    const phone = '+447400654321';
    const { verification } = await service.start({ phone }, { ip: '198.51.100.7' });
    const code = codes.get(phone)!;
    await expect(service.check(verification.id, wrongCode(code))).rejects.toMatchObject({ code: 'invalid_code' });
    expect(await service.settings.limits.failureCount(phone)).toBe(1);
    const signedIn = await service.check(verification.id, code);
    expect(signedIn.phone).toBe(phone);
    expect(await service.settings.limits.failureCount(phone)).toBe(0);
    // Consumed: the same code does not work twice.
    await expect(service.check(verification.id, code)).rejects.toMatchObject({ code: 'no_pending_verification' });
    const keys = await keysEverywhere(`${keyPrefix}*`);
    expect(keys).toEqual(
      expect.arrayContaining([
        `${keyPrefix}{limits}:breaker:sent:range:${phone.slice(0, -4)}`,
        `${keyPrefix}{limits}:breaker:verified:range:${phone.slice(0, -4)}`,
      ]),
    );
  });
});
