// widget/src/phone/phone-input.ts
// The phone field's behaviour: formatting as you type (once the lazy formatting chunk
// and the server's metadata have arrived), a caret that stays after the digit typed,
// paste that keeps only the number, an international number choosing its country,
// and the checks made before asking the server.

import type { ReactiveControllerHost } from 'lit';
import type { CountryOption } from '@phone-verify/server-plugin/protocol';
import type { PhoneVerifyClient } from '../client.js';
import type { LocalErrorCode } from '../flow/flow.js';
import { caretAfter, significantBefore, toAsciiDigits } from '../text.js';
import type { PhoneFormatter } from './phone-format.js';

/** The lazily loaded formatting module (see phone-format.ts). */
export type PhoneFormatting = typeof import('./phone-format.js');

/** What the phone field reads from and tells the element around it. */
export interface PhoneInputOptions {
  /** The selected country (ISO 3166-1 alpha-2), which national numbers are read in. */
  country(): string;
  /** An international number chose a country. */
  select(country: string): void;
  /** The countries the server allows. */
  allowed(): readonly CountryOption[];
}

/** What may stay in the phone field: digits, `+`, spaces and the usual punctuation. */
const NOT_PHONE = /[^\d+\s().-]/g;

const international = (text: string): boolean => /^\s*(\+|00)/.test(text);

/** The digits of an international number after its `+` or `00`. */
const digitsOf = (text: string): string => text.trim().replace(/^00/, '').replace(/\D/g, '');

export class PhoneInputController {
  /** What the field shows. */
  value = '';
  /** Formatting, once the module and the metadata have both arrived. */
  formatter: PhoneFormatter | undefined;
  readonly #host: ReactiveControllerHost;
  readonly #options: PhoneInputOptions;
  #asked = false;

  constructor(host: ReactiveControllerHost, options: PhoneInputOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Loads formatting once: the module and the server's metadata (its countries only) in parallel. */
  load(module: () => Promise<PhoneFormatting>, client: PhoneVerifyClient, mobileOnly: boolean): void {
    if (this.#asked) return;
    this.#asked = true;
    Promise.all([module(), client.metadata()])
      .then(([formatting, answer]) => formatting.formatter(answer, () => client.metadata('mobile'), mobileOnly))
      .then(
        (formatter) => void (this.formatter = formatter),
        () => {
          // Offline, blocked, or no metadata: the element goes on without formatting; the server still validates.
        },
      );
  }

  /** Sets the text (e.g. `''` on reset). */
  set(text: string): void {
    this.value = text;
    this.#host.requestUpdate();
  }

  readonly handleInput = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const typed = toAsciiDigits(input.value);
    let caret = significantBefore(typed, input.selectionStart ?? typed.length);
    let raw = typed.replace(NOT_PHONE, '');
    const formatter = this.formatter;
    // Backspace just after a space or bracket the formatting put there deletes the digit before it.
    if (formatter && (event as InputEvent).inputType === 'deleteContentBackward' && caret > 0 && raw.replace(/\D/g, '') === this.value.replace(/\D/g, '')) {
      const at = caretAfter(raw, caret);
      raw = raw.slice(0, at - 1) + raw.slice(at);
      caret--;
    }
    this.#matchCountry(raw);
    let text = raw;
    if (formatter) {
      const reading = formatter.readPhone(raw, this.#options.country());
      // The country's rules cap the length: what would make the number too long is refused,
      // the text and caret as they were. A whole international number pasted or filled in
      // is kept, never cut into another person's number: the check on send says it is too long.
      // Deleting is never refused.
      const significant = (t: string) => significantBefore(t, t.length);
      const longer = significant(raw) > significant(this.value);
      if (longer && reading.problem === 'phone_too_long' && !(international(raw) && (event as InputEvent).inputType !== 'insertText')) {
        const at = caretAfter(this.value, caret - significant(raw) + significant(this.value));
        input.value = this.value;
        input.setSelectionRange(at, at);
        return;
      }
      text = reading.text;
      if (reading.country && this.#options.allowed().some((c) => c.country === reading.country)) this.#options.select(reading.country);
    }
    if (input.value !== text) {
      input.value = text;
      const at = caretAfter(text, caret);
      input.setSelectionRange(at, at);
    }
    this.set(text);
  };

  /** Paste keeps the number and drops the rest; a whole international number replaces the field (so no `+49 +44 …`). */
  readonly handlePaste = (event: ClipboardEvent): void => {
    const input = event.target as HTMLInputElement;
    const text = toAsciiDigits(event.clipboardData?.getData('text') ?? '')
      .replace(NOT_PHONE, ' ')
      .trim();
    event.preventDefault();
    if (international(text)) input.value = text;
    else input.setRangeText(text, input.selectionStart ?? input.value.length, input.selectionEnd ?? input.value.length, 'end');
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  };

  /** Another country was chosen from the list. */
  countryChosen(): void {
    let text = this.value;
    const [chosen, had] = this.#codes(text);
    // An international number takes the chosen country's calling code (`+44 7400…` → `+49 7400…`),
    // so the badge and the number never disagree; a national one is read anew in the chosen country.
    if (chosen && had && chosen !== had) text = `+${chosen.callingCode} ${digitsOf(text).slice(had.callingCode.length)}`;
    if (this.formatter && text) text = this.formatter.readPhone(text, this.#options.country()).text;
    this.set(text);
  }

  /** Why the number cannot be sent as it is, if the element can tell; `country` is the one it was read in. */
  problem(): { code: LocalErrorCode; country: string } | undefined {
    const phone = this.value.trim();
    const country = this.#options.country();
    if (!phone) return { code: 'phone_required', country };
    const reading = this.formatter?.readPhone(phone, country);
    return reading?.problem ? { code: reading.problem, country: reading.country ?? country } : undefined;
  }

  /** The mobile check of a submit is under way (`mobile-only`): a second submit waits for it. */
  checking = false;

  /** With `mobile-only`, after `problem()` found none: `phone_not_mobile` when formatting can tell it is not a mobile number. */
  async mobileProblem(): Promise<{ code: LocalErrorCode; country: string } | undefined> {
    const country = this.#options.country();
    this.checking = true;
    const mobile = await this.mobile().finally(() => (this.checking = false));
    return mobile ? undefined : { code: 'phone_not_mobile', country };
  }

  /** False when formatting has loaded and says the number is not a mobile one (fetches the mobile metadata on first use). */
  async mobile(): Promise<boolean> {
    return !this.formatter || this.formatter.isMobile(this.value.trim(), this.#options.country()).catch(() => true);
  }

  /** The number to show: formatted when formatting has loaded, else as typed when international, else E.164. */
  display(e164: string): string {
    if (this.formatter) return this.formatter.readPhone(e164, '').text;
    const clean = this.value.trim().replace(/\s+/g, ' ');
    return clean.startsWith('+') && clean.replace(/\D/g, '') === e164.slice(1) ? clean : e164;
  }

  /** An international number selects its country, so the list never contradicts what was typed. */
  #matchCountry(value: string): void {
    const [current, match] = this.#codes(value);
    if (match && current?.callingCode !== match.callingCode) this.#options.select(match.country);
  }

  /** The selected country, and for an international number the allowed country its calling code names (the current one when it shares it, else the first with the longest match). */
  #codes(value: string): [CountryOption | undefined, CountryOption | undefined] {
    const countries = this.#options.allowed();
    const current = countries.find((c) => c.country === this.#options.country());
    if (!international(value)) return [current, undefined];
    const digits = digitsOf(value);
    if (current && digits.startsWith(current.callingCode)) return [current, current];
    return [current, countries.filter((c) => digits.startsWith(c.callingCode)).sort((a, b) => b.callingCode.length - a.callingCode.length)[0]];
  }
}
