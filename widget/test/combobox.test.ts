// widget/test/combobox.test.ts
// The country picker: an ARIA 1.2 editable combobox with list autocomplete, used
// with the keyboard and the mouse, searched by name, ISO code and calling code.

import { expect, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { PhoneVerify } from '../src/index.js';
import { codeFor, focusedId, GB_MOBILE, loaded, part, resetServer, stepIs } from './helpers.js';

function combobox(el: PhoneVerify): HTMLInputElement {
  return part<HTMLInputElement>(el, 'country-input');
}

function shown(el: PhoneVerify): string[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="option"]')].map((o) => o.dataset['country'] ?? o.textContent!.trim());
}

function activeId(el: PhoneVerify): string | null {
  return combobox(el).getAttribute('aria-activedescendant');
}

async function press(el: PhoneVerify, key: string): Promise<void> {
  await sendKeys({ press: key });
  await el.updateComplete;
}

async function type(el: PhoneVerify, text: string): Promise<void> {
  await sendKeys({ type: text });
  await el.updateComplete;
}

describe('<phone-verify> country picker', () => {
  beforeEach(resetServer);

  it('should pass accessibility tests with the list open', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    combobox(el).focus();
    await press(el, 'ArrowDown');
    expect(part(el, 'country-list').hidden).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('should follow the combobox pattern with the arrow keys, Home, End and Enter', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    const input = combobox(el);
    const list = part(el, 'country-list');
    expect(input.getAttribute('role')).to.equal('combobox');
    expect(input.getAttribute('aria-autocomplete')).to.equal('list');
    expect(input.getAttribute('aria-controls')).to.equal(list.id);
    expect(list.getAttribute('role')).to.equal('listbox');
    expect(input.getAttribute('aria-expanded')).to.equal('false');
    expect(list.hidden).to.equal(true);
    expect(activeId(el)).to.equal(null);

    input.focus();
    await press(el, 'ArrowDown');
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    expect(part(el, 'country-toggle').getAttribute('aria-expanded')).to.equal('true');
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
    expect(input.getAttribute('aria-expanded')).to.equal('false');
    expect(activeId(el)).to.equal(null);
    expect(input.value).to.equal('Germany (+49)');
    expect(focusedId(el)).to.equal('country');
  });

  it('should close on Escape and keep the country', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    combobox(el).focus();
    await press(el, 'ArrowDown');
    await press(el, 'ArrowDown');
    await press(el, 'Escape');
    expect(combobox(el).getAttribute('aria-expanded')).to.equal('false');
    expect(el.selectedCountry).to.equal('GB');
    expect(combobox(el).value).to.equal('United Kingdom (+44)');
  });

  // Issue 13: "Germany (+49)fra" → "No country matches" after Escape or a choice.
  it('should select the label after Escape and after a choice, so typing searches anew', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    const input = combobox(el);
    input.focus();
    await type(el, 'germ');
    await press(el, 'Escape');
    expect(input.value).to.equal('United Kingdom (+44)');
    expect([input.selectionStart, input.selectionEnd]).to.deep.equal([0, input.value.length]);
    await type(el, 'states');
    expect(shown(el)).to.deep.equal(['US']);
    await press(el, 'Enter');
    expect(el.selectedCountry).to.equal('US');
    expect(input.value).to.equal('United States (+1)');
    expect([input.selectionStart, input.selectionEnd]).to.deep.equal([0, input.value.length]);
    await type(el, 'germ');
    expect(shown(el)).to.deep.equal(['DE']);
  });

  it('should accept the highlighted option with Tab and move on to the number', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    combobox(el).focus();
    await type(el, 'germ');
    await press(el, 'Tab');
    expect(el.selectedCountry).to.equal('DE');
    expect(combobox(el).getAttribute('aria-expanded')).to.equal('false');
    expect(focusedId(el)).to.equal('phone');
  });

  it('should leave the country as it was when Tab leaves a list with nothing highlighted', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    combobox(el).focus();
    await press(el, 'ArrowDown');
    await type(el, 'zzz');
    await press(el, 'Tab');
    expect(el.selectedCountry).to.equal('GB');
    expect(combobox(el).value).to.equal('United Kingdom (+44)');
  });

  it('should search by name, ISO code and calling code', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    const input = combobox(el);
    input.focus();
    await type(el, 'germ');
    expect(input.getAttribute('aria-expanded')).to.equal('true');
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
    combobox(el).focus();
    await type(el, 'uni');
    expect(status.map((s) => s.textContent).join('')).to.equal('');
    await waitUntil(() => status.some((s) => s.textContent === 'Countries found: 2'), 'the count was not announced', { timeout: 2000 });
    await press(el, 'Escape');
    expect(status.map((s) => s.textContent).join('')).to.equal('');
  });

  it('should say when nothing matches and keep the country', async () => {
    const el = await loaded(html`<phone-verify default-country="US"></phone-verify>`);
    combobox(el).focus();
    await type(el, 'zzz');
    const options = el.shadowRoot!.querySelectorAll('[role="option"]');
    expect(options).to.have.length(1);
    expect(options[0]!.textContent!.trim()).to.equal('No country matches');
    expect(options[0]!.getAttribute('aria-disabled')).to.equal('true');
    await expect(el).to.be.accessible();
    await press(el, 'Enter');
    expect(el.selectedCountry).to.equal('US');
    expect(combobox(el).getAttribute('aria-expanded')).to.equal('false');
  });

  it('should open with the toggle and choose with the mouse', async () => {
    const el = await loaded(html`<phone-verify default-country="GB"></phone-verify>`);
    const toggle = part<HTMLButtonElement>(el, 'country-toggle');
    expect(toggle.tabIndex).to.equal(-1);
    expect(toggle.getAttribute('aria-label')).to.equal('Show countries');
    toggle.click();
    await el.updateComplete;
    expect(combobox(el).getAttribute('aria-expanded')).to.equal('true');
    expect(focusedId(el)).to.equal('country');
    el.shadowRoot!.querySelector<HTMLElement>('#c-US span:last-child')!.click();
    await el.updateComplete;
    expect(el.selectedCountry).to.equal('US');
    expect(combobox(el).getAttribute('aria-expanded')).to.equal('false');
  });

  it('should close when focus leaves', async () => {
    const el = await loaded();
    combobox(el).focus();
    await press(el, 'ArrowDown');
    await press(el, 'Tab');
    expect(focusedId(el)).to.equal('phone');
    expect(combobox(el).getAttribute('aria-expanded')).to.equal('false');
  });

  it('should sign in with the keyboard only, choosing the country by search', async () => {
    const el = await loaded(html`<phone-verify default-country="US"></phone-verify>`);
    el.focus();
    expect(focusedId(el)).to.equal('country');
    await type(el, 'united k');
    await press(el, 'Enter');
    expect(el.selectedCountry).to.equal('GB');
    await press(el, 'Tab');
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
