// widget/src/phone/phone-step.ts
// The phone step's template: one field row, the country button then the number
// (`[GB +44 ▾][07400 123456]`), the error right under it, the hint, the send button.

import { html, nothing, type TemplateResult } from 'lit';
import { renderCountry, type CountryProps } from '../country/country-template.js';
import type { PhoneInputController } from './phone-input.js';

export interface PhoneStepProps extends CountryProps {
  phone: PhoneInputController;
  /** The shown error's code, if any. */
  error: string | undefined;
  /** The error region, shown right under the field row. */
  errorBox: TemplateResult;
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
  const selected = p.field.countries.find((c) => c.country === p.field.selected);
  // The row reads left to right in every language, like the number in it.
  return html`
    <form part="form" novalidate @submit=${p.submit} @input=${p.edit}>
      <div class="field">
        <label for="phone">${m.phoneLabel}</label>
        <div class="tel" dir="ltr">
          ${renderCountry(p, selected)}
          <input
            id="phone"
            part="phone-input"
            name="phone"
            type="tel"
            autocomplete="tel"
            inputmode="tel"
            required
            placeholder=${selected?.example ?? nothing}
            aria-describedby="phone-hint error"
            aria-invalid=${PHONE_FIELD_CODE.test(p.error ?? '') ? 'true' : 'false'}
            ?disabled=${disabled}
            ?readonly=${locked}
            .value=${p.phone.value}
            @input=${p.phone.handleInput}
            @paste=${p.phone.handlePaste}
            @focus=${p.focus}
          />
        </div>
        ${p.errorBox}
        <p id="phone-hint" part="hint" class="hint">${m.phoneHint}</p>
      </div>
      <button part="submit" class="primary" type="submit" ?disabled=${locked || disabled}>${locked ? m.sending : m.sendCode}</button>
    </form>
  `;
}
