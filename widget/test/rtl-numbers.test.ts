// widget/test/rtl-numbers.test.ts
// Numbers inside right-to-left text (issue 13): Arabic's phone hint says "+966" and the
// code step's label "+44 7400 123456", each wrapped in Unicode bidi isolates (U+2066 LRI …
// U+2069 PDI, UAX #9), so they read left to right: the "+" drawn left of the digits,
// checked on the rendered glyphs (Range rects), not on the string.

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import type { PhoneVerify } from '../src/index.js';
import { GB_MOBILE, loaded, part, resetServer, screenshot, sendTo, setViewportSize } from './helpers.js';

/** The box of `length` characters from the first occurrence of `text` in `root`'s text. */
function rectOf(root: Node, text: string, offset: number, length: number): DOMRect {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent!.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at + offset);
    range.setEnd(node, at + offset + length);
    return range.getBoundingClientRect();
  }
  throw new Error(`no "${text}" in ${root.textContent}`);
}

/** The "+" is drawn left of the first digit, and the digits left to right. */
function expectLeftToRight(root: Node, number: string): void {
  const plus = rectOf(root, number, 0, 1);
  const first = rectOf(root, number, 1, 1);
  const last = rectOf(root, number, number.length - 1, 1);
  expect(plus.width, 'the "+" has no box').to.be.greaterThan(0);
  expect(plus.right, `"+" is not left of the digits of ${number}`).to.be.at.most(first.left + 1);
  expect(first.right, `the digits of ${number} are not left to right`).to.be.at.most(last.left + 1);
}

describe('numbers in right-to-left text', () => {
  beforeEach(resetServer);
  afterEach(async () => {
    await setViewportSize(800, 600);
  });

  it('should draw "+966" in the Arabic phone hint and "+44 7400 123456" in the code label left to right, at phone size', async () => {
    await setViewportSize(390, 844);
    const wrapper = await loaded<HTMLElement>(html`<div lang="ar" dir="rtl"><phone-verify default-country="GB"></phone-verify></div>`);
    const el = wrapper.querySelector<PhoneVerify>('phone-verify')!;
    await waitUntil(() => part(el, 'submit').textContent!.trim() === 'إرسال الرمز', 'Arabic did not load');
    const hint = el.shadowRoot!.querySelector('#phone-hint')!;
    expect(hint.textContent).to.contain('+966');
    expectLeftToRight(hint, '+966');
    await screenshot(el, 'phone-hint-ar');

    await sendTo(el, GB_MOBILE);
    const label = el.shadowRoot!.querySelector('label[for="code"]')!;
    await waitUntil(() => label.textContent!.includes('+44'), 'no number in the label');
    expectLeftToRight(label, '+44 7400 123456');
    await screenshot(el, 'code-label-ar');
  });
});
