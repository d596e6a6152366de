// scripts/repro-readiness.mjs — the readiness fault, reproduced: loads the built demo (local
// provider) N times in Chromium and records whether puppeteer's locator fills the phone field,
// and how many updates the element made. Usage: npm run build && node scripts/repro-readiness.mjs [loads] [timeoutMs]
//
// Cause (found with it): a locator first calls waitForSelector, which looks once and then looks
// again only when a MutationObserver on the document fires. Mutations inside a shadow root do
// not reach it, so a first look during `loading` was never repeated unless something outside
// the element changed. The element now sets its `step` attribute on the host at each step.
import puppeteer from 'puppeteer-core';
import { createDemoApp } from '../demo/dist/app.js';
import { DemoPhones } from '../demo/dist/phone.js';
import { demoBackend } from '../demo/dist/providers.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../widget/web-test-runner.browsers.mjs';

const loads = Number(process.argv[2] ?? 8);
const timeout = Number(process.argv[3] ?? 10_000);
const phones = new DemoPhones();
const backend = await demoBackend('local', phones);
const logger = { info() {}, warn() {}, error() {} };
const server = createDemoApp({ phones, provider: backend.provider, logger, ...backend.policy }).app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://localhost:${server.address().port}/`;
const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--disable-quic'] });
let failures = 0;
try {
  for (let i = 1; i <= loads; i++) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    // Counts the element's updates, hooked before any of the page's scripts run.
    await page.evaluateOnNewDocument(() => {
      window.__updates = [];
      const define = customElements.define.bind(customElements);
      customElements.define = (name, constructor, options) => {
        if (name === 'phone-verify') {
          const updated = constructor.prototype.updated;
          constructor.prototype.updated = function (changed) {
            window.__updates.push(`${Math.round(performance.now())} ms ${this.step}`);
            return updated.call(this, changed);
          };
        }
        return define(name, constructor, options);
      };
    });
    // From DOMContentLoaded, so the first look falls in `loading` far more often than after `load`.
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const started = Date.now();
    const ok = await page
      .locator('phone-verify >>> input[autocomplete="tel"]')
      .setTimeout(timeout)
      .fill('07400 123456')
      .then(
        () => true,
        () => false,
      );
    const ms = Date.now() - started;
    const updates = await page.evaluate(() => window.__updates);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = await page.evaluate(() => window.__updates.length);
    if (!ok) failures++;
    const step = await page.evaluate(() => document.querySelector('phone-verify')?.step);
    console.log(
      `${i}: ${ok ? 'filled' : 'TIMEOUT'} after ${ms} ms (step ${step}); ${updates.length} updates, ${later} 300 ms later; first four: ${updates.slice(0, 4).join(', ')}`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
  await backend.close?.();
}
console.log(`${failures} of ${loads} loads timed out`);
