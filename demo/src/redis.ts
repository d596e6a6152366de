// demo/src/redis.ts
// REDIS_URL: several demo processes, one truth. Pending verifications, rate limits
// and sessions all live in Redis, so any process can serve any step of a sign-in.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import RedisSessionStore from 'connect-redis';
import { createRedisClient, RedisLimitStore, RedisStore } from '@phone-verify/server-plugin/redis';

/** A fixed development secret, so two processes started by hand agree; set SESSION_SECRET in earnest. */
const DEVELOPMENT_SECRET = 'phone-verify demo: set SESSION_SECRET';

export async function redisBacking(url: string, secret = process.env.SESSION_SECRET) {
  const client = createRedisClient(url);
  client.on('error', (error) => console.error(`[demo] redis: ${error.message}`));
  await once(client, 'ready');
  if (!secret) console.warn('[demo] REDIS_URL without SESSION_SECRET: using a development secret every process shares');
  const shared = secret ?? DEVELOPMENT_SECRET;
  return {
    client,
    store: new RedisStore({ client }),
    limitStore: new RedisLimitStore({ client }),
    sessionStore: new RedisSessionStore({ client, prefix: 'pv-demo:sess:' }),
    sessionSecret: shared,
    // The local provider's HMAC key, derived so it never equals the cookie-signing secret.
    codeSecret: createHash('sha256').update(`codes:${shared}`).digest('hex'),
    // The sign-up proofs' HS256 key, derived the same way: any process checks a proof another made.
    proofSecret: createHash('sha256').update(`proofs:${shared}`).digest('hex'),
  };
}
