// demo/test/e2e-providers.test.ts
// The demo in Chromium on the channels issue 14 added: a Telnyx flashcall (the code
// step says to let it ring and type the caller's last digits) and Telegram Gateway
// (a Telegram user gets the code in Telegram; anyone else falls back to a text message).

import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TELEGRAM_USERS, type ProviderKind } from '../src/providers.js';
import type { VerifyProvider } from '@phone-verify/server-plugin';
import { launchChromium, pageErrors } from './browser.js';
import { requireWidgetBundle, serveDemo } from './serve-demo.js';

let browser: Browser;
let page: Page;
let errors: string[];
const logger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  requireWidgetBundle();
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

/** The demo on one provider (optionally adjusted), for one describe block. */
const demoOn = (kind: ProviderKind, adjust?: (provider: VerifyProvider) => VerifyProvider) => serveDemo({ kind, logger, ...(adjust && { adjust }) });

/** The newest message on the phone panel (meta line and text), once there is one more than `seen`. */
async function nextMessage(seen = 0): Promise<{ meta: string; text: string }> {
  await page.waitForFunction((n) => document.querySelectorAll('#phone-messages li').length > n, {}, seen);
  return page.$eval('#phone-messages li', (li) => ({ meta: li.querySelector('.meta')?.textContent ?? '', text: li.querySelector('.text')?.textContent ?? '' }));
}

/** The code step's label, as a person (or a screen reader) reads it. */
const codeLabel = (): Promise<string> => page.$eval('phone-verify', (el) => el.shadowRoot?.querySelector('label[for="code"]')?.textContent?.trim() ?? '');

async function submitNumber(baseUrl: string, number: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.locator('phone-verify >>> input[autocomplete="tel"]').fill(number);
  await page.locator('phone-verify >>> button[part="submit"]').click();
}

async function typeCodeAndLand(code: string): Promise<void> {
  const navigation = page.waitForNavigation();
  await page.locator('phone-verify >>> input[autocomplete="one-time-code"]').fill(code);
  await navigation;
  expect(new URL(page.url()).pathname).toBe('/account');
}

describe('demo on the Telnyx sandbox: the profile offers flashcall', () => {
  // The profile has sms, call and flashcall; this deployment puts flashcall first, so it is the default.
  const demo = demoOn('telnyx', (provider) => ({ ...provider, channels: ['flashcall', ...provider.channels.filter((c) => c !== 'flashcall')] }));

  it('offers the profile’s channels, flashcall among them', async () => {
    const config = (await (await fetch(`${demo.baseUrl}/auth/phone/config`)).json()) as { channels: string[] };
    expect(config.channels).toEqual(['flashcall', 'sms', 'voice']);
  });

  it('a flashcall: the code step says not to answer and to type the last 6 digits of the caller; they sign in', async () => {
    await submitNumber(demo.baseUrl, '07400 123456');
    const call = await nextMessage();
    expect(call.meta).toMatch(/^Missed call to \+447400123456/);
    const caller = call.text.match(/Missed call from (\+\d+)$/)?.[1];
    expect(caller, call.text).toBeDefined();
    await page.waitForFunction(() => document.querySelector('phone-verify')?.shadowRoot?.querySelector('input[autocomplete="one-time-code"]'));
    expect(await codeLabel()).toBe('We’re calling you now. Don’t answer — enter the last 6 digits of the number that calls');
    await typeCodeAndLand(caller!.slice(-6));
    expect(await page.$eval('[data-testid="phone"]', (el) => el.textContent)).toBe('+44 7400 123456');
    expect(errors).toEqual([]);
  });
});

describe('demo on the Telegram Gateway sandbox', () => {
  const demo = demoOn('telegram');

  it('a Telegram user gets the code in Telegram and signs in with it', async () => {
    expect(DEMO_TELEGRAM_USERS).toContain('+447400123456');
    await submitNumber(demo.baseUrl, '07400 123456');
    const message = await nextMessage();
    expect(message.meta).toMatch(/^Telegram to \+447400123456/);
    expect(message.text).toMatch(/^\[telegram\] Verification Codes: Your code is \d{6}$/);
    const notice = await page.waitForFunction(() => document.querySelector('phone-verify')?.shadowRoot?.querySelector('[role="status"]')?.textContent?.trim());
    expect(await notice.jsonValue()).toMatch(/by Telegram/);
    await typeCodeAndLand(message.text.slice(-6));
    expect(errors).toEqual([]);
  });

  it('someone not on Telegram is not stuck: the widget falls back to a text message, which signs them in', async () => {
    await submitNumber(demo.baseUrl, '07400 123457');
    const message = await nextMessage();
    expect(message.meta).toMatch(/^Text to \+447400123457/);
    expect(message.text).toMatch(/is your Demo code/);
    const notice = await page.waitForFunction(() => document.querySelector('phone-verify')?.shadowRoot?.querySelector('[role="status"]')?.textContent?.trim());
    expect(await notice.jsonValue()).toMatch(/by text message/);
    await typeCodeAndLand(message.text.match(/\b(\d{6})\b/)![1]!);
    expect(await page.$eval('[data-testid="phone"]', (el) => el.textContent)).toBe('+44 7400 123457');
    // The browser logs the refused Telegram start (400 channel_unavailable); nothing else went wrong.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });
});
