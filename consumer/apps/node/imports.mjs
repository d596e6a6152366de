// consumer/apps/node/imports.mjs — every widget entry imported in Node, no DOM (SSR:
// Next, Nuxt, Astro, SvelteKit import components on the server), and what the server's
// entries load: the main one no Redis code, though ioredis is installed. One JSON line out.

import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const resolved = [];
port1.on('message', (url) => resolved.push(url));
port1.unref();
register('./track.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
const loadsRedis = () => resolved.some((url) => /\/node_modules\/(ioredis|@ioredis)\//.test(url));

const found = {};
for (const entry of ['@phone-verify/widget', '@phone-verify/widget/define', '@phone-verify/widget/react', '@phone-verify/widget/jsx']) {
  found[entry] = Object.keys(await import(entry)).sort();
}
found.defined = typeof customElements !== 'undefined' && customElements.get('phone-verify') === (await import('@phone-verify/widget')).PhoneVerify;
found.server = Object.keys(await import('@phone-verify/server-plugin')).includes('PhoneVerifyStrategy');
await settle();
found.mainLoadsRedis = loadsRedis();
found.redisEntry = Object.keys(await import('@phone-verify/server-plugin/redis')).sort();
await settle();
found.redisEntryLoadsRedis = loadsRedis();
console.log(JSON.stringify(found));
