// demo/test/e2e.test.ts
// A person signs in through the real demo page in Chromium: types a number, reads
// the code off the demo's phone panel, types it, lands on the account page, signs out.

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/app.js';
import { launchChromium, pageErrors } from './browser.js';

const bundle = fileURLToPath(new URL('../../widget/dist/phone-verify.js', import.meta.url));

let server: Server;
let baseUrl: string;
let browser: Browser;
let page: Page;
let errors: string[];
const log: string[] = [];

beforeAll(async () => {
  if (!existsSync(bundle)) throw new Error('widget/dist/phone-verify.js is missing: run `npm run build` first (npm test does)');
  const { app } = createDemoApp({ logger: { info: (m) => log.push(m), warn: (m) => log.push(m), error: (m) => log.push(m) } });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(async () => {
  const context = await browser.createBrowserContext();
  page = await context.newPage();
  errors = pageErrors(page);
});

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

describe('demo sign-in in Chromium', () => {
  it('should sign in with a national number and the code from the phone panel, then sign out', async () => {
    await page.goto(`${baseUrl}/`);
    await page.locator('phone-verify >>> input[autocomplete="tel"]').fill('07400 123456');
    await page.locator('phone-verify >>> button[part="submit"]').click();

    const message = await nextMessage(0);
    expect(message).toMatch(/is your Demo code/);
    expect(message.trim().split('\n').at(-1)).toBe(`@localhost #${codeIn(message)}`);

    // The code field auto-submits when complete, and the widget follows the server's redirect.
    const navigation = page.waitForNavigation();
    await page.locator('phone-verify >>> input[autocomplete="one-time-code"]').fill(codeIn(message));
    await navigation;
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await page.$eval('[data-testid="phone"]', (el) => el.textContent)).toBe('+447400123456');

    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goto(`${baseUrl}/account`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(errors).toEqual([]);
  });

  it('should refuse a wrong code, say how many tries are left, then accept the right one', async () => {
    await page.goto(`${baseUrl}/`);
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
    await page.goto(`${baseUrl}/`);
    await page.locator('phone-verify >>> input[autocomplete="tel"]').fill('07400 123457');
    await page.locator('phone-verify >>> button[part="submit"]').click();
    await nextMessage(0);

    const other = await (await browser.createBrowserContext()).newPage();
    await other.goto(`${baseUrl}/`);
    // Give the other browser's event stream time to deliver anything it (wrongly) had.
    await other.waitForFunction(() => document.readyState === 'complete');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await other.$$eval('#phone-messages li', (items) => items.length)).toBe(0);
  });
});
