// server-plugin/test/support/ports.mjs
// One way to pick a port for a server a test starts itself (redis-server, a demo process).
// Plain JavaScript (its types in ports.d.mts) so the benchmarks, run by plain `node`, share it.

import { createServer } from 'node:net';

/** A port nobody listens on right now (it may be taken again before we use it: callers retry). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}
