// scripts/redis-server.mjs
// The benchmark's redis-server, launched as the tests launch theirs (test/support), with
// the plugin's stores and the demo's session store on it; stopped when the run ends.

import { createRequire } from 'node:module';
import { RedisServer } from '../server-plugin/test/support/redis-server.mjs';

export async function startRedis() {
  // The tests' launcher: a free port, its own dir, no persistence, and a clear error without redis-server.
  const server = await RedisServer.launch();
  const stopServer = () => server.close();
  const { createRedisClient, RedisStore, RedisLimitStore } = await import('@phone-verify/server-plugin/redis');
  const client = createRedisClient(server.url);
  // The fail-fast client refuses commands until it has connected; ping() below waits for that.
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
