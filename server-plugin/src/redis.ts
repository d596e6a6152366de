// server-plugin/src/redis.ts
// The '@phone-verify/server-plugin/redis' entry: everything that needs ioredis, kept
// out of the main entry so an app on the memory store never loads it (ioredis is an
// optional peer dependency). The code lives in redis-store.ts.

export {
  createRedisClient,
  FAIL_FAST_REDIS_OPTIONS,
  RedisLimitStore,
  RedisStore,
  type RedisClient,
  type RedisClusterConfig,
  type RedisLimitStoreOptions,
  type RedisStoreOptions,
} from './redis-store.js';
