// widget/test/combobox.test.ts
// The country picker: the badge button at the start of the number field opens a popup
// with a search box (an ARIA 1.2 editable combobox with list autocomplete) and its list,
// used with the real keyboard and the mouse, searched by name, ISO code and calling code.

import { expect, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerify } from '../src/index.js';
import { codeFor, focusedId, GB_MOBILE, launch, loaded, part, resetServer, stepIs } from './helpers.js';

function button(el: PhoneVerify): HTMLButtonElement {
  return part<HTMLButtonElement>(el, 'country-toggle');
}

/** The button's accessible name, from its content: the country's name said, then what it shows. */
function nameOf(el: PhoneVerify): string {
  return button(el).textContent!.replace(/\s+/g, ' ').trim();
}

/** What the button shows (the name before it is for screen readers only). */
function shows(el: PhoneVerify): string {
  const copy = button(el).cloneNode(true) as HTMLElement;
  copy.querySelector('.visually-hidden')?.remove();
  return copy.textContent!.replace(/\s+/g, ' ').trim();
}

/** The popup's search box; fails when the popup is closed. */
function searchBox(el: PhoneVerify): HTMLInputElement {
  return part<HTMLInputElement>(el, 'country-input');
}

function isOpen(el: PhoneVerify): boolean {
  return part(el, 'country-popup', true) !== null;
}

function shown(el: PhoneVerify): string[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="option"]')].map((o) => o.dataset['country'] ?? o.textContent!.trim());
}

function activeId(el: PhoneVerify): string | null {
  return searchBox(el).getAttribute('aria-activedescendant');
}

async function press(el: PhoneVerify, key: string): Promise<void> {
  await sendKeys({ press: key });
  await el.updateComplete;
}

async function type(el: PhoneVerify, text: string): Promise<void> {
  await sendKeys({ type: text });
  await el.updateComplete;
}

/** Shift+Tab: puppeteer holds Shift down around Tab; the WebKit launcher takes the chord (web-test-runner.browsers.mjs). */
async function shiftTab(el: PhoneVerify): Promise<void> {
  if (launch.engine === 'webkit') {
    await sendKeys({ press: 'Shift+Tab' });
  } else {
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
  }
  await el.updateComplete;
}

/** Focuses the badge button and opens the popup with ArrowDown. */
async function openWithKeys(el: PhoneVerify): Promise<void> {
  button(el).focus();
  await press(el, 'ArrowDown');
  expect(isOpen(el)).to.equal(true);
}

describe('<phone-verify> country picker', () => {
  beforeEach(resetServer);

  it('should pass accessibility tests with the popup closed and open', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await expect(el).to.be.accessible();
    await openWithKeys(el);
    await expect(el).to.be.accessible();
  });

  it('should open the popup and focus its search box within the click itself (iOS raises the keyboard only for a focus made in the tap)', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await waitUntil(() => !button(el).disabled, 'the country list did not load');
    button(el).click();
    // Nothing awaited between the click and these: the popup rendered inside the click's own task.
    expect(isOpen(el)).to.equal(true);
    expect(focusedId(el)).to.equal('country-search');
    await press(el, 'Escape');
    expect(isOpen(el)).to.equal(false);
  });

  it('should show the country as a badge and its calling code in a button named for it', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    const toggle = button(el);
    expect(toggle.tagName).to.equal('BUTTON');
    expect(toggle.type).to.equal('button');
    expect(part(el, 'flag').textContent).to.equal('GB');
    expect(shows(el)).to.equal('GB +44');
    expect(nameOf(el)).to.equal('Country: United Kingdom GB +44');
    expect(toggle.hasAttribute('aria-label'), 'named by what it shows').to.equal(false);
    expect(toggle.getAttribute('aria-haspopup')).to.equal('dialog');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(toggle.hasAttribute('aria-controls')).to.equal(false);
    expect(isOpen(el)).to.equal(false);
    // It comes first, before the number, in the tab order.
    el.focus();
    expect(focusedId(el)).to.equal('country');
  });

  it('should follow the combobox pattern in the popup with the arrow keys, Home, End and Enter', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await openWithKeys(el);
    const toggle = button(el);
    const input = searchBox(el);
    const popup = part(el, 'country-popup');
    const list = part(el, 'country-list');
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(toggle.getAttribute('aria-controls')).to.equal(popup.id);
    expect(popup.getAttribute('role')).to.equal('dialog');
    // Focus in the empty search box, so typing searches at once.
    expect(focusedId(el)).to.equal('country-search');
    expect(input.value).to.equal('');
    expect(input.getAttribute('role')).to.equal('combobox');
    expect(input.getAttribute('aria-autocomplete')).to.equal('list');
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    expect(input.getAttribute('aria-controls')).to.equal(list.id);
    expect(list.getAttribute('role')).to.equal('listbox');
    expect(shown(el)).to.deep.equal(['DE', 'GB', 'US']);
    // Opens on the selected country.
    expect(activeId(el)).to.equal('c-GB');
    expect(el.shadowRoot!.getElementById('c-GB')!.getAttribute('aria-selected')).to.equal('true');
    expect(el.shadowRoot!.getElementById('c-DE')!.getAttribute('aria-selected')).to.equal('false');

    await press(el, 'ArrowDown');
    expect(activeId(el)).to.equal('c-US');
    await press(el, 'ArrowDown');
    expect(activeId(el)).to.equal('c-US');
    await press(el, 'Home');
    expect(activeId(el)).to.equal('c-DE');
    await press(el, 'End');
    expect(activeId(el)).to.equal('c-US');
    await press(el, 'ArrowUp');
    expect(activeId(el)).to.equal('c-GB');
    await press(el, 'ArrowUp');
    expect(activeId(el)).to.equal('c-DE');
    expect(el.shadowRoot!.getElementById('c-DE')!.getAttribute('part')).to.contain('active');

    await press(el, 'Enter');
    expect(el.step).to.equal('enter-phone'); // Enter picked a country, it did not submit the form
    expect(el.selectedCountry).to.equal('DE');
    expect(isOpen(el)).to.equal(false);
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(nameOf(el)).to.equal('Country: Germany DE +49');
    expect(part(el, 'flag').textContent).to.equal('DE');
    expect(focusedId(el)).to.equal('phone');
  });

  it('should open with Enter and with Space on the button', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    button(el).focus();
    await press(el, 'Enter');
    expect(isOpen(el)).to.equal(true);
    expect(focusedId(el)).to.equal('country-search');
    await press(el, 'Escape');
    expect(focusedId(el)).to.equal('country');
    await press(el, ' ');
    expect(isOpen(el)).to.equal(true);
    expect(focusedId(el)).to.equal('country-search');
    await press(el, 'ArrowUp');
    await press(el, 'Escape');
    await press(el, 'ArrowUp');
    expect(isOpen(el), 'ArrowUp opens it too').to.equal(true);
  });

  it('should close on Escape, keep the country and go back to the button', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await openWithKeys(el);
    await press(el, 'ArrowDown');
    await press(el, 'Escape');
    expect(isOpen(el)).to.equal(false);
    expect(button(el).getAttribute('aria-expanded')).to.equal('false');
    expect(el.selectedCountry).to.equal('GB');
    expect(focusedId(el)).to.equal('country');
    // Open again: the search starts empty, not with what was typed before.
    await type(el, 'g');
    expect(searchBox(el).value).to.equal('g');
    await press(el, 'Escape');
    await press(el, 'ArrowDown');
    expect(searchBox(el).value).to.equal('');
  });

  it('should search as soon as a letter is typed on the button', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    button(el).focus();
    await type(el, 'ger');
    expect(isOpen(el)).to.equal(true);
    expect(searchBox(el).value).to.equal('ger');
    expect(shown(el)).to.deep.equal(['DE']);
    await press(el, 'Enter');
    expect(el.selectedCountry).to.equal('DE');
  });

  it('should accept the highlighted option with Tab and move on to the number', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await openWithKeys(el);
    await type(el, 'germ');
    await press(el, 'Tab');
    expect(el.selectedCountry).to.equal('DE');
    expect(isOpen(el)).to.equal(false);
    expect(focusedId(el)).to.equal('phone');
  });

  it('should leave the country as it was when Tab leaves a list with nothing highlighted', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await openWithKeys(el);
    await type(el, 'zzz');
    await press(el, 'Tab');
    expect(el.selectedCountry).to.equal('GB');
    expect(isOpen(el)).to.equal(false);
    expect(focusedId(el)).to.equal('phone');
  });

  it('should go back to the button with Shift+Tab, the country as it was', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await openWithKeys(el);
    await press(el, 'ArrowDown');
    await shiftTab(el);
    expect(el.selectedCountry).to.equal('GB');
    expect(isOpen(el)).to.equal(false);
    expect(focusedId(el)).to.equal('country');
  });

  it('should search by name, ISO code and calling code', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await openWithKeys(el);
    const input = searchBox(el);
    await type(el, 'germ');
    expect(shown(el)).to.deep.equal(['DE']);
    expect(activeId(el)).to.equal('c-DE'); // the first match is ready for Enter
    input.select();
    await type(el, 'unit');
    expect(shown(el)).to.deep.equal(['GB', 'US']);
    input.select();
    await type(el, 'us');
    expect(shown(el)[0]).to.equal('US');
    input.select();
    await type(el, '+44');
    expect(shown(el)).to.deep.equal(['GB']);
    input.select();
    await type(el, '4');
    expect(shown(el)).to.deep.equal(['DE', 'GB']);
    input.select();
    await type(el, 'GERMANY');
    await press(el, 'Enter');
    expect(el.selectedCountry).to.equal('DE');
  });

  it('should announce how many countries match once typing pauses', async () => {
    const el = await loaded();
    const status = [...el.shadowRoot!.querySelectorAll('[role="status"]')];
    await openWithKeys(el);
    await type(el, 'uni');
    expect(status.map((s) => s.textContent).join('')).to.equal('');
    await waitUntil(() => status.some((s) => s.textContent === 'Countries found: 2'), 'the count was not announced', { timeout: 2000 });
    await press(el, 'Escape');
    expect(status.map((s) => s.textContent).join('')).to.equal('');
  });

  it('should say when nothing matches and keep the country', async () => {
    const el = await loaded(html`<phone-verify default-country="US"></phone-verify>`);
    await openWithKeys(el);
    await type(el, 'zzz');
    const options = el.shadowRoot!.querySelectorAll('[role="option"]');
    expect(options).to.have.length(1);
    expect(options[0]!.textContent!.trim()).to.equal('No country matches');
    expect(options[0]!.getAttribute('aria-disabled')).to.equal('true');
    expect(searchBox(el).hasAttribute('aria-activedescendant')).to.equal(false);
    await expect(el).to.be.accessible();
    await press(el, 'Enter');
    expect(el.selectedCountry).to.equal('US');
    expect(isOpen(el)).to.equal(false);
    expect(focusedId(el)).to.equal('country');
  });

  it('should open with a click and choose with the mouse', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    button(el).click();
    await el.updateComplete;
    expect(isOpen(el)).to.equal(true);
    expect(focusedId(el)).to.equal('country-search');
    el.shadowRoot!.querySelector<HTMLElement>('#c-US span:last-child')!.click();
    await el.updateComplete;
    expect(el.selectedCountry).to.equal('US');
    expect(isOpen(el)).to.equal(false);
    expect(focusedId(el)).to.equal('phone');
    // A second click on the button closes what the first opened.
    button(el).click();
    await el.updateComplete;
    button(el).click();
    await el.updateComplete;
    expect(isOpen(el)).to.equal(false);
  });

  it('should close when focus leaves the popup', async () => {
    const el = await loaded();
    await openWithKeys(el);
    part(el, 'phone-input').focus();
    await el.updateComplete;
    expect(isOpen(el)).to.equal(false);
    await openWithKeys(el);
    (document.activeElement as HTMLElement).blur();
    await el.updateComplete;
    expect(isOpen(el)).to.equal(false);
  });

  it('should open under the field row, as wide as it, over nothing above it', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    await openWithKeys(el);
    const row = part(el, 'phone-input').parentElement!.getBoundingClientRect();
    const popup = part(el, 'country-popup').getBoundingClientRect();
    expect(popup.top).to.be.at.least(row.bottom);
    expect(popup.top - row.bottom).to.be.at.most(8);
    expect(Math.abs(popup.left - row.left)).to.be.at.most(1);
    expect(Math.abs(popup.right - row.right)).to.be.at.most(1);
    // On top of what follows it (the hint, the send button), not under it.
    const hit = el.shadowRoot!.elementFromPoint(popup.left + popup.width / 2, popup.top + 12);
    expect(part(el, 'country-popup').contains(hit)).to.equal(true);
    expect(part(el, 'hint').getBoundingClientRect().top).to.be.below(popup.bottom);
  });

  it('should sign in with the keyboard only, choosing the country by search', async () => {
    const el = await loaded(html`<phone-verify default-country="US"></phone-verify>`);
    el.focus();
    expect(focusedId(el)).to.equal('country');
    await press(el, 'Enter');
    await type(el, 'united k');
    await press(el, 'Enter');
    expect(el.selectedCountry).to.equal('GB');
    expect(focusedId(el)).to.equal('phone');
    await type(el, '07400123456');
    expect(part<HTMLInputElement>(el, 'phone-input').value).to.equal('07400 123456');
    await press(el, 'Enter');
    await stepIs(el, 'enter-code');
    expect(focusedId(el)).to.equal('code');
    await type(el, await codeFor(GB_MOBILE));
    await stepIs(el, 'done');
    expect(focusedId(el)).to.equal('done');
  });
});
