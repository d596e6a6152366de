// demo/src/server.ts
// `npm start`: the demo on http://localhost:3000 (PORT changes it), with the
// built-in local provider and a fake phone panel: no account anywhere needed.
// PROVIDER=textmagic|telnyx|messagebird|twilio|vonage|telegram runs it on that provider's sandbox instead;
// REDIS_URL=redis://… keeps verifications, limits and sessions in Redis, so several
// processes can serve one sign-in. TRUST_PROXY=1 behind one reverse proxy. HOST=0.0.0.0
// listens beyond this machine (default 127.0.0.1); CODE_TTL=60 makes codes live 60 s (60–600);
// SEND_LIMIT=20 lets a number be sent 20 codes per 10 minutes (default 5; a network four times that).

import { createDemoApp, type DemoOptions } from './app.js';
import { DemoPhones } from './phone.js';
import { demoBackend, isProviderKind, PROVIDERS } from './providers.js';
import { redisBacking } from './redis.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const kind = process.env.PROVIDER ?? 'local';
if (!isProviderKind(kind)) {
  console.error(`PROVIDER must be one of ${PROVIDERS.join(', ')}; got "${kind}"`);
  process.exit(2);
}

const redis = process.env.REDIS_URL ? await redisBacking(process.env.REDIS_URL) : undefined;
const phones = new DemoPhones();
const backend = await demoBackend(kind, phones, redis?.codeSecret);
const options: DemoOptions = { phones, provider: backend.provider, ...backend.policy };
if (process.env.TRUST_PROXY) options.trustProxy = Number(process.env.TRUST_PROXY);
if (process.env.CODE_TTL) {
  // How long a code lives, to watch the widget's expiry in place without waiting 5 minutes (the plugin allows 60–600).
  const ttl = Number(process.env.CODE_TTL);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 600) {
    console.error(`CODE_TTL must be whole seconds from 60 to 600; got "${process.env.CODE_TTL}"`);
    process.exit(2);
  }
  options.ttl = ttl;
}
if (process.env.SEND_LIMIT) {
  const limit = Number(process.env.SEND_LIMIT);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    console.error(`SEND_LIMIT must be a whole number of codes from 1 to 1000; got "${process.env.SEND_LIMIT}"`);
    process.exit(2);
  }
  options.sendLimit = limit;
}
if (redis) {
  Object.assign(options, {
    store: redis.store,
    limitStore: redis.limitStore,
    sessionStore: redis.sessionStore,
    sessionSecret: redis.sessionSecret,
    proofSecret: redis.proofSecret,
  });
} else if (process.env.SESSION_SECRET) options.sessionSecret = process.env.SESSION_SECRET;
const { app } = createDemoApp(options);

const server = app.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`phone-verify demo on ${backend.description}${redis ? ', state in Redis' : ''}`);
  console.log(`open http://localhost:${actual} (Ctrl+C stops it)`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Phone-panel event streams never end by themselves.
    server.closeAllConnections();
    server.close(
      () =>
        void backend
          .close()
          .then(() => redis?.client.quit())
          // During a Redis outage quit() rejects at once (no offline queue): just drop the connection.
          .catch(() => redis?.client.disconnect())
          .then(() => process.exit(0)),
    );
  });
}
