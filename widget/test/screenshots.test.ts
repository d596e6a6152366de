// widget/test/screenshots.test.ts
// Each state in light and dark, saved as .test-artifacts/screenshots/<state>-<scheme>.png
// for a person to look at (and the README's widget/docs/screenshot.png). The checks
// here are the colour scheme really switching; the pictures are for eyes. Firefox and
// WebKit set the scheme only at start-up: their default launch has light, their `*-media`
// launch dark (web-test-runner.config.mjs), each registering the scheme it has.

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerify } from '../src/index.js';
import {
  canHave,
  codeFor,
  DE_MOBILE,
  emulate,
  errorText,
  GB_MOBILE,
  loaded,
  part,
  parts,
  resetMedia,
  resetServer,
  screenshot,
  sendTo,
  setViewportSize,
  stepIs,
  typeInto,
} from './helpers.js';
import { settled } from './settled.js';

/** The popup overlays what follows the field: pad the element to its bottom, so a picture of the element shows it. */
function roomForPopup(el: PhoneVerify): void {
  const extra = part(el, 'country-popup').getBoundingClientRect().bottom - el.getBoundingClientRect().bottom;
  el.style.setProperty('padding-bottom', `${Math.max(0, Math.ceil(extra))}px`);
}

const ACCENT = { light: 'rgb(11, 87, 208)', dark: 'rgb(168, 199, 250)' };

for (const scheme of (['light', 'dark'] as const).filter((s) => canHave({ colorScheme: s }))) {
  describe(`<phone-verify> screenshots, ${scheme}`, () => {
    before(async () => {
      await emulate({ colorScheme: scheme });
      document.documentElement.style.colorScheme = scheme;
      document.body.style.background = scheme === 'dark' ? '#131314' : '#ffffff';
      document.body.style.padding = '24px';
    });

    after(async () => {
      await resetMedia();
      document.documentElement.style.colorScheme = '';
      document.body.style.background = '';
      document.body.style.padding = '';
    });

    beforeEach(resetServer);

    it('phone step', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      expect(getComputedStyle(part(el, 'submit')).backgroundColor).to.equal(ACCENT[scheme]);
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '07400 123456');
      await el.updateComplete;
      await screenshot(el, `phone-${scheme}`);
    });

    it('country list open', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      part(el, 'country-toggle').focus();
      await sendKeys({ press: 'ArrowDown' });
      await el.updateComplete;
      expect(parts(el, 'active')).to.have.length(1);
      expect(getComputedStyle(parts(el, 'active')[0]!).backgroundColor).to.equal(ACCENT[scheme]);
      // The list overlays what follows; make room so the picture shows it.
      roomForPopup(el);
      await screenshot(el, `country-list-${scheme}`);
      el.style.removeProperty('padding-bottom');
    });

    it('phone error', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '07400 12');
      part(el, 'submit').click();
      await waitUntil(() => errorText(el) !== '');
      await screenshot(el, `phone-error-${scheme}`);
    });

    it('code step', async () => {
      const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
      await sendTo(el, '07400 123456');
      typeInto(part<HTMLInputElement>(el, 'code-input'), (await codeFor(GB_MOBILE)).slice(0, 3));
      await el.updateComplete;
      await screenshot(el, `code-${scheme}`, scheme === 'light');
    });

    it('code step, wrong code and other channels', async () => {
      const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
      await sendTo(el, DE_MOBILE);
      const code = await codeFor(DE_MOBILE);
      typeInto(part<HTMLInputElement>(el, 'code-input'), String((Number(code[0]) + 1) % 10) + code.slice(1));
      await waitUntil(() => errorText(el).includes('attempts left'));
      await waitUntil(() => parts(el, 'channel').some((b) => !(b as HTMLButtonElement).disabled), 'no channel buttons', { timeout: 3000 });
      await screenshot(el, `code-channels-${scheme}`);
    });

    it('signed in', async () => {
      const el = await loaded();
      await sendTo(el, GB_MOBILE);
      typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
      await stepIs(el, 'done');
      await screenshot(el, `done-${scheme}`);
    });

    // The number field (issue 13) on a phone and on a desktop: closed with a number, open
    // with a search, and in Arabic (the row stays left to right), each passing axe.
    for (const [device, width, height] of [
      ['phone', 390, 844],
      ['desktop', 1280, 800],
    ] as const) {
      it(`number field, ${device}: closed, open, right to left`, async () => {
        await setViewportSize(width, height);
        try {
          const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
          typeInto(part<HTMLInputElement>(el, 'phone-input'), '07400 123456');
          await el.updateComplete;
          await settled(el);
          await expect(el).to.be.accessible();
          await screenshot(el, `number-field-${device}-${scheme}`);
          part(el, 'country-toggle').focus();
          await sendKeys({ type: 'u' });
          await el.updateComplete;
          expect(parts(el, 'country-option').length).to.be.greaterThan(1);
          roomForPopup(el);
          await settled(el);
          await expect(el).to.be.accessible();
          await screenshot(el, `number-field-open-${device}-${scheme}`);
          await sendKeys({ press: 'Escape' });
          el.style.removeProperty('padding-bottom');

          const wrapper = await loaded<HTMLElement>(html`<div lang="ar"><phone-verify default-country="GB"></phone-verify></div>`);
          const ar = wrapper.querySelector<PhoneVerify>('phone-verify')!;
          await waitUntil(() => part(ar, 'submit').textContent!.trim() === 'إرسال الرمز', 'Arabic did not load');
          part(ar, 'country-toggle').focus();
          await sendKeys({ press: 'ArrowDown' });
          await ar.updateComplete;
          expect(getComputedStyle(part(ar, 'country-popup')).direction).to.equal('rtl');
          roomForPopup(ar);
          await settled(ar);
          await expect(ar).to.be.accessible();
          await screenshot(ar, `number-field-ar-open-${device}-${scheme}`);
          await sendKeys({ press: 'Escape' });
          ar.style.removeProperty('padding-bottom');
          typeInto(part<HTMLInputElement>(ar, 'phone-input'), '٠٧٤٠٠١٢٣٤٥٦');
          await ar.updateComplete;
          await screenshot(ar, `number-field-ar-${device}-${scheme}`);
        } finally {
          await setViewportSize(800, 600);
        }
      });
    }

    it('Arabic, right to left', async () => {
      const wrapper = await loaded<HTMLElement>(html`<div lang="ar"><phone-verify default-country="GB"></phone-verify></div>`);
      const el = wrapper.querySelector<PhoneVerify>('phone-verify')!;
      await waitUntil(() => part(el, 'submit').textContent!.trim() === 'إرسال الرمز', 'Arabic did not load');
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '٠٧٤٠٠١٢٣٤٥٦');
      await el.updateComplete;
      await screenshot(el, `phone-ar-${scheme}`);
    });
  });
}
