// widget/web-test-runner.browsers.mjs
// The three engines the widget is tested in, all from Debian packages (never a browser
// download): Chromium and Firefox ESR through puppeteer-core, WebKitGTK's MiniBrowser
// through WebKitWebDriver on a private Xvfb display. Every workaround for an engine's
// automation limits lives here or in the config's commands plugin, each with a comment.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromeLauncher } from '@web/test-runner-chrome';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import * as puppeteerCore from 'puppeteer-core';

export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
/** Headless Chromium in a container: no sandbox (no user namespaces), no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * What a launch fixes for its whole life. Chromium switches media features per page
 * (CDP `Emulation.setEmulatedMedia`); Firefox over WebDriver BiDi and WebKitWebDriver
 * have no such command, so the dark / reduced-motion runs are separate launches with
 * the engine's own start-up setting.
 * @typedef {{ colorScheme?: 'dark', reducedMotion?: 'reduce' }} LaunchMedia
 */

/** @param {string} [name] how the run's output names this launch */
export function chromium(name = 'Chromium') {
  const launcher = chromeLauncher({
    launchOptions: {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    },
  });
  launcher.name = name;
  return launcher;
}

/** @param {LaunchMedia} [media] */
export function firefox(media = {}) {
  const launcher = chromeLauncher({
    // puppeteer-core drives Firefox over WebDriver BiDi; geckodriver is not needed (and npm's
    // package of it would download a binary).
    puppeteer: puppeteerCore,
    launchOptions: {
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      extraPrefsFirefox: {
        // Firefox's start-up equivalents of emulated media (BiDi has no command for them):
        // 0 = dark content, and the reduced-motion system setting.
        ...(media.colorScheme === 'dark' ? { 'layout.css.prefers-color-scheme.content-override': 0 } : {}),
        ...(media.reducedMotion === 'reduce' ? { 'ui.prefersReducedMotion': 1 } : {}),
      },
    },
  });
  launcher.name = label('Firefox', media);
  return launcher;
}

/** @param {LaunchMedia} [media] */
export function webkit(media = {}) {
  return new WebKitLauncher(media);
}

/** "Firefox", "Firefox (dark, reduced motion)": how the run's output names a launch. */
function label(engine, media) {
  const settings = [media.colorScheme, media.reducedMotion === 'reduce' ? 'reduced motion' : undefined].filter(Boolean);
  return settings.length ? `${engine} (${settings.join(', ')})` : engine;
}

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** Starts Xvfb on a display it picks itself (-displayfd: no race with other Xvfbs on the machine). */
function startXvfb() {
  return new Promise((resolve, reject) => {
    const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${stderr.trim()}`)));
    let out = '';
    child.stdio[3].on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ child, display: `:${out.trim()}` });
    });
  });
}

async function waitForDriver(port, child) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/status`);
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('WebKitWebDriver did not start within 15 s');
}

/** The capabilities that get MiniBrowser from WebKitWebDriver. @param {LaunchMedia} [media] */
export function webkitCapabilities(media = {}) {
  return {
    browserName: 'MiniBrowser',
    // webdriverio 9 would otherwise ask for a BiDi session, which WebKitWebDriver refuses.
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': {
      binary: MINIBROWSER,
      // MiniBrowser has no colour-scheme emulation; --dark-mode sets it for the launch.
      args: ['--automation', ...(media.colorScheme === 'dark' ? ['--dark-mode'] : [])],
    },
  };
}

/**
 * Starts WebKitWebDriver on a free port with a private Xvfb display (this WebKitGTK build has
 * no headless mode). `stop()` ends both, and the MiniBrowser processes, also if the process exits.
 * @param {LaunchMedia} [media]
 * @returns {Promise<{ port: number, stop: () => void }>}
 */
export async function startWebKitDriver(media = {}) {
  const env = { ...process.env };
  let configHome;
  if (media.reducedMotion === 'reduce') {
    // WebKitGTK answers prefers-reduced-motion from GTK's gtk-enable-animations setting.
    configHome = mkdtempSync(join(tmpdir(), 'pv-webkit-'));
    mkdirSync(join(configHome, 'gtk-3.0'));
    writeFileSync(join(configHome, 'gtk-3.0', 'settings.ini'), '[Settings]\ngtk-enable-animations=0\n');
    env.XDG_CONFIG_HOME = configHome;
  }
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = [];
  const stop = () => {
    children.forEach((child) => kill(child));
    children.length = 0;
    process.off('exit', stop);
    if (configHome) rmSync(configHome, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    const xvfb = await startXvfb();
    children.push(xvfb.child);
    const port = await freePort();
    const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { env: { ...env, DISPLAY: xvfb.display }, stdio: 'ignore', detached: true });
    children.push(driver);
    await waitForDriver(port, driver);
    return { port, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** WebKitGTK's MiniBrowser for web-test-runner: WebKitWebDriver speaks classic WebDriver only (no BiDi). */
class WebKitLauncher extends WebdriverLauncher {
  /** @param {LaunchMedia} media */
  constructor(media) {
    super({ capabilities: webkitCapabilities(media), logLevel: 'error' });
    this.media = media;
    /** @type {{ port: number, stop: () => void } | undefined} */
    this.webkitDriver = undefined;
  }

  async initialize(config, testFiles) {
    await super.initialize(config, testFiles);
    this.name = label('WebKit', this.media);
  }

  async startSession(id, url) {
    if (!this.webkitDriver) {
      this.webkitDriver = await startWebKitDriver(this.media);
      Object.assign(this.options, { hostname: '127.0.0.1', port: this.webkitDriver.port, path: '/' });
    }
    return super.startSession(id, url);
  }

  async stop() {
    await super.stop();
    this.webkitDriver?.stop();
    this.webkitDriver = undefined;
  }

  /**
   * WebKitWebDriver drops a key repeated inside one action chain ("00" types "0"), so every
   * key is its own action sequence. Named keys go as WebDriver's code points; a chord
   * (`Shift+Tab`) holds its modifiers down around its key.
   */
  async sendKeys(sessionId, keys) {
    const driver = /** @type {import('webdriverio').Browser} */ (this.driver);
    for (const key of keys) {
      const values = (key.length > 1 ? key.split('+') : [key]).map((k) => WEBDRIVER_KEYS[k] ?? k);
      await driver.performActions([
        {
          type: 'key',
          id: 'keyboard',
          actions: [...values.map((value) => ({ type: 'keyDown', value })), ...values.reverse().map((value) => ({ type: 'keyUp', value }))],
        },
      ]);
    }
    await driver.releaseActions();
  }
}

/** The named keys the tests press, as WebDriver's key code points (W3C WebDriver §17.4.2). */
const WEBDRIVER_KEYS = {
  Backspace: '\uE003',
  Tab: '\uE004',
  Enter: '\uE007',
  Escape: '\uE00C',
  Space: '\uE00D',
  PageUp: '\uE00E',
  PageDown: '\uE00F',
  End: '\uE010',
  Home: '\uE011',
  ArrowLeft: '\uE012',
  ArrowUp: '\uE013',
  ArrowRight: '\uE014',
  ArrowDown: '\uE015',
  Delete: '\uE017',
  Shift: '\uE008',
};

/** Ends a detached child and everything it started (its process group). */
function kill(child) {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
