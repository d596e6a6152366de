// widget/web-test-runner.config.mjs
// Browser tests for <phone-verify> in headless Debian Chromium, against a real
// Express server (the built server plugin) proxied same-origin under /auth/ and /__test/.

import { copyFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { startTestServer } from './test/server.mjs';

/** @type {Awaited<ReturnType<typeof startTestServer>> | undefined} */
let backend;

const root = fileURLToPath(new URL('..', import.meta.url));
const screenshots = `${root}.test-artifacts/screenshots/`;

/**
 * `executeServerCommand('phone-verify-screenshot', { name, clip, readme })`: saves a PNG
 * of part of the page to .test-artifacts/screenshots/<name>.png (gitignored) for a person
 * to look at; `readme` also copies it to widget/docs/screenshot.png, but only when
 * UPDATE_README_SCREENSHOT=1, so a test run never leaves the committed picture changed.
 */
const screenshotPlugin = {
  name: 'phone-verify-screenshot',
  async executeCommand({ command, payload, session }) {
    if (command !== 'phone-verify-screenshot') return undefined;
    const { name, clip, readme } = payload ?? {};
    if (typeof name !== 'string' || !/^[a-z0-9-]+$/.test(name)) throw new Error(`bad screenshot name ${name}`);
    const page = session.browser.getPage(session.id);
    await mkdir(screenshots, { recursive: true });
    const file = `${screenshots}${name}.png`;
    await page.screenshot({ path: file, clip });
    if (readme && process.env.UPDATE_README_SCREENSHOT === '1') {
      await mkdir(`${root}widget/docs`, { recursive: true });
      await copyFile(file, `${root}widget/docs/screenshot.png`);
    }
    return true;
  },
};

/** Pipes /auth/* and /__test/* to the Express app, so the page talks to it same-origin (cookies included). */
async function proxy(ctx, next) {
  if (!backend || !(ctx.path.startsWith('/auth/') || ctx.path.startsWith('/__test/'))) return next();
  ctx.respond = false;
  await new Promise((resolve) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: backend.port, method: ctx.req.method, path: ctx.req.url, headers: ctx.req.headers },
      (answer) => {
        ctx.res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(ctx.res);
        answer.on('end', resolve);
      },
    );
    upstream.on('error', () => {
      ctx.res.statusCode = 502;
      ctx.res.end();
      resolve();
    });
    ctx.req.pipe(upstream);
  });
}

export default {
  files: ['widget/test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['@phone-verify/source', 'browser', 'development'] },
  // Tests in one browser share the session cookie; one file at a time keeps their sessions apart.
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      },
    }),
  ],
  middleware: [proxy],
  plugins: [
    screenshotPlugin,
    esbuildPlugin({ ts: true, tsconfig: 'widget/tsconfig.json' }),
    {
      name: 'phone-verify-test-server',
      async serverStart() {
        backend = await startTestServer();
      },
      async serverStop() {
        await new Promise((resolve) => (backend ? backend.server.close(() => resolve()) : resolve()));
        backend?.server.closeAllConnections?.();
      },
    },
  ],
};
