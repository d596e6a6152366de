// widget/web-test-runner.config.mjs
// Browser tests for <phone-verify> in Chromium, Firefox and WebKit (Debian's packages; see
// web-test-runner.browsers.mjs), against a real Express server (the built server plugin)
// proxied same-origin under /auth/ and /__test/; once more in Chromium against the built
// bundle users get. `--engine=firefox,webkit` picks engines; `--group <name>` one launch.

import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromium, firefox, webkit } from './web-test-runner.browsers.mjs';
import { startTestServer } from './test/server.mjs';

/** @type {Awaited<ReturnType<typeof startTestServer>> | undefined} */
let backend;

const root = fileURLToPath(new URL('..', import.meta.url));
const screenshots = `${root}.test-artifacts/screenshots/`;

const ALL_FILES = 'widget/test/**/*.test.ts';
/** The files with tests that need a colour scheme or reduced motion the launch has to fix. */
const MEDIA_FILES = ['widget/test/screenshots.test.ts', 'widget/test/reduced-motion.test.ts'];
const DARK_AND_STILL = /** @type {const} */ ({ colorScheme: 'dark', reducedMotion: 'reduce' });

/**
 * One entry per launch. `engine` is what the report sums by; `media` is what the launch fixes
 * (engines that cannot emulate media per page); `bundle` maps the package's entry modules
 * to widget/dist/phone-verify.js (the file users get, minified, chunks and all).
 */
const LAUNCHES = [
  { group: 'chromium', engine: 'chromium', files: ALL_FILES, browser: () => chromium() },
  { group: 'firefox', engine: 'firefox', files: ALL_FILES, browser: () => firefox() },
  { group: 'firefox-media', engine: 'firefox', files: MEDIA_FILES, media: DARK_AND_STILL, browser: () => firefox(DARK_AND_STILL) },
  { group: 'webkit', engine: 'webkit', files: ALL_FILES, browser: () => webkit() },
  { group: 'webkit-media', engine: 'webkit', files: MEDIA_FILES, media: DARK_AND_STILL, browser: () => webkit(DARK_AND_STILL) },
  { group: 'bundle', engine: 'chromium (built bundle)', files: 'widget/test/*.test.ts', bundle: true, browser: () => chromium('Chromium (built bundle)') },
];

/**
 * `--engine=firefox,webkit` (after `npm run test:widget --`): only those engines' launches
 * (`bundle` for the built-bundle launch). The `=` matters: web-test-runner would read a
 * separate word as a test file.
 */
const engineArg = process.argv.find((arg) => arg.startsWith('--engine='));
const engines = engineArg
  ?.slice('--engine='.length)
  .split(',')
  .map((name) => name.trim().toLowerCase())
  .filter(Boolean);
/** `--files …` on the command line: those files in each chosen engine's main launch, no groups. */
const focused = process.argv.includes('--files');

const launches = LAUNCHES.filter((l) => !engines || engines.includes(l.bundle ? 'bundle' : l.engine))
  .filter((l) => !focused || (!l.media && !l.bundle))
  .map((l) => {
    const browser = l.browser();
    // What the page may ask about its own launch (`phone-verify-launch`), kept on the launcher.
    browser.phoneVerifyLaunch = { group: l.group, engine: l.engine.split(' ')[0], media: l.media ?? {}, bundle: !!l.bundle };
    return { ...l, browser };
  });
if (!launches.length) throw new Error(`${engineArg}: choose from chromium, firefox, webkit, bundle`);

/** The bundle launch's page: an import map sends the package's entry modules to the built file. */
function bundleRunnerHtml(testFramework) {
  const dist = '/widget/dist/phone-verify.js';
  const imports = Object.fromEntries(
    ['/widget/src/index.ts', '/widget/src/index.js', '/widget/src/define.ts', '/widget/src/define.js'].map((path) => [path, dist]),
  );
  return `<!DOCTYPE html><html><head><script type="importmap">${JSON.stringify({ imports })}</script></head><body><script type="module" src="${testFramework}"></script></body></html>`;
}

/** @param {any} session */
const launchOf = (session) => session.browser.phoneVerifyLaunch;

/** Skips the tests asked for (`phone-verify-skip`), with their reasons, per launch. */
const skipReasons = new Map();

/**
 * Commands the tests use where @web/test-runner-commands has no answer for every engine:
 * - `phone-verify-launch`: which engine and launch-time media the page runs in.
 * - `phone-verify-media`: emulated media; only Chromium can switch per page (CDP), the
 *   others answer false and the test relies on its launch (see LAUNCHES).
 * - `phone-verify-viewport`: the viewport; WebDriver only sizes the window, so the window
 *   is sized by the difference to the viewport. Answers the size reached (MiniBrowser's
 *   window has a minimum width; the test decides what to do).
 * - `phone-verify-skip`: records why a test cannot run in this engine, for the report.
 * - `phone-verify-screenshot`: saves a PNG of part of the page to
 *   .test-artifacts/screenshots/<name>.png (gitignored) for a person to look at; `readme`
 *   also copies it to widget/docs/screenshot.png (or widget/docs/<readme>.png when it is a
 *   name), but only when UPDATE_README_SCREENSHOT=1,
 *   so a test run never leaves the committed picture changed. WebDriver can only take the
 *   whole viewport, which WebKit's pictures are.
 */
const commandsPlugin = {
  name: 'phone-verify-commands',
  async executeCommand({ command, payload, session }) {
    const launch = launchOf(session);
    const puppeteer = session.browser.type === 'puppeteer';
    switch (command) {
      case 'phone-verify-launch':
        return launch;
      case 'phone-verify-media': {
        if (!(puppeteer && launch.engine === 'chromium')) return false;
        const { colorScheme, reducedMotion } = payload ?? {};
        const features = [];
        if (colorScheme) features.push({ name: 'prefers-color-scheme', value: colorScheme === 'no-preference' ? '' : colorScheme });
        if (reducedMotion) features.push({ name: 'prefers-reduced-motion', value: reducedMotion === 'no-preference' ? '' : reducedMotion });
        await session.browser.getPage(session.id).emulateMediaFeatures(features);
        return true;
      }
      case 'phone-verify-viewport': {
        const { width, height } = payload ?? {};
        if (!Number.isInteger(width) || !Number.isInteger(height)) throw new Error('viewport needs integer width and height');
        if (puppeteer) {
          const page = session.browser.getPage(session.id);
          await page.setViewport({ width, height });
          return page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
        }
        const driver = session.browser.driver;
        const inner = () => driver.execute(() => ({ width: window.innerWidth, height: window.innerHeight }));
        const before = await inner();
        const frame = await driver.getWindowSize();
        await driver.setWindowSize(width + frame.width - before.width, height + frame.height - before.height);
        return inner();
      }
      case 'phone-verify-skip': {
        const { title, reason } = payload ?? {};
        const key = session.browser.name;
        if (!skipReasons.has(key)) skipReasons.set(key, []);
        skipReasons.get(key).push(`${title}: ${reason}`);
        return true;
      }
      case 'phone-verify-screenshot': {
        const { name, clip, readme } = payload ?? {};
        if (typeof name !== 'string' || !/^[a-z0-9-]+$/.test(name)) throw new Error(`bad screenshot name ${name}`);
        await mkdir(screenshots, { recursive: true });
        const file = `${screenshots}${name}${launch.engine === 'chromium' ? '' : `-${launch.engine}`}.png`;
        if (puppeteer) await session.browser.getPage(session.id).screenshot({ path: file, clip });
        else await writeFile(file, Buffer.from(await session.browser.driver.takeScreenshot(), 'base64'));
        if (readme && launch.engine === 'chromium' && !launch.bundle && process.env.UPDATE_README_SCREENSHOT === '1') {
          const doc = typeof readme === 'string' && /^[a-z0-9-]+$/.test(readme) ? readme : 'screenshot';
          await mkdir(`${root}widget/docs`, { recursive: true });
          await copyFile(file, `${root}widget/docs/${doc}.png`);
        }
        return true;
      }
      default:
        return undefined;
    }
  },
};

/** Counts of a session's tests, walking its suites. */
function count(suite, totals) {
  for (const test of suite?.tests ?? []) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite?.suites ?? []) count(child, totals);
}

/**
 * One line per engine after the run (`widget firefox: 150 passed, 0 failed, 2 skipped`),
 * summed over the engine's launches, with every skip's reason; .ci/run adds the lines up.
 * A file that failed to load counts as one failure.
 */
const engineSummary = {
  onTestRunFinished({ sessions }) {
    const totals = new Map();
    for (const session of sessions) {
      const launch = LAUNCHES.find((l) => l.group === launchOf(session).group);
      const line = totals.get(launch.engine) ?? { passed: 0, failed: 0, skipped: 0, browsers: new Set() };
      count(session.testResults, line);
      if (session.errors?.length || (session.passed === false && !session.testResults?.tests?.length && !session.testResults?.suites?.length)) line.failed += 1;
      line.browsers.add(session.browser.name);
      totals.set(launch.engine, line);
    }
    const out = [''];
    for (const [engine, line] of totals) {
      out.push(`widget ${engine}: ${line.passed} passed, ${line.failed} failed, ${line.skipped} skipped`);
      for (const name of line.browsers) for (const reason of skipReasons.get(name) ?? []) out.push(`  skipped in ${name}: ${reason}`);
    }
    console.log(out.join('\n'));
    skipReasons.clear();
  },
};

export default {
  nodeResolve: { exportConditions: ['@phone-verify/source', 'browser', 'development'] },
  // Tests in one browser share the session cookie, and every engine talks to one test server
  // whose outbox and sessions the tests reset: one file and one browser at a time.
  concurrency: 1,
  concurrentBrowsers: 1,
  // MiniBrowser under Xvfb and Firefox start slower than Chromium on a busy machine.
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testFramework: { config: { timeout: 10000 } },
  ...(focused ? { browsers: launches.map((l) => l.browser) } : {}),
  groups: focused
    ? []
    : launches.map((l) => ({
        name: l.group,
        files: l.files,
        browsers: [l.browser],
        ...(l.bundle ? { testRunnerHtml: bundleRunnerHtml } : {}),
      })),
  // Piped (scripts/test.mjs runs two of these beside vitest), a progress bar redrawn in place is only noise.
  staticLogging: !process.stdout.isTTY,
  reporters: [defaultReporter(), engineSummary],
  middleware: [proxy],
  plugins: [
    commandsPlugin,
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

/** Pipes /auth/* and /__test/* to the Express app, so the page talks to it same-origin (cookies included). */
async function proxy(ctx, next) {
  if (!backend || !(ctx.path.startsWith('/auth/') || ctx.path.startsWith('/__test/'))) return next();
  ctx.respond = false;
  await new Promise((resolve) => {
    const upstream = http.request({ host: '127.0.0.1', port: backend.port, method: ctx.req.method, path: ctx.req.url, headers: ctx.req.headers }, (answer) => {
      ctx.res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(ctx.res);
      answer.on('end', resolve);
    });
    upstream.on('error', () => {
      ctx.res.statusCode = 502;
      ctx.res.end();
      resolve();
    });
    ctx.req.pipe(upstream);
  });
}
