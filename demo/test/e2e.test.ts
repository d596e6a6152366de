// demo/test/e2e.test.ts
// A person signs in through the real demo page in Chromium: types a number, reads
// the code off the demo's phone panel, types it, lands on the account page, signs out.
// On the local provider, and on each provider's sandbox over real HTTP.

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/app.js';
import { DemoPhones } from '../src/phone.js';
import { demoBackend, type DemoBackend, type ProviderKind } from '../src/providers.js';
import { launchChromium, pageErrors } from './browser.js';

const bundle = fileURLToPath(new URL('../../widget/dist/phone-verify.js', import.meta.url));

let browser: Browser;
let page: Page;
let errors: string[];
const log: string[] = [];
const logger = { info: (m: string) => log.push(m), warn: (m: string) => log.push(m), error: (m: string) => log.push(m) };

beforeAll(async () => {
  if (!existsSync(bundle)) throw new Error('widget/dist/phone-verify.js is missing: run `npm run build` first (npm test does)');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  const context = await browser.createBrowserContext();
  page = await context.newPage();
  errors = pageErrors(page);
});

/** The demo on one provider, listening on a free port, for one describe block. */
function demoOn(kind: ProviderKind) {
  const demo = { baseUrl: '' };
  let server: Server;
  let backend: DemoBackend;
  beforeAll(async () => {
    const phones = new DemoPhones();
    backend = await demoBackend(kind, phones);
    server = createDemoApp({ phones, provider: backend.provider, logger, ...backend.policy }).app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    demo.baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    // The phone panel's event streams stay open: end them, or close() waits forever.
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await backend?.close();
  });
  return demo;
}

/** The newest message on the demo's phone panel, once it has one more than `seen`. */
async function nextMessage(seen: number): Promise<string> {
  await page.waitForFunction((n) => document.querySelectorAll('#phone-messages li').length > n, {}, seen);
  return page.$eval('#phone-messages li .text', (el) => el.textContent ?? '');
}

const codeIn = (text: string): string => {
  const code = text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in ${JSON.stringify(text)}`);
  return code;
};

/** Types a number, sends, reads the code off the phone panel, types it: ends on the account page. */
async function signIn(baseUrl: string, number: string): Promise<string> {
  await page.goto(`${baseUrl}/`);
  await page.locator('phone-verify >>> input[autocomplete="tel"]').fill(number);
  await page.locator('phone-verify >>> button[part="submit"]').click();
  const message = await nextMessage(0);
  // The code field auto-submits when complete, and the widget follows the server's redirect.
  const navigation = page.waitForNavigation();
  await page.locator('phone-verify >>> input[autocomplete="one-time-code"]').fill(codeIn(message));
  await navigation;
  expect(new URL(page.url()).pathname).toBe('/account');
  return message;
}

for (const kind of ['textmagic', 'telnyx', 'messagebird', 'twilio', 'vonage'] as const) {
  describe(`demo sign-in in Chromium on the ${kind} sandbox`, () => {
    const demo = demoOn(kind);
    it('should sign in with the code the sandbox "sent"', async () => {
      await signIn(demo.baseUrl, '07400 123456');
      expect(await page.$eval('[data-testid="phone"]', (el) => el.textContent)).toBe('+447400123456');
      expect(errors).toEqual([]);
    });
  });
}

describe('demo sign-in in Chromium on the local provider', () => {
  const demo = demoOn('local');
  it('should sign in with a national number and the code from the phone panel, then sign out', async () => {
    const message = await signIn(demo.baseUrl, '07400 123456');
    expect(message).toMatch(/is your Demo code/);
    // The origin-bound line comes last, for WebOTP and iOS autofill.
    expect(message.trim().split('\n').at(-1)).toBe(`@localhost #${codeIn(message)}`);
    expect(await page.$eval('[data-testid="phone"]', (el) => el.textContent)).toBe('+447400123456');

    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goto(`${demo.baseUrl}/account`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(errors).toEqual([]);
  });

  it('should refuse a wrong code, say how many tries are left, then accept the right one', async () => {
    await page.goto(`${demo.baseUrl}/`);
    await page.locator('phone-verify >>> input[autocomplete="tel"]').fill('+49 151 23456789');
    await page.locator('phone-verify >>> button[part="submit"]').click();
    const code = codeIn(await nextMessage(0));
    const wrong = code === '000000' ? '111111' : '000000';

    await page.locator('phone-verify >>> input[autocomplete="one-time-code"]').fill(wrong);
    const alert = await page.waitForFunction(() => document.querySelector('phone-verify')?.shadowRoot?.querySelector('[role="alert"]')?.textContent?.trim());
    expect(await alert.jsonValue()).toMatch(/\b4 attempts left/);

    const navigation = page.waitForNavigation();
    await page.locator('phone-verify >>> input[autocomplete="one-time-code"]').fill(code);
    await navigation;
    expect(await page.$eval('[data-testid="phone"]', (el) => el.textContent)).toBe('+4915123456789');
  });

  it("should show each browser only its own codes", async () => {
    await page.goto(`${demo.baseUrl}/`);
    await page.locator('phone-verify >>> input[autocomplete="tel"]').fill('07400 123457');
    await page.locator('phone-verify >>> button[part="submit"]').click();
    await nextMessage(0);

    const other = await (await browser.createBrowserContext()).newPage();
    await other.goto(`${demo.baseUrl}/`);
    // Give the other browser's event stream time to deliver anything it (wrongly) had.
    await other.waitForFunction(() => document.readyState === 'complete');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await other.$$eval('#phone-messages li', (items) => items.length)).toBe(0);
  });
});
