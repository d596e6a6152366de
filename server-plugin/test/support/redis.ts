// server-plugin/test/support/redis.ts
// One real redis-server per test file (started in beforeAll, stopped in afterAll)
// and ioredis clients on it that are always disconnected at the end.

import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createRedisClient } from '../../src/redis-store.js';
import { RedisServer, type RedisServerOptions } from './redis-server.mjs';

/** Resolves when the client is ready; rejects after `ms`. */
export function ready(client: Redis, ms = 5000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis client not ready after ${ms} ms (status ${client.status})`)), ms);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface RedisFixture {
  readonly server: RedisServer;
  /** A fail-fast client (createRedisClient), ready. Errors are collected, not printed. */
  client(options?: RedisOptions): Promise<Redis>;
  /** A plain `new Redis(url, options)`, not waited for. */
  rawClient(options?: RedisOptions): Redis;
  /** Every 'error' event any client emitted. */
  readonly errors: Error[];
}

export function useRedis(options: RedisServerOptions = {}): RedisFixture {
  let server: RedisServer | undefined;
  const clients: Redis[] = [];
  const errors: Error[] = [];

  beforeAll(async () => {
    server = await RedisServer.launch(options);
  }, 30_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.close();
  }, 30_000);

  const track = (client: Redis): Redis => {
    client.on('error', (error: Error) => void errors.push(error));
    clients.push(client);
    return client;
  };

  return {
    get server() {
      if (!server) throw new Error('redis-server not started (used outside a test?)');
      return server;
    },
    async client(overrides = {}) {
      const client = track(createRedisClient(this.server.url, overrides));
      await ready(client);
      return client;
    },
    rawClient(overrides = {}) {
      return track(new Redis(this.server.url, overrides));
    },
    errors,
  };
}
