// widget/src/country/country-template.ts
// The start of the number field: a button showing the chosen country as an ISO code badge
// and its calling code (`GB +44`), which opens the country popup. The popup itself (search
// box and list) is rendered by the combobox's chunk (combobox.ts): the first render has the button only.

import { html, nothing, type TemplateResult } from 'lit';
import type { Country } from '../countries.js';
import { format, type PhoneVerifyMessages } from '../messages.js';
import type { CountryFieldController } from './country-field.js';

export interface CountryProps {
  m: PhoneVerifyMessages;
  /** The selected country, the allowed ones, and the combobox once its chunk has arrived (until then the button only shows the country). */
  field: CountryFieldController;
  /** A code is being sent: the choice stays as it is. */
  locked: boolean;
  disabled: boolean;
}

export function renderCountry(p: CountryProps, selected: Country | undefined): TemplateResult {
  const { m } = p;
  const combo = p.field.combo;
  const open = combo?.open;
  // No flag emoji: they render as two letters in a box on Windows; the ISO code is the badge.
  // Its name is what it shows with the country's name before it ("Country: United Kingdom GB +44"),
  // so speech input can say what is seen (WCAG 2.5.3) and a screen reader hears the name.
  return html`<button
      id="country"
      part="country-toggle"
      type="button"
      aria-haspopup="dialog"
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls=${open ? 'country-popup' : nothing}
      ?disabled=${p.locked || p.disabled || !combo}
      @mousedown=${combo?.handleButtonMousedown}
      @click=${combo?.handleButtonClick}
      @keydown=${combo?.handleButtonKeydown}
    >
      <span class="visually-hidden">${selected ? format(m.countryButton, { name: selected.name }) : m.countryLabel} </span
      ><span part="flag" class="flag">${selected?.country}</span> ${selected ? '+' + selected.callingCode : ''}</button
    >${combo?.renderPopup(m)}`;
}
