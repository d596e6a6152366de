// widget/test/number-field.test.ts
// The number field as one row (issue 13): the country button (ISO code badge and calling
// code) then the number, both whole on one line at 320 px and in Arabic; the country's
// example number as the placeholder; the length capped by the country's rules; and the
// badge following a typed `+CC`. With the real keyboard.

import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerify } from '../src/index.js';
import { countryButtonName, errorText, focusedId, loaded, paste, part, resetServer, setViewportSize, skipHere, spyFetch } from './helpers.js';

function phoneInput(el: PhoneVerify): HTMLInputElement {
  return part<HTMLInputElement>(el, 'phone-input');
}

/** Whether `inner` lies within `outer` (to the pixel). */
function within(inner: DOMRect, outer: DOMRect): boolean {
  return inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
}

/** Types into the number field with the keyboard, from an empty field. */
async function typeNumber(el: PhoneVerify, text: string): Promise<void> {
  phoneInput(el).focus();
  phoneInput(el).select();
  await sendKeys({ type: text });
  await el.updateComplete;
}

/** The badge, the calling code and the number in full, side by side on one line inside the viewport. */
function expectOneLine(el: PhoneVerify, code: string): void {
  const viewport = new DOMRect(0, 0, document.documentElement.clientWidth, window.innerHeight);
  const button = part<HTMLButtonElement>(el, 'country-toggle');
  const input = phoneInput(el);
  const flag = part(el, 'flag').getBoundingClientRect();
  const row = button.parentElement!.getBoundingClientRect();
  expect(within(row, viewport), 'the row fits the viewport').to.equal(true);
  expect(within(flag, button.getBoundingClientRect()), 'the badge is whole').to.equal(true);
  expect(button.textContent).to.contain(code);
  expect(button.scrollWidth, 'the calling code is not cut').to.be.at.most(button.clientWidth);
  // One line: the button and the number share the row, the number left of nothing but its own box.
  const box = input.getBoundingClientRect();
  expect(Math.abs(box.top - button.getBoundingClientRect().top)).to.be.at.most(1);
  expect(box.left).to.be.at.least(button.getBoundingClientRect().right - 1);
  expect(input.scrollWidth, `the number "${input.value}" is whole`).to.be.at.most(input.clientWidth);
  expect(document.documentElement.scrollWidth).to.be.at.most(viewport.width);
}

describe('<phone-verify> number field', () => {
  beforeEach(resetServer);

  afterEach(async () => {
    await setViewportSize(800, 600);
  });

  it('should show the badge, the calling code and the whole number on one line at 320 px, in English and Arabic', async function () {
    const { width } = await setViewportSize(320, 640);
    if (width !== 320) await skipHere(this, `the window cannot be narrower than ${width} CSS px in this browser, so 320 px cannot be shown`);
    document.body.style.margin = '8px';
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await typeNumber(el, '07400123456');
    expectOneLine(el, '+44');
    await typeNumber(el, '+4915123456789');
    expect(phoneInput(el).value).to.equal('+49 1512 3456789');
    expectOneLine(el, '+49');

    const wrapper = await loaded<HTMLElement>(html`<div lang="ar"><phone-verify default-country="GB"></phone-verify></div>`);
    const ar = wrapper.querySelector<PhoneVerify>('phone-verify')!;
    await typeNumber(ar, '٠٧٤٠٠١٢٣٤٥٦');
    expect(phoneInput(ar).value).to.equal('07400 123456');
    expectOneLine(ar, '+44');
    // The row reads left to right in Arabic too: the country first.
    expect(part(ar, 'country-toggle').getBoundingClientRect().left).to.be.below(phoneInput(ar).getBoundingClientRect().left);
    await expect(ar).to.be.accessible();
    document.body.style.margin = '';
  });

  it('should show the chosen country’s example number as the placeholder, and change it with the choice', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    expect(phoneInput(el).placeholder).to.equal('07400 123456');
    part(el, 'country-toggle').focus();
    await sendKeys({ type: 'germ' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.selectedCountry).to.equal('DE');
    expect(phoneInput(el).placeholder).to.equal('01512 3456789');
    expect(focusedId(el)).to.equal('phone');
  });

  it('should give a typed international number the calling code of the country then chosen, so both say the same', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await typeNumber(el, '+44 7400 123456');
    part(el, 'country-toggle').focus();
    await sendKeys({ type: 'germ' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(countryButtonName(el)).to.equal('Country: Germany DE +49');
    expect(phoneInput(el).value).to.equal('+49 7400 123456');
  });

  it('should refuse digits past the length the country allows, the number and caret as they were', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await typeNumber(el, '0740012345678');
    const input = phoneInput(el);
    expect(input.value).to.equal('07400 123456');
    expect([input.selectionStart, input.selectionEnd]).to.deep.equal([input.value.length, input.value.length]);
    // In the middle too: the digit is refused, the caret stays where it was.
    input.setSelectionRange(3, 3);
    await sendKeys({ type: '9' });
    await el.updateComplete;
    expect(input.value).to.equal('07400 123456');
    expect([input.selectionStart, input.selectionEnd]).to.deep.equal([3, 3]);
    // Deleting is never refused.
    await sendKeys({ press: 'Backspace' });
    expect(input.value.replace(/\D/g, '')).to.equal('0700123456');
  });

  it('should keep a pasted international number that is too long whole, and say so on send', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    const input = phoneInput(el);
    input.focus();
    expect(paste(input, '+44 7400 1234567')).to.equal(false);
    await el.updateComplete;
    expect(input.value.replace(/\D/g, '')).to.equal('4474001234567');
    const spy = spyFetch();
    try {
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
    } finally {
      spy.restore();
    }
    expect(errorText(el)).to.equal('That number is too long.');
    expect(spy.calls.filter((c) => c.url.endsWith('/start'))).to.have.length(0);
  });

  it('should switch the badge to the country of a typed +CC', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await typeNumber(el, '+49');
    expect(el.selectedCountry).to.equal('DE');
    expect(part(el, 'flag').textContent).to.equal('DE');
    expect(countryButtonName(el)).to.equal('Country: Germany DE +49');
    expect(phoneInput(el).placeholder).to.equal('01512 3456789');
    await sendKeys({ type: ' 151 23456789' });
    await el.updateComplete;
    expect(el.selectedCountry).to.equal('DE');
    await typeNumber(el, '+1');
    expect(countryButtonName(el)).to.equal('Country: United States US +1');
    await typeNumber(el, '+44 7400');
    expect(countryButtonName(el)).to.equal('Country: United Kingdom GB +44');
  });
});
