// scripts/redis-server.mjs
// A throwaway redis-server for the benchmark: a free port on 127.0.0.1, its own
// temporary directory, no persistence; stopped when the run ends.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'pv-bench-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`redis-server could not start (${error.message}); apt-get install redis-server`)));
    child.once('spawn', resolve);
  });
  const stopServer = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const { createRedisClient, RedisStore, RedisLimitStore } = await import('@phone-verify/server-plugin');
  const client = createRedisClient(`redis://127.0.0.1:${port}`);
  // Refused connections while redis-server starts are expected; ping() below waits them out.
  client.on('error', () => {});
  for (let i = 0; ; i++) {
    try {
      await client.ping();
      break;
    } catch (error) {
      if (i > 50) {
        client.disconnect();
        await stopServer();
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // connect-redis is the demo's dependency (sessions in Redis when REDIS_URL is set).
  const require = createRequire(new URL('../demo/package.json', import.meta.url));
  const SessionStore = require('connect-redis').default;
  return {
    deps: async () => ({
      store: new RedisStore({ client }),
      limitStore: new RedisLimitStore({ client }),
      client,
      sessionStore: new SessionStore({ client }),
    }),
    stop: async () => {
      client.disconnect();
      await stopServer();
    },
  };
}
