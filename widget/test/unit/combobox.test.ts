// widget/test/unit/combobox.test.ts
// The country combobox's controller with a fake host: the badge button's keys, the
// search box's keys, search, choice and where focus goes, the count announcement, and
// the popup and options it renders. No element, no server.

import { expect } from '@open-wc/testing';
import { css, html, nothing, render, type CSSResult } from 'lit';
import { ComboboxController } from '../../src/country/combobox.js';
import { countryList, type Country } from '../../src/countries.js';
import { FakeHost } from './fake-host.js';

const COUNTRIES = countryList(
  [
    { country: 'DE', callingCode: '49' },
    { country: 'GB', callingCode: '44' },
    { country: 'US', callingCode: '1' },
    { country: 'FR', callingCode: '33' },
  ],
  'en',
);

/** The element's shadow root stand-in, in the page so focus can move: the country button and the number field. */
let root: HTMLDivElement;
beforeEach(() => {
  root = document.createElement('div');
  root.innerHTML = '<button id="country"></button><input id="phone">';
  document.body.append(root);
});
afterEach(() => root.remove());

function setup(options: { busy?: boolean; selected?: string } = {}) {
  const host = new FakeHost();
  const chosen: Country[] = [];
  const adopted: CSSResult[] = [];
  const state = { selected: options.selected ?? 'GB', busy: options.busy ?? false, updatedNow: 0 };
  const combo = new ComboboxController(host, {
    countries: () => COUNTRIES,
    selected: () => state.selected,
    choose: (country) => void chosen.push(country),
    results: (count) => `Countries found: ${count}`,
    busy: () => state.busy,
    root: () => root,
    html,
    css,
    nothing,
    adopt: (styles) => void adopted.push(styles),
    updateNow: () => void state.updatedNow++,
  });
  return { host, root, chosen, state, combo, adopted };
}

/** A key pressed in the popup's search box. */
const key = (combo: ComboboxController, name: string, init: KeyboardEventInit = {}): KeyboardEvent => {
  const event = new KeyboardEvent('keydown', { key: name, cancelable: true, ...init });
  combo.handleKeydown(event);
  return event;
};

/** A key pressed on the badge button. */
const buttonKey = (combo: ComboboxController, name: string): KeyboardEvent => {
  const event = new KeyboardEvent('keydown', { key: name, cancelable: true });
  combo.handleButtonKeydown(event);
  return event;
};

const focused = (): string | undefined => (document.activeElement as HTMLElement | null)?.id;

const typed = (combo: ComboboxController, text: string): void => {
  const input = document.createElement('input');
  input.value = text;
  input.addEventListener('input', combo.handleInput);
  input.dispatchEvent(new Event('input'));
};

/** What the popup says. */
const MESSAGES = { countryOption: '{name} (+{code})', countryNone: 'None', countryLabel: 'Country' };

const codes = (list: Country[]) => list.map((c) => c.country);

describe('combobox controller', () => {
  it('should register with its host, bring the list’s rules, and start closed', () => {
    const { host, combo, adopted } = setup();
    expect(host.controllers).to.include(combo);
    expect(adopted).to.have.length(1);
    expect(adopted[0]!.cssText).to.contain("[role='listbox']");
    expect(adopted[0]!.cssText).to.contain('.popup');
    expect(combo.open).to.equal(false);
    expect(combo.highlighted).to.equal(undefined);
    expect(combo.renderOptions({ label: (c) => c.name, none: 'None' })).to.deep.equal([]);
    expect(combo.renderPopup(MESSAGES)).to.equal('');
  });

  it('should open from the button on ArrowDown with the selected country highlighted, then move and stop at the ends', () => {
    const { combo, host, state } = setup({ selected: 'GB' });
    const updates = host.updates;
    expect(buttonKey(combo, 'ArrowDown').defaultPrevented).to.equal(true);
    expect(combo.open).to.equal(true);
    // Rendered at once, so the search box is focused inside the user's gesture.
    expect(state.updatedNow).to.equal(1);
    expect(codes(combo.shown)).to.deep.equal(['FR', 'DE', 'GB', 'US']);
    expect(combo.highlighted?.country).to.equal('GB');
    expect(host.updates).to.be.greaterThan(updates);
    key(combo, 'ArrowDown');
    key(combo, 'ArrowDown');
    key(combo, 'ArrowDown');
    expect(combo.highlighted?.country).to.equal('US');
    key(combo, 'Home');
    expect(combo.highlighted?.country).to.equal('FR');
    key(combo, 'ArrowUp');
    expect(combo.highlighted?.country).to.equal('FR');
    key(combo, 'End');
    expect(combo.highlighted?.country).to.equal('US');
  });

  it('should open from the button on a letter, searching for it; Space and Enter are the button’s click', () => {
    const { combo } = setup({ selected: 'GB' });
    expect(buttonKey(combo, ' ').defaultPrevented).to.equal(false);
    expect(buttonKey(combo, 'Enter').defaultPrevented).to.equal(false);
    expect(combo.open).to.equal(false);
    expect(buttonKey(combo, 'u').defaultPrevented).to.equal(true);
    expect(combo.open).to.equal(true);
    expect(combo.filter).to.equal('u');
    expect(combo.highlighted?.country).to.equal('GB');
    combo.handleButtonClick();
    expect(combo.open, 'a click on the button closes it again').to.equal(false);
    combo.handleButtonClick();
    expect(combo.open).to.equal(true);
    expect(combo.filter, 'opened by a click, the search is empty').to.equal('');
  });

  it('should choose the highlighted country on Enter, close, and move focus to the number', () => {
    const { combo, chosen } = setup();
    buttonKey(combo, 'ArrowDown');
    key(combo, 'ArrowUp');
    expect(key(combo, 'Enter').defaultPrevented).to.equal(true);
    expect(codes(chosen)).to.deep.equal(['DE']);
    expect(combo.open).to.equal(false);
    expect(focused()).to.equal('phone');
  });

  it('should accept the highlighted country on Tab (focus to the number) and go back to the button on Shift+Tab', () => {
    const { combo, chosen } = setup();
    buttonKey(combo, 'ArrowDown');
    key(combo, 'ArrowDown');
    expect(key(combo, 'Tab').defaultPrevented).to.equal(true);
    expect(codes(chosen)).to.deep.equal(['US']);
    expect(focused()).to.equal('phone');
    buttonKey(combo, 'ArrowDown');
    key(combo, 'ArrowDown');
    key(combo, 'Tab', { shiftKey: true });
    expect(codes(chosen), 'Shift+Tab chose nothing').to.deep.equal(['US']);
    expect(combo.open).to.equal(false);
    expect(focused()).to.equal('country');
  });

  it('should close on Escape without choosing, focus back on the button, and keep Escape from the page', () => {
    const { combo, chosen } = setup();
    buttonKey(combo, 'ArrowDown');
    const event = key(combo, 'Escape');
    expect(event.defaultPrevented).to.equal(true);
    expect(combo.open).to.equal(false);
    expect(chosen).to.have.length(0);
    expect(focused()).to.equal('country');
  });

  it('should render the popup: a dialog with the search box (a combobox) and the listbox it controls', () => {
    const { combo } = setup({ selected: 'DE' });
    buttonKey(combo, 'ArrowDown');
    const holder = document.createElement('div');
    render(combo.renderPopup(MESSAGES), holder);
    const popup = holder.querySelector('#country-popup')!;
    expect(popup.getAttribute('role')).to.equal('dialog');
    expect(popup.getAttribute('aria-label')).to.equal('Country');
    const box = popup.querySelector('input')!;
    expect(box.getAttribute('role')).to.equal('combobox');
    expect(box.getAttribute('aria-controls')).to.equal(popup.querySelector('[role="listbox"]')!.id);
    expect(box.getAttribute('aria-activedescendant')).to.equal('c-DE');
    expect(box.value).to.equal('');
    expect(holder.querySelector('#c-DE span:last-child')!.textContent).to.equal('Germany (+49)');
    typed(combo, 'zz');
    render(combo.renderPopup(MESSAGES), holder);
    expect(holder.querySelector('[role="option"]')!.textContent).to.equal('None');
    expect(box.hasAttribute('aria-activedescendant'), 'nothing to point at').to.equal(false);
  });

  it('should search as typed, highlight the first match, and announce the count once typing pauses', async () => {
    const { combo } = setup();
    typed(combo, 'united');
    expect(combo.open).to.equal(true);
    expect(codes(combo.shown)).to.deep.equal(['GB', 'US']);
    expect(combo.highlighted?.country).to.equal('GB');
    expect(combo.notice).to.equal('');
    typed(combo, '+4');
    expect(codes(combo.shown)).to.deep.equal(['DE', 'GB']);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(combo.notice).to.equal('Countries found: 2');
    combo.close();
    expect(combo.notice).to.equal('');
  });

  it('should ignore keys and clicks while a request is pending', () => {
    const { combo } = setup({ busy: true });
    expect(buttonKey(combo, 'ArrowDown').defaultPrevented).to.equal(false);
    combo.handleButtonClick();
    expect(combo.open).to.equal(false);
  });

  it('should render the options, the highlighted one active, and a disabled option when nothing matches', () => {
    const { combo } = setup({ selected: 'DE' });
    buttonKey(combo, 'ArrowDown');
    const list = document.createElement('ul');
    render(combo.renderOptions({ label: (c) => `${c.name} (+${c.callingCode})`, none: 'No country matches' }), list);
    const options = [...list.querySelectorAll('li')];
    expect(options.map((o) => o.id)).to.deep.equal(['c-FR', 'c-DE', 'c-GB', 'c-US']);
    expect(options.map((o) => o.getAttribute('aria-selected'))).to.deep.equal(['false', 'true', 'false', 'false']);
    expect(options[1]!.getAttribute('part')).to.equal('country-option active');
    expect(options[1]!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('DEGermany (+49)');

    typed(combo, 'zz');
    render(combo.renderOptions({ label: (c) => c.name, none: 'No country matches' }), list);
    const none = [...list.querySelectorAll('li')];
    expect(none).to.have.length(1);
    expect(none[0]!.getAttribute('aria-disabled')).to.equal('true');
    expect(none[0]!.textContent).to.equal('No country matches');
  });

  it('should choose a clicked option and close when focus leaves the popup', () => {
    const { combo, chosen } = setup();
    buttonKey(combo, 'ArrowDown');
    const list = document.createElement('ul');
    render(combo.renderOptions({ label: (c) => c.name, none: '' }), list);
    const span = list.querySelector('#c-US span:last-child')!;
    combo.handleOptionClick({ target: span } as unknown as Event);
    expect(codes(chosen)).to.deep.equal(['US']);

    buttonKey(combo, 'ArrowDown');
    const box = document.createElement('div');
    const inside = document.createElement('button');
    box.append(inside);
    combo.handleFocusOut({ currentTarget: box, relatedTarget: inside } as unknown as FocusEvent);
    expect(combo.open, 'focus moved within the popup').to.equal(true);
    combo.handleFocusOut({ currentTarget: box, relatedTarget: document.body } as unknown as FocusEvent);
    expect(combo.open).to.equal(false);
  });
});
