// demo/test/e2e.test.ts
// A person signs in through the real demo page in Chromium, Firefox and WebKit: types a
// number, reads the code off the demo's phone panel, types it, lands on the account page,
// signs out. On the local provider, and on each provider's sandbox over real HTTP.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderKind } from '../src/providers.js';
import { ENGINE_NAMES, ENGINES, launchBrowser, type DemoBrowser, type DemoPage } from './browser.js';
import { codeIn, requireWidgetBundle, serveDemo } from './serve-demo.js';

const log: string[] = [];
const logger = { info: (m: string) => log.push(m), warn: (m: string) => log.push(m), error: (m: string) => log.push(m) };

beforeAll(requireWidgetBundle);

/** The demo on one provider, for one describe block. */
const demoOn = (kind: ProviderKind) => serveDemo({ kind, logger });

for (const engine of ENGINES) {
  const name = ENGINE_NAMES[engine];

  describe(`the demo in ${name}`, () => {
    let browser: DemoBrowser;
    let page: DemoPage;

    beforeAll(async () => {
      browser = await launchBrowser(engine);
    });

    afterAll(async () => {
      await browser?.close();
    });

    beforeEach(async () => {
      page = await browser.newPage();
    });

    /** The newest message on the demo's phone panel, once it has one more than `seen`. */
    async function nextMessage(seen: number): Promise<string> {
      await page.waitFor((n) => document.querySelectorAll('#phone-messages li').length > n, seen);
      return page.evaluate(() => document.querySelector('#phone-messages li .text')?.textContent ?? '');
    }

    const onPage = (path: string) => page.waitFor((p) => location.pathname === p && document.readyState === 'complete', path);
    // The account page writes the number for people (issue 13), not as raw E.164.
    const phoneShown = () => page.evaluate(() => document.querySelector('[data-testid="phone"]')?.textContent);

    /** Types a number, sends, reads the code off the phone panel, types it: ends on the account page. */
    async function signIn(baseUrl: string, number: string): Promise<string> {
      await page.goto(`${baseUrl}/`);
      await page.type('phone-verify >>> input[autocomplete="tel"]', number);
      await page.click('phone-verify >>> button[part="submit"]');
      const message = await nextMessage(0);
      // The code field auto-submits when complete, and the widget follows the server's redirect.
      await page.type('phone-verify >>> input[autocomplete="one-time-code"]', codeIn(message));
      await onPage('/account');
      expect(await page.pathname()).toBe('/account');
      return message;
    }

    for (const kind of ['textmagic', 'telnyx', 'messagebird', 'twilio', 'vonage'] as const) {
      describe(`sign-in on the ${kind} sandbox`, () => {
        const demo = demoOn(kind);
        it('should sign in with the code the sandbox "sent"', async () => {
          await signIn(demo.baseUrl, '07400 123456');
          expect(await phoneShown()).toBe('+44 7400 123456');
          expect(await page.errors()).toEqual([]);
        });
      });
    }

    describe('sign-in on the local provider', () => {
      const demo = demoOn('local');
      it('should sign in with a national number and the code from the phone panel, then sign out', async () => {
        const message = await signIn(demo.baseUrl, '07400 123456');
        expect(message).toMatch(/is your Demo code/);
        // The origin-bound line comes last, for WebOTP and iOS autofill.
        expect(message.trim().split('\n').at(-1)).toBe(`@localhost #${codeIn(message)}`);
        expect(await phoneShown()).toBe('+44 7400 123456');

        await page.click('form[action="/logout"] button');
        await onPage('/');
        expect(await page.pathname()).toBe('/');
        await page.goto(`${demo.baseUrl}/account`);
        expect(await page.pathname()).toBe('/');
        expect(await page.errors()).toEqual([]);
      });

      it('should refuse a wrong code, say how many tries are left, then accept the right one', async () => {
        await page.goto(`${demo.baseUrl}/`);
        await page.type('phone-verify >>> input[autocomplete="tel"]', '+49 151 23456789');
        await page.click('phone-verify >>> button[part="submit"]');
        const code = codeIn(await nextMessage(0));
        const wrong = code === '000000' ? '111111' : '000000';

        await page.type('phone-verify >>> input[autocomplete="one-time-code"]', wrong);
        const alert = await page.waitFor(() => document.querySelector('phone-verify')?.shadowRoot?.querySelector('[role="alert"]')?.textContent?.trim());
        expect(alert).toMatch(/\b4 attempts left/);

        // After a wrong code the widget selects it, so what is typed next replaces it.
        await page.type('phone-verify >>> input[autocomplete="one-time-code"]', code);
        await onPage('/account');
        expect(await phoneShown()).toBe('+49 1512 3456789');
      });

      it('should show each browser only its own codes', async () => {
        await page.goto(`${demo.baseUrl}/`);
        await page.type('phone-verify >>> input[autocomplete="tel"]', '07400 123457');
        await page.click('phone-verify >>> button[part="submit"]');
        await nextMessage(0);

        const other = await browser.newPage();
        await other.goto(`${demo.baseUrl}/`);
        // Give the other browser's event stream time to deliver anything it (wrongly) had.
        await other.waitFor(() => document.readyState === 'complete');
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await other.evaluate(() => document.querySelectorAll('#phone-messages li').length)).toBe(0);
      });
    });
  });
}
