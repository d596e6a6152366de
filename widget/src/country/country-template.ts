// widget/src/country/country-template.ts
// The country combobox's template: a search box with `role="combobox"`, a button that
// opens the list, and the `role="listbox"`, all in the element's shadow root.

import { html, nothing, type TemplateResult } from 'lit';
import type { Country } from '../countries.js';
import type { PhoneVerifyMessages } from '../messages.js';
import type { ComboboxController } from './combobox.js';

export interface CountryProps {
  m: PhoneVerifyMessages;
  combo: ComboboxController;
  /** The allowed countries, named. */
  countries: Country[];
  /** The selected country's code. */
  country: string;
  /** "Germany (+49)". */
  label: (country: Country) => string;
  /** A code is being sent: the choice stays as it is. */
  locked: boolean;
  disabled: boolean;
}

/** Keeps focus in the search box when the list or the toggle is pressed. */
const stay = (event: Event): void => event.preventDefault();

const option = (p: CountryProps, c: Country, active: Country | undefined): TemplateResult =>
  html`<li
    id=${'c-' + c.country}
    part=${c === active ? 'country-option active' : 'country-option'}
    role="option"
    aria-selected=${c.country === p.country ? 'true' : 'false'}
    data-country=${c.country}
  >
    <span class="flag" aria-hidden="true">${c.country}</span><span>${p.label(c)}</span>
  </li>`;

const none = (p: CountryProps): TemplateResult => html`<li role="option" aria-disabled="true" aria-selected="false">${p.m.countryNone}</li>`;

export function renderCountry(p: CountryProps): TemplateResult {
  const { m, combo, locked, disabled } = p;
  const open = combo.open;
  const shown = open ? combo.shown : [];
  const active = shown[combo.active];
  const selected = p.countries.find((c) => c.country === p.country);
  return html`
    <div class="field">
      <label id="country-label" for="country">${m.countryLabel}</label>
      <div class="combo" @focusout=${combo.handleFocusOut}>
        <span part="flag" class="flag" aria-hidden="true">${selected?.country}</span>
        <input
          id="country"
          part="country-input"
          role="combobox"
          type="text"
          autocomplete="off"
          spellcheck="false"
          aria-autocomplete="list"
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls="countries"
          aria-activedescendant=${active ? 'c-' + active.country : nothing}
          ?disabled=${disabled}
          ?readonly=${locked}
          .value=${open ? combo.filter : selected ? p.label(selected) : ''}
          @input=${combo.handleInput}
          @keydown=${combo.handleKeydown}
          @click=${() => open || locked || combo.show()}
          @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
        />
        <button
          part="country-toggle"
          class="toggle"
          type="button"
          tabindex="-1"
          aria-label=${m.countryToggle}
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls="countries"
          ?disabled=${locked || disabled}
          @mousedown=${stay}
          @click=${(event: Event) => {
            combo.toggle();
            ((event.currentTarget as HTMLElement).previousElementSibling as HTMLElement).focus();
          }}
        ></button>
        <ul
          id="countries"
          part="country-list"
          role="listbox"
          aria-labelledby="country-label"
          ?hidden=${!open}
          @mousedown=${stay}
          @click=${combo.handleOptionClick}
        >
          ${shown.map((c) => option(p, c, active))} ${open && !shown.length ? none(p) : nothing}
        </ul>
      </div>
    </div>
  `;
}
