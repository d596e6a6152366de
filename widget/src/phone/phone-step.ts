// widget/src/phone/phone-step.ts
// The phone step's template: the country combobox, the number field, the send button.

import { html, type TemplateResult } from 'lit';
import { renderCountry, type CountryProps } from '../country/country-template.js';
import type { PhoneInputController } from './phone-input.js';

export interface PhoneStepProps extends CountryProps {
  phone: PhoneInputController;
  /** The shown error's code, if any. */
  error: string | undefined;
  submit: (event: SubmitEvent) => void;
  /** Loads formatting on first focus, if it has not started yet. */
  focus: () => void;
  /** The number or the country was edited: the error about them goes. */
  edit: () => void;
}

/** Errors about what was typed in the phone field: `phone_*`, `invalid_phone`, `country_not_allowed`, `number_type_not_allowed`. */
const PHONE_FIELD_CODE = /^(phone_|invalid_phone|country_|number_)/;

export function renderPhoneStep(p: PhoneStepProps): TemplateResult {
  const { m, locked, disabled } = p;
  return html`
    <form part="form" novalidate @submit=${p.submit} @input=${p.edit}>
      ${renderCountry(p)}
      <div class="field">
        <label for="phone">${m.phoneLabel}</label>
        <input
          id="phone"
          part="phone-input"
          name="phone"
          type="tel"
          dir="ltr"
          autocomplete="tel"
          inputmode="tel"
          required
          aria-describedby="phone-hint error"
          aria-invalid=${PHONE_FIELD_CODE.test(p.error ?? '') ? 'true' : 'false'}
          ?disabled=${disabled}
          ?readonly=${locked}
          .value=${p.phone.value}
          @input=${p.phone.handleInput}
          @paste=${p.phone.handlePaste}
          @focus=${p.focus}
        />
        <p id="phone-hint" part="hint" class="hint">${m.phoneHint}</p>
      </div>
      <button part="submit" class="primary" type="submit" ?disabled=${locked || disabled}>${locked ? m.sending : m.sendCode}</button>
    </form>
  `;
}
