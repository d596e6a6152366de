// widget/src/country/country-template.ts
// The country combobox's template: a search box with `role="combobox"`, a button that
// opens the list, and the `role="listbox"`, all in the element's shadow root.

import { html, nothing, type TemplateResult } from 'lit';
import type { Country } from '../countries.js';
import { format, type PhoneVerifyMessages } from '../messages.js';
import type { CountryFieldController } from './country-field.js';

export interface CountryProps {
  m: PhoneVerifyMessages;
  /** The selected country, the allowed ones, and the combobox once its chunk has arrived (until then the box only shows the country). */
  field: CountryFieldController;
  /** A code is being sent: the choice stays as it is. */
  locked: boolean;
  disabled: boolean;
}

/** Keeps focus in the search box when the list or the toggle is pressed. */
const stay = (event: Event): void => event.preventDefault();

export function renderCountry(p: CountryProps): TemplateResult {
  const { m, disabled } = p;
  const combo = p.field.combo;
  const locked = p.locked || !combo;
  const open = combo?.open ?? false;
  const active = combo?.highlighted;
  const selected = p.field.countries.find((c) => c.country === p.field.selected);
  /** "Germany (+49)". */
  const label = (c: Country): string => format(m.countryOption, { name: c.name, code: c.callingCode });
  return html`
    <div class="field">
      <label id="country-label" for="country">${m.countryLabel}</label>
      <div class="combo" @focusout=${combo?.handleFocusOut}>
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
          .value=${open ? combo!.filter : selected ? label(selected) : ''}
          @input=${combo?.handleInput}
          @keydown=${combo?.handleKeydown}
          @click=${() => open || locked || combo?.show()}
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
            combo?.toggle();
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
          @click=${combo?.handleOptionClick}
        >
          ${combo?.renderOptions({ label, none: m.countryNone })}
        </ul>
      </div>
    </div>
  `;
}
