// widget/test/accessibility.test.ts
// WCAG 2.2 AA details the other files do not cover: reflow at 320 CSS px (400 % zoom
// of a 1280 px window; 200 % is easier), target sizes, a visible focus indicator with
// enough contrast, and screen-reader announcements that are not chatty (reduced motion:
// reduced-motion.test.ts, which some engines run in a launch of its own).

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerify } from '../src/index.js';
import {
  codeFor,
  DE_MOBILE,
  errorText,
  focusedId,
  GB_MOBILE,
  loaded,
  part,
  parts,
  resetServer,
  sendTo,
  setViewportSize,
  skipHere,
  spyFetch,
  stepIs,
  typeInto,
} from './helpers.js';

/** WCAG relative luminance of an `rgb(…)` colour. */
function luminance(color: string): number {
  const [r, g, b] = color
    .match(/\d+(\.\d+)?/g)!
    .slice(0, 3)
    .map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

/** Every control and option, with its size. */
function targets(el: PhoneVerify): { name: string; width: number; height: number }[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('input, button, [role="option"]')]
    .filter((t) => t.getClientRects().length > 0)
    .map((t) => {
      const box = t.getBoundingClientRect();
      return { name: t.getAttribute('part') ?? t.id, width: box.width, height: box.height };
    });
}

function overflows(el: PhoneVerify): string[] {
  const limit = document.documentElement.clientWidth;
  return [el, ...el.shadowRoot!.querySelectorAll<HTMLElement>('*')]
    .filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > limit + 0.5)
    .map((e) => e.getAttribute('part') ?? e.tagName);
}

describe('<phone-verify> accessibility details', () => {
  beforeEach(resetServer);

  afterEach(async () => {
    await setViewportSize(800, 600);
  });

  it('should reflow at 320 CSS pixels without horizontal scrolling, in every step', async function () {
    const { width } = await setViewportSize(320, 640);
    if (width !== 320) await skipHere(this, `the window cannot be narrower than ${width} CSS px in this browser, so 320 px cannot be shown`);
    const el = await loaded(html`<phone-verify endpoint="/auth/fast" default-country="GB"></phone-verify>`);
    expect(overflows(el)).to.deep.equal([]);
    expect(document.documentElement.scrollWidth).to.be.at.most(320);
    part(el, 'country-toggle').focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(overflows(el)).to.deep.equal([]);
    await sendKeys({ press: 'Escape' });
    await sendTo(el, DE_MOBILE);
    await waitUntil(() => parts(el, 'channel').some((b) => !(b as HTMLButtonElement).disabled), 'no channel buttons', { timeout: 3000 });
    expect(overflows(el)).to.deep.equal([]);
    expect(document.documentElement.scrollWidth).to.be.at.most(320);
  });

  it('should make every target at least 24 by 24 pixels', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    part(el, 'country-toggle').focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    const small = (list: ReturnType<typeof targets>) => list.filter((t) => t.width < 24 || t.height < 24);
    expect(small(targets(el))).to.deep.equal([]);
    await sendKeys({ press: 'Escape' });
    await sendTo(el, DE_MOBILE);
    await waitUntil(() => parts(el, 'channel').some((b) => !(b as HTMLButtonElement).disabled), 'no channel buttons', { timeout: 3000 });
    expect(targets(el).length).to.be.greaterThan(4);
    expect(small(targets(el))).to.deep.equal([]);
  });

  it('should show a keyboard focus ring with at least 3:1 contrast', async () => {
    const el = await loaded();
    el.focus();
    await sendKeys({ press: 'Tab' });
    const input = part(el, 'phone-input');
    expect(el.shadowRoot!.activeElement).to.equal(input);
    const style = getComputedStyle(input);
    expect(style.outlineStyle).to.equal('solid');
    expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
    expect(contrast(style.outlineColor, 'rgb(255, 255, 255)')).to.be.at.least(3);
    await sendKeys({ press: 'Tab' });
    const button = getComputedStyle(part(el, 'submit'));
    expect(button.outlineStyle).to.equal('solid');
    expect(contrast(button.outlineColor, 'rgb(255, 255, 255)')).to.be.at.least(3);
  });

  it('should announce the countdown when it starts and when it ends, not every second', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/fast"></phone-verify>`);
    const status = el.shadowRoot!.querySelector('[role="status"]')!;
    const said: string[] = [];
    const observer = new MutationObserver(() => said.push(status.textContent!));
    observer.observe(status, { childList: true, characterData: true, subtree: true });
    try {
      await sendTo(el, DE_MOBILE);
      await waitUntil(() => parts(el, 'resend').length > 0, 'no resend button', { timeout: 3000 });
      await el.updateComplete;
    } finally {
      observer.disconnect();
    }
    expect([...new Set(said)]).to.deep.equal([
      'We sent a code to +49 1512 3456789 by text message. You can ask for a new code in 1 second.',
      'You can ask for a new code now.',
    ]);
    expect(part(el, 'countdown', true)).to.equal(null);
  });

  it('should say how long the code is valid', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    // Issue 13: a live countdown in the field's description ("Code expires in 4:59").
    expect(part(el, 'hint').textContent).to.match(/^Code expires in (5:00|4:5\d)$/);
    expect(part(el, 'code-input').getAttribute('aria-describedby')).to.equal('code-hint error');
  });

  // Issue 13 changed this: focus went to the error region, which is empty while loading.
  it('should keep focus on "Try again" while the configuration loads again, and after it fails again', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/phone/nowhere"></phone-verify>`);
    // The second load answers after 300 ms (a slow network), so its loading state can be looked at.
    const real = window.fetch;
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) =>
      String(input).endsWith('/config') ? new Promise((resolve) => setTimeout(resolve, 300)).then(() => real(input, init)) : real(input, init);
    try {
      part(el, 'retry').focus();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(el.step).to.equal('loading');
      expect(el.shadowRoot!.activeElement?.id).to.equal('retry');
      expect(part(el, 'retry').getAttribute('aria-disabled')).to.equal('true');
      await waitUntil(() => el.step === 'error' && errorText(el) !== '', 'the second load did not fail');
    } finally {
      window.fetch = real;
    }
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.id).to.equal('retry');
    expect(part(el, 'retry').getAttribute('aria-disabled')).to.equal('false');
    await expect(el).to.be.accessible();
  });

  it('should move focus from "Try again" to the number once the configuration loads', async () => {
    let offline = true;
    const spy = spyFetch((url) => (offline && url.endsWith('/config') ? Promise.reject(new TypeError('offline')) : undefined));
    try {
      const el = await loaded();
      expect(el.step).to.equal('error');
      offline = false;
      part(el, 'retry').focus();
      await sendKeys({ press: 'Enter' });
      await stepIs(el, 'enter-phone');
      expect(focusedId(el)).to.equal('phone');
    } finally {
      spy.restore();
    }
  });

  it('should pass accessibility tests while verifying', async () => {
    const el = await loaded();
    await sendTo(el, GB_MOBILE);
    typeInto(part<HTMLInputElement>(el, 'code-input'), await codeFor(GB_MOBILE));
    await el.updateComplete;
    expect(el.step).to.equal('verifying');
    await expect(el).to.be.accessible();
    await stepIs(el, 'done');
  });
});
