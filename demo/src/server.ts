// demo/src/server.ts
// `npm start`: the demo on http://localhost:3000 (PORT changes it), with the
// built-in local provider and a fake phone panel: no account anywhere needed.

import { createDemoApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const { app } = createDemoApp();

const server = app.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`phone-verify demo: open http://localhost:${actual} (Ctrl+C stops it)`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
