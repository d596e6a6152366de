// demo/test/browser.ts
// The three engines for the end-to-end tests, from Debian's packages (never a downloaded
// browser): Chromium and Firefox ESR through puppeteer-core (CDP, WebDriver BiDi), WebKitGTK's
// MiniBrowser through WebKitWebDriver (classic WebDriver, webdriverio). One small page API
// over both, so a test reads the same in every engine.

import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type BrowserContext, type ElementHandle, type Page } from 'puppeteer-core';
import { remote } from 'webdriverio';
// The launch details live beside the widget's test-runner config, one place for every suite.
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX, MINIBROWSER, WEBKIT_DRIVER, startWebKitDriver, webkitCapabilities } from '../../widget/web-test-runner.browsers.mjs';

export type Engine = 'chromium' | 'firefox' | 'webkit';
export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];
export const ENGINE_NAMES: Record<Engine, string> = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' };

/** A page in its own cookie jar (a separate browser, as far as the server can tell). */
export interface DemoPage {
  goto(url: string): Promise<void>;
  /** Focuses the element and types `text` key by key. `a >>> b` looks for `b` in `a`'s shadow root. */
  type(selector: string, text: string): Promise<void>;
  /** A real pointer click in the middle of the element. */
  click(selector: string): Promise<void>;
  /** Runs `fn(arg)` in the page (again after a navigation) until it returns something truthy. */
  waitFor<T, A = undefined>(fn: (arg: A) => T, arg?: A, timeout?: number): Promise<T>;
  evaluate<T, A = undefined>(fn: (arg: A) => T, arg?: A): Promise<T>;
  pathname(): Promise<string>;
  /** What the page reported as errors: exceptions, console errors, CSP violations. */
  errors(): Promise<string[]>;
}

export interface DemoBrowser {
  readonly engine: Engine;
  newPage(): Promise<DemoPage>;
  close(): Promise<void>;
}

/** The element for `a >>> b >>> c`, looking into each one's shadow root in turn (runs in the page). */
function find(selector: string): Element | null {
  let scope: Document | ShadowRoot | null = document;
  let found: Element | null = null;
  for (const part of selector.split('>>>').map((s) => s.trim())) {
    found = scope?.querySelector(part) ?? null;
    scope = found?.shadowRoot ?? null;
  }
  return found;
}

async function poll<T>(attempt: () => Promise<T>, timeout: number, what: string): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value) return value;
    } catch (error) {
      // The document was being replaced (a navigation): try again in the new one.
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function launchBrowser(engine: Engine): Promise<DemoBrowser> {
  if (engine === 'webkit') return launchWebKit();
  const executablePath = engine === 'chromium' ? CHROMIUM : FIREFOX;
  if (!existsSync(executablePath))
    throw new Error(`${ENGINE_NAMES[engine]} not found at ${executablePath}: apt-get install ${engine === 'chromium' ? 'chromium' : 'firefox-esr'}`);
  const browser = engine === 'chromium' ? await launchChromium() : await puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
  return {
    engine,
    newPage: async () => puppeteerPage(await browser.createBrowserContext()),
    close: () => browser.close(),
  };
}

/** Chromium alone, with puppeteer's whole API, for suites that only check what an engine does not change (provider flows). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--disable-quic'] });
}

/** Collects what the page logs as errors (CSP violations, exceptions) so a test can insist there are none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

async function puppeteerPage(context: BrowserContext): Promise<DemoPage> {
  const page: Page = await context.newPage();
  const errors = pageErrors(page);
  const element = async (selector: string): Promise<ElementHandle<Element>> => {
    const handle = await poll(async () => (await page.evaluateHandle(find, selector)).asElement(), 10_000, selector);
    return handle as ElementHandle<Element>;
  };
  return {
    goto: async (url) => void (await page.goto(url)),
    type: async (selector, text) => (await element(selector)).type(text),
    click: async (selector) => (await element(selector)).click(),
    waitFor: (fn, arg, timeout = 10_000) => poll(() => page.evaluate(fn as never, arg) as never, timeout, String(fn)),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    pathname: async () => new URL(page.url()).pathname,
    errors: async () => errors,
  };
}

/**
 * WebKit: each page is its own MiniBrowser session, on its own WebKitWebDriver (which holds
 * one session at a time), so pages share no cookies.
 */
async function launchWebKit(): Promise<DemoBrowser> {
  for (const path of [WEBKIT_DRIVER, MINIBROWSER]) {
    if (!existsSync(path)) throw new Error(`WebKit not found at ${path}: apt-get install webkit2gtk-driver xvfb`);
  }
  const sessions: { close: () => Promise<void> }[] = [];
  return {
    engine: 'webkit',
    async newPage() {
      const driver = await startWebKitDriver();
      const session = await remote({ hostname: '127.0.0.1', port: driver.port, path: '/', logLevel: 'error', capabilities: webkitCapabilities() as never });
      sessions.push({
        close: async () => {
          await session.deleteSession().catch(() => undefined);
          driver.stop();
        },
      });
      return webdriverPage(session);
    },
    async close() {
      await Promise.all(sessions.splice(0).map((s) => s.close()));
    },
  };
}

/**
 * WebKit's error collector (classic WebDriver reports no page events): installs itself in the
 * current document when it has none yet, and hands over (and forgets) what it collected.
 * A script can only be run once the document has loaded, so what a page reports while it
 * loads is not seen in WebKit; Chromium and Firefox report everything.
 */
function takeErrors(): string[] {
  const w = window as unknown as { __pvErrors?: string[] };
  if (!w.__pvErrors) {
    const errors: string[] = (w.__pvErrors = []);
    addEventListener('error', (event) => errors.push(String(event.error ?? event.message)));
    addEventListener('unhandledrejection', (event) => errors.push(String(event.reason)));
    document.addEventListener('securitypolicyviolation', (event) => errors.push(`CSP: ${event.violatedDirective} ${event.blockedURI}`));
    const original = console.error;
    console.error = (...args: unknown[]) => {
      errors.push(args.map(String).join(' '));
      original.apply(console, args);
    };
  }
  return w.__pvErrors.splice(0);
}

function webdriverPage(driver: WebdriverIO.Browser): DemoPage {
  const run = <T, A>(fn: (arg: A) => T, arg?: A): Promise<T> => driver.execute(`return (${fn.toString()})(arguments[0]);`, arg) as Promise<T>;
  const elementId = async (selector: string): Promise<string> => {
    const ref = await poll(() => driver.execute(`return (${find.toString()})(arguments[0]);`, selector), 10_000, selector);
    return Object.values(ref as Record<string, string>)[0]!;
  };
  // What earlier documents of this page collected: taken before every action that may navigate.
  const seen: string[] = [];
  const harvest = async () => void seen.push(...(await run(takeErrors)));
  return {
    async goto(url) {
      await harvest();
      await driver.navigateTo(url);
      await harvest();
    },
    // Element Send Keys focuses the element and types; WebKitWebDriver drops a repeated key
    // inside one key action chain, so no performActions for text.
    async type(selector, text) {
      await harvest();
      await driver.elementSendKeys(await elementId(selector), text);
    },
    async click(selector) {
      await harvest();
      // WebKitWebDriver reports Element Click on shadow-DOM elements as intercepted; a pointer
      // action at the element's centre is the same click for the page.
      const id = await elementId(selector);
      const box = await run(
        (el: Element) => {
          el.scrollIntoView({ block: 'center' });
          const r = el.getBoundingClientRect();
          return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
        },
        { 'element-6066-11e4-a52e-4f735466cecf': id } as unknown as Element,
      );
      await driver.performActions([
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', duration: 0, x: box.x, y: box.y },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ]);
      await driver.releaseActions();
    },
    waitFor: (fn, arg, timeout = 10_000) => poll(() => run(fn, arg), timeout, String(fn)),
    evaluate: (fn, arg) => run(fn, arg),
    pathname: async () => new URL(await driver.getUrl()).pathname,
    async errors() {
      await harvest();
      return [...seen];
    },
  };
}
