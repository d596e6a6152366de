// demo/test/intents-e2e.test.ts
// Beyond sign-in in a real browser (issue 11), on the demo's embedded defaults: sign up
// with a phone proof, see the recovery codes after a step-up, change the number (another
// account's first: phone_taken after its code); and issue 13's demo parts: the language
// switch, WhatsApp offered, the note when a send limit is hit. Chromium and Firefox; the
// codes come off the demo's phone panel, as in e2e.test.ts.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DemoOptions } from '../src/app.js';
import { ENGINE_NAMES, launchBrowser, type DemoBrowser, type DemoPage, type Engine } from './browser.js';
import { codeIn, requireWidgetBundle, serveDemo } from './serve-demo.js';
const logger = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };

beforeAll(requireWidgetBundle);

/** The demo on the local provider, for one describe block. */
const demoWith = (options: Partial<DemoOptions> = {}) => serveDemo({ logger, options });

const WIDGET = 'phone-verify';

for (const engine of ['chromium', 'firefox'] as const satisfies readonly Engine[]) {
  describe(`beyond sign-in in ${ENGINE_NAMES[engine]}`, () => {
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

    /** Texts this test has read off the phone panel: a page's panel shows them again when it loads. */
    const read = new Set<string>();
    beforeEach(() => read.clear());
    /** The newest message on this page's phone panel that the test has not read yet. */
    async function nextMessage(): Promise<string> {
      const text = await page.waitFor(
        (seen) => {
          const newest = document.querySelector('#phone-messages li .text')?.textContent;
          return newest && !seen.includes(newest) ? newest : undefined;
        },
        [...read],
      );
      // waitFor only returns once the function gave something truthy.
      read.add(text!);
      return text!;
    }
    const onPage = (path: string) => page.waitFor((p) => location.pathname === p && document.readyState === 'complete', path);
    const widgetAlert = () => page.waitFor(() => document.querySelector('phone-verify')?.shadowRoot?.querySelector('[role="alert"]')?.textContent?.trim());
    /** Waits for the page's widget to have rendered its first step. */
    const widgetReady = () => page.waitFor(() => Boolean(document.querySelector('phone-verify')?.shadowRoot?.querySelector('button[part="submit"]')));

    /** Types a number into the page's widget, sends, and types the code off the phone panel. */
    async function proveNumber(number: string): Promise<void> {
      await page.waitFor(() => Boolean(document.querySelector('phone-verify')?.shadowRoot?.querySelector('input[autocomplete="tel"]')));
      // Back from the code step the field keeps the last number: start from an empty one.
      await page.evaluate(() => {
        const input = document.querySelector('phone-verify')?.shadowRoot?.querySelector<HTMLInputElement>('input[autocomplete="tel"]');
        if (input && input.value !== '') {
          input.value = '';
          input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'deleteContentBackward' }));
        }
      });
      await page.type(`${WIDGET} >>> input[autocomplete="tel"]`, number);
      await page.click(`${WIDGET} >>> button[part="submit"]`);
      await page.type(`${WIDGET} >>> input[autocomplete="one-time-code"]`, codeIn(await nextMessage()));
    }

    describe('on the embedded defaults', () => {
      const demo = demoWith();

      it('should sign up with a proof, step up to the recovery codes, and change the number (a taken one first)', async () => {
        demo.app.users.findOrCreate('+447400123457');
        await page.goto(`${demo.baseUrl}/`);
        await page.click('nav a[href="/signup"]');
        await onPage('/signup');

        // Sign up: the form cannot be sent before the number is proven (the widget's value is missing).
        await page.type('input[name="name"]', 'Ada Lovelace');
        expect(await page.evaluate(() => (document.getElementById('signup') as HTMLFormElement).checkValidity())).toBe(false);
        await proveNumber('07400 123456');
        await page.waitFor(() => (document.getElementById('signup') as HTMLFormElement).checkValidity());
        await page.click('#signup button[type="submit"]');
        await onPage('/account');
        expect(await page.evaluate(() => document.querySelector('h1')?.textContent)).toBe('Hello, Ada Lovelace');
        expect(await page.evaluate(() => document.querySelector('[data-testid="phone"]')?.textContent)).toBe('+44 7400 123456');

        // The guarded page leads to the step-up page: the number masked, one "Send code" step, then back.
        await page.click('a[href="/account/recovery-codes"]');
        await onPage('/account/step-up');
        expect(await page.evaluate(() => document.querySelector('[data-testid="masked-phone"]')?.textContent)).toBe('•••• 3456');
        await widgetReady();
        expect(await page.evaluate(() => document.querySelector('phone-verify')?.shadowRoot?.querySelector('input[autocomplete="tel"]') === null)).toBe(true);
        await page.click(`${WIDGET} >>> button[part="submit"]`);
        const stepUpMessage = await nextMessage();
        await page.type(`${WIDGET} >>> input[autocomplete="one-time-code"]`, codeIn(stepUpMessage));
        await onPage('/account/recovery-codes');
        expect(await page.evaluate(() => document.querySelectorAll('[data-testid="recovery-codes"] li').length)).toBe(8);

        // Change number: the stamp is fresh, so the page opens; another account's number is refused after its code.
        await page.click('a[href="/account"]');
        await onPage('/account');
        await page.click('a[href="/account/number"]');
        await onPage('/account/number');
        await proveNumber('07400 123457');
        expect(await widgetAlert()).toBe('This number belongs to another account.');

        await page.click(`${WIDGET} >>> button[part="back"]`);
        await proveNumber('07400 123458');
        await onPage('/account');
        expect(await page.evaluate(() => document.querySelector('[data-testid="phone"]')?.textContent)).toBe('+44 7400 123458');
        expect(await page.evaluate(() => document.querySelector('.notice')?.textContent)).toContain('Your number was changed');
        // Chromium logs the refused call (phone_taken is a 409) as a console error: that one is expected.
        expect((await page.errors()).filter((e) => !/status of 409/.test(e))).toEqual([]);
      });

      it('should switch the widget language, keep it on the next page, and send the code in it', async () => {
        await page.goto(`${demo.baseUrl}/`);
        await widgetReady();
        const english = await page.evaluate(() =>
          document.querySelector('phone-verify')?.shadowRoot?.querySelector('button[part="submit"]')?.textContent?.trim(),
        );
        await page.evaluate(() => {
          const select = document.getElementById('demo-lang') as HTMLSelectElement;
          select.value = 'de';
          select.dispatchEvent(new Event('change'));
        });
        const german = await page.waitFor((before) => {
          const text = document.querySelector('phone-verify')?.shadowRoot?.querySelector('button[part="submit"]')?.textContent?.trim();
          return text !== before ? text : undefined;
        }, english);
        expect(german).not.toBe(english);
        await page.goto(`${demo.baseUrl}/signup`);
        expect(
          await page.evaluate(() => [
            (document.getElementById('demo-lang') as HTMLSelectElement).value,
            document.querySelector('phone-verify')?.getAttribute('lang'),
          ]),
        ).toEqual(['de', 'de']);
        await widgetReady();
        await page.type(`${WIDGET} >>> input[autocomplete="tel"]`, '07400 123459');
        await page.click(`${WIDGET} >>> button[part="submit"]`);
        expect(await nextMessage()).toMatch(/ist Ihr Demo-Code/);
      });
    });

    describe('with no wait before the other channels', () => {
      const demo = demoWith({ resendAfter: 0 });

      it('should offer WhatsApp beside the text message, and deliver there', async () => {
        await page.goto(`${demo.baseUrl}/`);
        await widgetReady();
        await page.type(`${WIDGET} >>> input[autocomplete="tel"]`, '07400 123460');
        await page.click(`${WIDGET} >>> button[part="submit"]`);
        await nextMessage();
        const channels = await page.waitFor(() => {
          const buttons = [...(document.querySelector('phone-verify')?.shadowRoot?.querySelectorAll('button[part~="channel"]') ?? [])];
          return buttons.length > 0 ? buttons.map((b) => b.textContent?.trim() ?? '') : undefined;
        });
        const whatsapp = channels!.findIndex((text) => /WhatsApp/.test(text));
        expect(whatsapp, channels!.join(' | ')).toBeGreaterThanOrEqual(0);
        // Marked for the click: CSS cannot pick a button by its text.
        await page.evaluate(
          (i) => document.querySelector('phone-verify')?.shadowRoot?.querySelectorAll('button[part~="channel"]')[i]?.setAttribute('data-test', 'whatsapp'),
          whatsapp,
        );
        await page.click(`${WIDGET} >>> button[data-test="whatsapp"]`);
        await nextMessage();
        expect(await page.evaluate(() => document.querySelector('#phone-messages li .meta')?.textContent)).toMatch(/^WhatsApp to \+447400123460/);
      });
    });

    describe('when a send limit is hit', () => {
      const demo = demoWith({ sendLimit: 1 });

      it('should say what happened, when it clears and how to reset it', async () => {
        await page.goto(`${demo.baseUrl}/`);
        await widgetReady();
        expect(await page.evaluate(() => document.getElementById('limit-note')?.textContent)).toBe('');
        await page.type(`${WIDGET} >>> input[autocomplete="tel"]`, '07400 123461');
        await page.click(`${WIDGET} >>> button[part="submit"]`);
        await nextMessage();
        await page.click(`${WIDGET} >>> button[part="back"]`);
        await page.waitFor(() => Boolean(document.querySelector('phone-verify')?.shadowRoot?.querySelector('input[autocomplete="tel"]')));
        await page.click(`${WIDGET} >>> button[part="submit"]`);
        await page.waitFor(() => document.getElementById('limit-note')?.textContent !== '');
        const note = await page.evaluate(() => document.getElementById('limit-note')?.textContent ?? '');
        expect(note).toContain('1 code per number and 4 per network');
        expect(note).toContain('within 10 minutes');
        expect(note).toContain('restart the demo');
        expect(note).toContain('SEND_LIMIT=');
      });
    });
  });
}
