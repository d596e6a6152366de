// widget/src/phone-verify.ts
// The <phone-verify> element: phone number → code → signed in, talking to the
// server plugin's router. Importing this module registers nothing (see define.ts).

import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Channel, ConfigResponse, CountryOption, StartRequest, StartResponse, UserSummary } from '@phone-verify/server-plugin/protocol';
import { PhoneVerifyClient, PhoneVerifyRequestError, type ClientErrorCode } from './client.js';
import type { renderCodeStep } from './code-step.js';
import { CountdownController, formatSeconds } from './countdown.js';
import { countryList, filterCountries, type Country } from './countries.js';
import { PhoneVerifyErrorEvent, PhoneVerifySentEvent, PhoneVerifySuccessEvent } from './events.js';
import { formatDuration, isRightToLeft, loadMessages, resolveLocale } from './i18n.js';
import { defaultMessages, format, mergeMessages, type PhoneVerifyMessages, type PhoneVerifyStrings } from './messages.js';
import type { PhoneFormatter, PhoneProblem } from './phone-format.js';
import styles from './phone-verify.styles.js';
import { caretAfter, significantBefore, toAsciiDigits } from './text.js';

/** The lazily loaded formatting module (see phone-format.ts). */
export type PhoneFormatting = typeof import('./phone-format.js');

/** Where the element is in the flow. `error` means the configuration could not load. */
export type PhoneVerifyState =
  | { step: 'loading' }
  | { step: 'error'; code: ClientErrorCode }
  | { step: 'enter-phone' }
  | { step: 'sending' }
  | { step: 'enter-code'; phone: string; channel: Channel }
  | { step: 'verifying'; phone: string; channel: Channel }
  | { step: 'done'; user: UserSummary };

export type PhoneVerifyStep = PhoneVerifyState['step'];

/** Errors the element finds itself, before asking the server. */
type LocalErrorCode = 'phone_required' | 'code_incomplete' | 'phone_not_mobile' | PhoneProblem;

interface ShownError {
  code: ClientErrorCode | LocalErrorCode;
  attemptsLeft?: number;
  retryAfter?: number;
  /** The country a `phone_invalid` number was read in. */
  country?: string;
}

/** Where focus goes after the next render; `code-select` also selects the code so typing replaces it. */
type FocusTarget = 'phone' | 'code' | 'code-select' | 'error' | 'done';

/** After these the pending verification is gone: the only way on is a new number. */
const RESTART_CODES: ReadonlySet<ClientErrorCode> = new Set<ClientErrorCode>([
  'expired',
  'too_many_attempts',
  'no_pending_verification',
  'forbidden',
]);

/** Errors about what was typed in the phone field. */
const PHONE_FIELD_CODE = /^(phone_|invalid_phone|country_not_allowed)/;

const STEPS: readonly PhoneVerifyStep[] = ['loading', 'error', 'enter-phone', 'sending', 'enter-code', 'verifying', 'done'];

/** What may stay in the phone field: digits, `+`, spaces and the usual punctuation. */
const NOT_PHONE = /[^\d+\s().\-]/g;

/**
 * The code in a pasted text: a run of exactly `length` digits if there is one
 * ("Your code is 123456. @example.com #123456"), else all the digits in order.
 * Arabic-Indic and full-width digits count as digits.
 */
export function extractCode(text: string, length: number): string {
  const runs = toAsciiDigits(text).match(/\d+/g) ?? [];
  return runs.find((run) => run.length === length) ?? runs.join('').slice(0, length);
}

let formatting: Promise<PhoneFormatting> | undefined;
let codeStep: Promise<{ renderCodeStep: typeof renderCodeStep }> | undefined;

/** The code step's template (code-step.ts), fetched once per page. */
function loadCodeStep(): Promise<{ renderCodeStep: typeof renderCodeStep }> {
  return (codeStep ??= import('./code-step.js').catch(() => {
    codeStep = undefined;
    throw new PhoneVerifyRequestError('network_error', 'code step did not load');
  }));
}

/** Keeps focus in the search box when the list or the toggle is pressed. */
const stay = (event: Event): void => event.preventDefault();

/** Elements that follow a `lang` attribute somewhere in the document. */
const watching = new Set<PhoneVerify>();
let langObserver: MutationObserver | undefined;

/**
 * @summary Phone number verification and passwordless sign-in: enter a number, receive a code, enter it.
 *
 * @attr endpoint - Where the server plugin's router is mounted. Default `/auth/phone`.
 * @attr default-country - ISO 3166-1 alpha-2 country preselected for national numbers.
 * @attr mobile-only - Accept only mobile numbers (checked in the browser once formatting has loaded; the server decides in the end).
 * @attr name - The form field name; the form value is the verified number in E.164 (`+447400123456`).
 * @attr lang - The language, else the nearest ancestor's, else the document's: en (bundled), ar, de, es, fr, it, ja, nl, pl, pt-BR, zh-CN.
 * @attr disabled - Disables the element (as a form control; also through a disabled `<fieldset>`).
 *
 * @event phone-verify-sent - A code was sent. `detail: { channel, resendAfter }`; never the number or the code.
 * @event phone-verify-success - The code was right and the session is signed in. `detail: { user, redirect? }`.
 *   Cancelable: call `preventDefault()` to stay on the page when the server sent a `redirect`.
 * @event phone-verify-error - A request failed (the element shows the message itself). `detail: { code }`.
 *
 * @csspart base - The wrapper of everything; carries `dir` and `lang`.
 * @csspart form - The form of the current step.
 * @csspart country-input - The country search box (`role="combobox"`).
 * @csspart country-toggle - The button that opens the country list.
 * @csspart country-list - The country list (`role="listbox"`).
 * @csspart country-option - Each country in the list (`role="option"`); the active one also has `active`.
 * @csspart flag - The ISO code badge of the chosen country, standing in for a flag (decorative: flag emoji do not render on Windows).
 * @csspart phone-input - The phone number `<input type="tel">`.
 * @csspart code-input - The one-time-code `<input>`.
 * @csspart hint - The help text under a field.
 * @csspart submit - The submit button of each step.
 * @csspart countdown - The "Send again in 0:27" text.
 * @csspart resend - The "Send again" button (same channel).
 * @csspart channel - Each "Call me instead" / "Text me instead" / "Send on WhatsApp" button.
 * @csspart back - The "Use another number" button.
 * @csspart error - The error message region (a live region, always present).
 * @csspart done - The signed-in message.
 * @csspart retry - The "Try again" button shown when the configuration cannot load.
 *
 * @cssproperty --phone-verify-font - Font family.
 * @cssproperty --phone-verify-color - Text color.
 * @cssproperty --phone-verify-muted-color - Secondary text color.
 * @cssproperty --phone-verify-background - Background of inputs and the country list.
 * @cssproperty --phone-verify-border-color - Input border color.
 * @cssproperty --phone-verify-radius - Corner radius of inputs and buttons.
 * @cssproperty --phone-verify-gap - Space between the pieces.
 * @cssproperty --phone-verify-accent-color - Primary button background, link color, active country.
 * @cssproperty --phone-verify-accent-text-color - Primary button text color.
 * @cssproperty --phone-verify-error-color - Error text and invalid input border.
 * @cssproperty --phone-verify-focus-ring - Focus outline, e.g. `3px solid #0b57d0`.
 * @cssproperty --phone-verify-code-spacing - Letter spacing of the code input (its segmented look).
 * @cssproperty --phone-verify-list-height - Maximum height of the country list. Default `16rem`.
 *
 * @cssstate loading - The configuration is loading.
 * @cssstate enter-phone - Showing the phone step.
 * @cssstate sending - Sending a code.
 * @cssstate enter-code - Showing the code step.
 * @cssstate verifying - Checking a code.
 * @cssstate done - Signed in.
 * @cssstate error - The configuration could not load.
 * @cssstate disabled - Disabled as a form control.
 */
export class PhoneVerify extends LitElement {
  static override styles = styles;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  /** Takes part in forms through `ElementInternals`. */
  static formAssociated = true;

  static override properties = {
    endpoint: {},
    defaultCountry: { attribute: 'default-country' },
    mobileOnly: { attribute: 'mobile-only', type: Boolean },
    name: { reflect: true },
    strings: { attribute: false },
    view: { state: true },
    config: { state: true },
    country: { state: true },
    phone: { state: true },
    code: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
    formDisabled: { state: true },
    base: { state: true },
    open: { state: true },
    filter: { state: true },
    active: { state: true },
    listNotice: { state: true },
  };

  /**
   * Loads the formatting module (libphonenumber-js core, no metadata) once per page.
   * Called after the first render, while the element fetches its server's metadata
   * (`GET {endpoint}/metadata`); override it in a subclass to load another build, or none.
   */
  static loadFormatting(): Promise<PhoneFormatting> {
    return (formatting ??= import('./phone-format.js').catch((error: unknown) => {
      formatting = undefined;
      throw error;
    }));
  }

  /** Where the server plugin's router is mounted. */
  declare endpoint: string;
  /** ISO 3166-1 alpha-2 country preselected for national numbers; else the server's default, else the browser language's region. */
  declare defaultCountry: string | undefined;
  /** Accept only mobile numbers. Off by default: the server decides which numbers it takes. */
  declare mobileOnly: boolean;
  /** The name the verified number is submitted under in a form. */
  declare name: string | undefined;
  /** Replacements for any of the messages of the current language (see `PhoneVerifyMessages`). */
  declare strings: PhoneVerifyStrings | undefined;

  declare private view: PhoneVerifyState;
  declare private config: ConfigResponse | undefined;
  declare private country: string;
  declare private phone: string;
  declare private code: string;
  declare private error: ShownError | null;
  declare private notice: string;
  declare private busy: boolean;
  declare private formDisabled: boolean;
  /** The messages of the current language, before `strings`. */
  declare private base: PhoneVerifyMessages;
  declare private open: boolean;
  declare private filter: string;
  declare private active: number;
  declare private listNotice: string;

  private readonly countdown = new CountdownController(this, () => this.handleCountdownDone());
  private readonly internals: ElementInternals | undefined;
  private configAbort: AbortController | undefined;
  private otpAbort: AbortController | undefined;
  private focusTarget: FocusTarget | null = null;
  private sentTo = '';
  private pendingNumber = '';
  private verified = '';
  private expiresIn = 0;
  private formatter: PhoneFormatter | undefined;
  private codeStep: { renderCodeStep: typeof renderCodeStep } | undefined;
  private formatterAsked = false;
  private language = '';
  /** The shipped locale `base` is in (`en` until another loads). */
  private baseLocale = 'en';
  private languageReady: Promise<void> = Promise.resolve();
  private listCache: { config: ConfigResponse | undefined; language: string; list: Country[] } | undefined;
  private listTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.endpoint = '/auth/phone';
    this.defaultCountry = undefined;
    this.mobileOnly = false;
    this.name = undefined;
    this.strings = undefined;
    this.view = { step: 'loading' };
    this.config = undefined;
    this.country = '';
    this.phone = '';
    this.code = '';
    this.error = null;
    this.notice = '';
    this.busy = false;
    this.formDisabled = false;
    this.base = defaultMessages;
    this.open = false;
    this.filter = '';
    this.active = -1;
    this.listNotice = '';
    try {
      this.internals = this.attachInternals();
    } catch {
      // Not upgraded through the registry (e.g. `new` before define): no form value or custom states.
      this.internals = undefined;
    }
  }

  /** The current step: `loading`, `enter-phone`, `sending`, `enter-code`, `verifying`, `done` or `error`. */
  get step(): PhoneVerifyStep {
    return this.view.step;
  }

  /** The language tag in effect (own `lang`, nearest ancestor's, the document's, the browser's): names countries and is sent to the server. */
  get locale(): string {
    const tagged = this.closest<HTMLElement>('[lang]')?.lang;
    return tagged || document.documentElement.lang || navigator.language || 'en';
  }

  /** The selected country (ISO 3166-1 alpha-2), `''` before the configuration loads. */
  get selectedCountry(): string {
    return this.country;
  }

  /** The verified number in E.164 after success, else `''`. Also the form value. */
  get value(): string {
    return this.verified;
  }

  /** The form the element belongs to. */
  get form(): HTMLFormElement | null {
    return this.internals?.form ?? null;
  }

  /** `valueMissing` until the number is verified. */
  get validity(): ValidityState | undefined {
    return this.internals?.validity;
  }

  get validationMessage(): string {
    return this.internals?.validationMessage ?? '';
  }

  get willValidate(): boolean {
    return this.internals?.willValidate ?? false;
  }

  checkValidity(): boolean {
    return this.internals?.checkValidity() ?? true;
  }

  reportValidity(): boolean {
    return this.internals?.reportValidity() ?? true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    watching.add(this);
    langObserver ??= new MutationObserver(() => watching.forEach((el) => el.followLanguage()));
    langObserver.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['lang'] });
    this.followLanguage();
    if (this.view.step === 'loading' || this.view.step === 'error') void this.loadConfig();
    else if (this.view.step === 'enter-code') this.startWebOtp();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    watching.delete(this);
    this.configAbort?.abort();
    this.stopWebOtp();
  }

  /** Back to the phone step with everything cleared, as `form.reset()` does to a field. */
  formResetCallback(): void {
    if (this.view.step === 'enter-code') void this.client.cancel().catch(() => undefined);
    this.verified = '';
    this.phone = '';
    this.error = null;
    this.closeList();
    if (this.config) {
      this.country = this.pickCountry(this.config.countries, this.config.defaultCountry);
      this.restart();
    }
  }

  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
  }

  protected override firstUpdated(): void {
    // After the first render, so formatting never delays it.
    setTimeout(() => this.requestFormatting());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.followLanguage();
    if (changed.has('endpoint') && changed.get('endpoint') !== undefined && this.isConnected) void this.loadConfig();
    if (changed.has('defaultCountry') && this.config && this.view.step === 'enter-phone') {
      const wanted = this.defaultCountry?.toUpperCase();
      if (wanted && this.config.countries.some((c) => c.country === wanted)) this.country = wanted;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    const root = this.renderRoot;
    // The segmented look needs the code length in CSS. Set through the CSSOM: a strict
    // Content-Security-Policy blocks style attributes (and styleMap's first render is one).
    const code = root.querySelector<HTMLInputElement>('#code');
    code?.style.setProperty('--length', String(code.maxLength));
    const internals = this.internals;
    if (internals) {
      for (const step of STEPS) this.setState(step, step === this.view.step);
      this.setState('disabled', this.formDisabled);
      internals.setFormValue(this.verified || null);
      if (this.verified) internals.setValidity({});
      else internals.setValidity({ valueMissing: true }, this.messages.notVerified, root.querySelector<HTMLElement>('#phone, #code') ?? undefined);
    }
    if ((changed as Map<string, unknown>).has('active')) root.querySelector('[part~="active"]')?.scrollIntoView({ block: 'nearest' });
    if (this.focusTarget) {
      const target = this.focusTarget;
      this.focusTarget = null;
      const element = root.querySelector<HTMLElement>(`#${target === 'code-select' ? 'code' : target}`);
      element?.focus();
      if (target === 'code-select' && element instanceof HTMLInputElement) element.select();
    }
  }

  private setState(state: string, on: boolean): void {
    const states = this.internals?.states;
    if (on) states?.add(state);
    else states?.delete(state);
  }

  private get messages(): PhoneVerifyMessages {
    return mergeMessages(this.strings, this.base);
  }

  private get client(): PhoneVerifyClient {
    return new PhoneVerifyClient(this.endpoint);
  }

  private get codeLength(): number {
    return this.config?.codeLength ?? 6;
  }

  private get rtl(): boolean {
    return isRightToLeft(this.locale);
  }

  /** The server's countries, named in the current language (recomputed when either changes). */
  private get countries(): Country[] {
    const cache = this.listCache;
    if (cache && cache.config === this.config && cache.language === this.language) return cache.list;
    const list = countryList(this.config?.countries ?? [], this.language || 'en');
    this.listCache = { config: this.config, language: this.language, list };
    return list;
  }

  private get shownCountries(): Country[] {
    return filterCountries(this.countries, this.filter);
  }

  /** Loads the messages of the language in effect when it changed. */
  private followLanguage(): void {
    const tag = this.locale;
    if (tag === this.language) return;
    this.language = tag;
    this.requestUpdate();
    const locale = resolveLocale(tag);
    this.languageReady = loadMessages(locale).then((messages) => {
      if (resolveLocale(this.language) !== locale) return;
      this.baseLocale = messages === defaultMessages ? 'en' : locale;
      this.base = messages;
    });
  }

  private requestFormatting(): void {
    if (this.formatterAsked) return;
    this.formatterAsked = true;
    loadCodeStep().then(
      (module) => void (this.codeStep = module),
      () => undefined,
    );
    // The module and the server's metadata (its countries only) come in parallel.
    Promise.all([(this.constructor as typeof PhoneVerify).loadFormatting(), fetch(this.client.endpoint + '/metadata')])
      .then(([module, answer]) => module.formatter(answer, this.mobileOnly))
      .then(
        (formatter) => void (this.formatter = formatter),
        () => {
          // Offline, blocked, or no metadata: the element goes on without formatting; the server still validates.
        },
      );
  }

  private setView(next: PhoneVerifyState): void {
    const previous = this.view.step;
    this.view = next;
    if (next.step !== 'enter-code') this.stopWebOtp();
    else if (previous !== 'enter-code') this.startWebOtp();
  }

  private async loadConfig(): Promise<void> {
    this.configAbort?.abort();
    const controller = new AbortController();
    this.configAbort = controller;
    this.setView({ step: 'loading' });
    try {
      const config = await this.client.config(controller.signal);
      await this.languageReady;
      if (controller.signal.aborted) return;
      this.config = config;
      this.country = this.pickCountry(config.countries, config.defaultCountry);
      this.error = null;
      this.setView({ step: 'enter-phone' });
    } catch (error) {
      if (controller.signal.aborted) return;
      const code = this.toError(error).code;
      this.setView({ step: 'error', code });
      this.error = { code };
      this.dispatchEvent(new PhoneVerifyErrorEvent({ code }));
    }
  }

  /** `default-country`, else the server's default, else the browser language's region, else the first country. */
  private pickCountry(countries: CountryOption[], serverDefault: string | undefined): string {
    const allowed = new Set(countries.map((c) => c.country));
    const regions = (navigator.languages?.length ? navigator.languages : [navigator.language]).map((tag) => {
      try {
        return new Intl.Locale(tag).maximize().region;
      } catch {
        return undefined;
      }
    });
    for (const candidate of [this.defaultCountry, serverDefault, ...regions]) {
      const upper = candidate?.toUpperCase();
      if (upper && allowed.has(upper)) return upper;
    }
    return countries[0]?.country ?? '';
  }

  private toError(error: unknown): PhoneVerifyRequestError {
    return error instanceof PhoneVerifyRequestError ? error : new PhoneVerifyRequestError('internal_error', String(error));
  }

  /** Shows a failed request's message and tells the page (the code only, never the number). */
  private showRequestError(error: PhoneVerifyRequestError): void {
    const shown: ShownError = { code: error.code };
    if (error.attemptsLeft !== undefined) shown.attemptsLeft = error.attemptsLeft;
    if (error.retryAfter !== undefined) shown.retryAfter = error.retryAfter;
    this.error = shown;
    this.dispatchEvent(new PhoneVerifyErrorEvent({ code: error.code }));
  }

  // ---- Country combobox (ARIA 1.2 editable combobox with list autocomplete) ----

  private openList(): void {
    this.open = true;
    this.filter = '';
    this.active = this.countries.findIndex((c) => c.country === this.country);
  }

  private closeList(): void {
    clearTimeout(this.listTimer);
    this.open = false;
    this.filter = '';
    this.active = -1;
    this.listNotice = '';
  }

  private choose(country: Country): void {
    this.country = country.country;
    this.closeList();
    // A national number is read anew in the new country.
    if (this.formatter && this.phone && !/^\s*(\+|00)/.test(this.phone)) this.phone = this.formatter.readPhone(this.phone, this.country).text;
  }

  private handleListInput(event: Event): void {
    this.filter = (event.target as HTMLInputElement).value;
    this.open = true;
    this.active = this.filter.trim() ? 0 : -1;
    // Say how many countries match once typing pauses, not on every key.
    clearTimeout(this.listTimer);
    this.listTimer = setTimeout(() => {
      if (this.open) this.listNotice = format(this.messages.countryResults, { count: this.shownCountries.length });
    }, 600);
  }

  private handleListKeydown(event: KeyboardEvent): void {
    if (this.busy) return;
    const count = this.shownCountries.length;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        event.preventDefault();
        if (!this.open) this.openList();
        else if (count) this.active = Math.min(count - 1, Math.max(0, this.active + (event.key === 'ArrowDown' ? 1 : -1)));
        return;
      case 'Home':
      case 'End':
        if (!this.open || !count) return;
        event.preventDefault();
        this.active = event.key === 'Home' ? 0 : count - 1;
        return;
      case 'Enter': {
        if (!this.open) return;
        event.preventDefault();
        const chosen = this.shownCountries[this.active];
        if (chosen) this.choose(chosen);
        else this.closeList();
        return;
      }
      case 'Escape':
        if (!this.open) return;
        event.preventDefault();
        event.stopPropagation();
        this.closeList();
    }
  }

  private handleListFocusOut(event: FocusEvent): void {
    if (!(event.currentTarget as HTMLElement).contains(event.relatedTarget as Node | null)) this.closeList();
  }

  private handleToggle(): void {
    if (this.open) this.closeList();
    else this.openList();
    this.renderRoot.querySelector<HTMLInputElement>('#country')?.focus();
  }

  private handleOptionClick(event: Event): void {
    const id = (event.target as HTMLElement).closest('[data-country]')?.getAttribute('data-country');
    const chosen = this.countries.find((c) => c.country === id);
    if (chosen) this.choose(chosen);
  }

  // ---- Phone step ----

  private handlePhoneInput(event: Event): void {
    const input = event.target as HTMLInputElement;
    const typed = toAsciiDigits(input.value);
    let caret = significantBefore(typed, input.selectionStart ?? typed.length);
    let raw = typed.replace(NOT_PHONE, '');
    const formatter = this.formatter;
    // Backspace just after a space or bracket the formatting put there deletes the digit before it.
    if (formatter && (event as InputEvent).inputType === 'deleteContentBackward' && caret > 0 && raw.replace(/\D/g, '') === this.phone.replace(/\D/g, '')) {
      const at = caretAfter(raw, caret);
      raw = raw.slice(0, at - 1) + raw.slice(at);
      caret--;
    }
    this.matchCountry(raw);
    let text = raw;
    if (formatter) {
      const reading = formatter.readPhone(raw, this.country);
      text = reading.text;
      if (reading.country && this.config?.countries.some((c) => c.country === reading.country)) this.country = reading.country;
    }
    if (input.value !== text) {
      input.value = text;
      const at = caretAfter(text, caret);
      input.setSelectionRange(at, at);
    }
    this.phone = text;
  }

  /** Paste keeps the number and drops the rest; a whole international number replaces the field (so no `+49 +44 …`). */
  private handlePhonePaste(event: ClipboardEvent): void {
    const input = event.target as HTMLInputElement;
    const text = toAsciiDigits(event.clipboardData?.getData('text') ?? '')
      .replace(NOT_PHONE, ' ')
      .trim();
    event.preventDefault();
    if (/^(\+|00)/.test(text)) input.value = text;
    else input.setRangeText(text, input.selectionStart ?? input.value.length, input.selectionEnd ?? input.value.length, 'end');
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }

  /** An international number selects its country, so the list never contradicts what was typed. */
  private matchCountry(value: string): void {
    const trimmed = value.trim();
    if (!trimmed.startsWith('+') && !trimmed.startsWith('00')) return;
    const digits = trimmed.replace(/^00/, '').replace(/\D/g, '');
    const countries = this.config?.countries ?? [];
    const current = countries.find((c) => c.country === this.country);
    if (current && digits.startsWith(current.callingCode)) return;
    const match = countries
      .filter((c) => digits.startsWith(c.callingCode))
      .sort((a, b) => b.callingCode.length - a.callingCode.length)[0];
    if (match) this.country = match.country;
  }

  private async handlePhoneSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy || this.formDisabled) return;
    const phone = this.phone.trim();
    const formatter = this.formatter;
    const reading = phone ? formatter?.readPhone(phone, this.country) : undefined;
    let problem: LocalErrorCode | undefined = phone ? reading?.problem : 'phone_required';
    this.busy = true;
    if (!problem && formatter && this.mobileOnly && !(await formatter.isMobile(phone, this.country).catch(() => true))) problem = 'phone_not_mobile';
    if (problem) {
      this.busy = false;
      this.error = { code: problem, country: reading?.country ?? this.country };
      this.focusTarget = 'phone';
      return;
    }
    this.error = null;
    this.setView({ step: 'sending' });
    try {
      this.codeStep ??= await loadCodeStep();
      const locale = this.locale;
      const answer = await this.startOnFirstChannelThatReaches({ phone, ...(this.country ? { country: this.country } : {}), ...(locale ? { locale } : {}) });
      this.pendingNumber = answer.phone;
      this.sentTo = this.displayPhone(phone, answer.phone);
      this.code = '';
      this.codeSent(answer);
    } catch (error) {
      this.setView({ step: 'enter-phone' });
      this.showRequestError(this.toError(error));
      this.focusTarget = 'phone';
    } finally {
      this.busy = false;
    }
  }

  /**
   * Start on the server's default channel; if that cannot reach the number
   * (`channel_unavailable`: Telegram for someone not on Telegram), on the next one offered.
   */
  private async startOnFirstChannelThatReaches(request: StartRequest): Promise<StartResponse> {
    try {
      return await this.client.start(request);
    } catch (error) {
      const next = this.config?.channels[1];
      if (!next || this.toError(error).code !== 'channel_unavailable') throw error;
      return this.client.start({ ...request, channel: next });
    }
  }

  /** The number to show: formatted when formatting has loaded, else as typed when international, else E.164. */
  private displayPhone(typed: string, e164: string): string {
    if (this.formatter) return this.formatter.readPhone(e164, '').text;
    const clean = typed.trim().replace(/\s+/g, ' ');
    return clean.startsWith('+') && clean.replace(/\D/g, '') === e164.slice(1) ? clean : e164;
  }

  // ---- Code step ----

  private codeSent(answer: StartResponse): void {
    if (this.config && answer.codeLength !== this.config.codeLength) this.config = { ...this.config, codeLength: answer.codeLength };
    this.expiresIn = answer.expiresIn;
    this.setView({ step: 'enter-code', phone: this.sentTo, channel: answer.channel });
    this.countdown.start(answer.resendAfter);
    const m = this.messages;
    const sent = format(m.sentNotice, { phone: this.isolate(this.sentTo), channel: m.channelName[answer.channel] });
    this.notice = answer.resendAfter > 0 ? `${sent} ${format(m.resendNotice, { time: formatDuration(answer.resendAfter, this.locale) })}` : sent;
    this.focusTarget = 'code';
    this.dispatchEvent(new PhoneVerifySentEvent({ channel: answer.channel, resendAfter: answer.resendAfter }));
  }

  private handleCountdownDone(): void {
    if (this.view.step === 'enter-code') this.notice = this.messages.resendReady;
  }

  private handleCodeInput(event: Event): void {
    const input = event.target as HTMLInputElement;
    const digits = toAsciiDigits(input.value).replace(/\D/g, '').slice(0, this.codeLength);
    if (digits !== input.value) input.value = digits;
    this.code = digits;
    if (digits.length === this.codeLength) void this.submitCode();
  }

  private handleCodePaste(event: ClipboardEvent): void {
    const text = event.clipboardData?.getData('text') ?? '';
    const input = event.target as HTMLInputElement;
    event.preventDefault();
    const pasted = extractCode(text, this.codeLength);
    if (!pasted) return;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    const merged = pasted.length >= this.codeLength ? pasted : input.value.slice(0, start) + pasted + input.value.slice(end);
    input.value = merged.replace(/\D/g, '').slice(0, this.codeLength);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  private handleCodeSubmit(event: SubmitEvent): void {
    event.preventDefault();
    void this.submitCode();
  }

  private async submitCode(): Promise<void> {
    const view = this.view;
    if (this.busy || this.formDisabled || view.step !== 'enter-code') return;
    if (this.code.length !== this.codeLength) {
      this.error = { code: 'code_incomplete' };
      this.focusTarget = 'code';
      return;
    }
    this.busy = true;
    this.error = null;
    this.setView({ step: 'verifying', phone: view.phone, channel: view.channel });
    try {
      const answer = await this.client.verify(this.code);
      this.code = '';
      this.countdown.stop();
      this.notice = '';
      this.verified = this.pendingNumber;
      this.setView({ step: 'done', user: answer.user });
      this.focusTarget = 'done';
      const detail: { user: UserSummary; redirect?: string } = { user: answer.user };
      if (answer.redirect) detail.redirect = answer.redirect;
      const proceed = this.dispatchEvent(new PhoneVerifySuccessEvent(detail));
      if (proceed && answer.redirect) this.navigate(answer.redirect);
    } catch (error) {
      const failure = this.toError(error);
      if (RESTART_CODES.has(failure.code)) this.restart();
      else {
        this.setView({ step: 'enter-code', phone: view.phone, channel: view.channel });
        this.focusTarget = 'code-select';
      }
      this.showRequestError(failure);
    } finally {
      this.busy = false;
    }
  }

  /** Back to the phone step, the number kept in its field. */
  private restart(): void {
    this.code = '';
    this.countdown.stop();
    this.notice = '';
    this.setView({ step: 'enter-phone' });
    this.focusTarget = 'phone';
  }

  private async resend(channel: Channel): Promise<void> {
    const view = this.view;
    if (this.busy || view.step !== 'enter-code') return;
    this.busy = true;
    this.error = null;
    try {
      const answer = await this.client.resend(channel, this.locale);
      if (this.view.step !== 'enter-code') return;
      this.code = '';
      this.codeSent(answer);
    } catch (error) {
      const failure = this.toError(error);
      if (RESTART_CODES.has(failure.code)) this.restart();
      else {
        if (failure.retryAfter !== undefined && (failure.code === 'resend_too_soon' || failure.code === 'rate_limited')) this.countdown.start(failure.retryAfter);
        this.focusTarget = 'code';
      }
      this.showRequestError(failure);
    } finally {
      this.busy = false;
    }
  }

  private async handleBack(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.client.cancel();
    } catch {
      // Starting again replaces the pending verification on the server anyway.
    } finally {
      this.busy = false;
    }
    this.error = null;
    this.restart();
  }

  private handleRetry(): void {
    this.error = null;
    this.focusTarget = 'error';
    void this.loadConfig();
  }

  /** WebOTP: Android Chrome offers the code from an SMS whose last line is `@host #code`. */
  private startWebOtp(): void {
    this.stopWebOtp();
    if (!('OTPCredential' in window) || !navigator.credentials?.get) return;
    const controller = new AbortController();
    this.otpAbort = controller;
    const request = { otp: { transport: ['sms'] }, signal: controller.signal } as CredentialRequestOptions;
    navigator.credentials.get(request).then(
      (credential) => {
        const code = (credential as (Credential & { code?: string }) | null)?.code;
        if (controller.signal.aborted || !code || this.view.step !== 'enter-code') return;
        this.code = extractCode(code, this.codeLength);
        void this.submitCode();
      },
      () => {
        // Aborted, dismissed or unsupported: the user types the code.
      },
    );
  }

  private stopWebOtp(): void {
    this.otpAbort?.abort();
    this.otpAbort = undefined;
  }

  /** Follows the server's `redirect` after sign-in (http and https only). */
  protected navigate(url: string): void {
    const target = new URL(url, window.location.href);
    if (target.protocol === 'http:' || target.protocol === 'https:') window.location.assign(target.href);
  }

  // ---- Rendering ----

  /** A number inside right-to-left text, kept left to right. */
  private isolate(phone: string): string {
    return this.rtl ? `\u2066${phone}\u2069` : phone;
  }

  private countryLabel(country: Country): string {
    return format(this.messages.countryOption, { name: country.name, code: country.callingCode });
  }

  private errorText(error: ShownError | null): string {
    if (!error) return '';
    const m = this.messages;
    switch (error.code) {
      case 'phone_required':
        return m.phoneRequired;
      case 'phone_too_short':
        return m.phoneTooShort;
      case 'phone_too_long':
        return m.phoneTooLong;
      case 'phone_not_mobile':
        return m.phoneNotMobile;
      case 'phone_invalid':
        return format(m.phoneInvalid, { country: this.countries.find((c) => c.country === error.country)?.name ?? error.country ?? '' });
      case 'code_incomplete':
        return format(m.codeIncomplete, { count: this.codeLength });
    }
    let text = m.errors[error.code] ?? m.errors.internal_error;
    if (this.view.step === 'error') text = `${m.configFailed} ${text}`;
    if (error.code === 'invalid_code' && error.attemptsLeft !== undefined) {
      const plural = new Intl.PluralRules(this.locale).select(error.attemptsLeft);
      text += ' ' + format(plural === 'one' ? m.attemptsLeftOne : m.attemptsLeftOther, { count: error.attemptsLeft });
    }
    if (error.retryAfter !== undefined && (error.code === 'rate_limited' || error.code === 'provider_unavailable')) {
      text += ' ' + format(m.retryIn, { time: formatDuration(error.retryAfter, this.locale) });
    }
    return text;
  }

  private renderCountry(locked: boolean): TemplateResult {
    const m = this.messages;
    const open = this.open;
    const shown = open ? this.shownCountries : [];
    const active = shown[this.active];
    const selected = this.countries.find((c) => c.country === this.country);
    return html`
      <div class="field">
        <label id="country-label" for="country">${m.countryLabel}</label>
        <div class="combo" @focusout=${this.handleListFocusOut}>
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
            aria-activedescendant=${active ? `c-${active.country}` : nothing}
            ?disabled=${this.formDisabled}
            ?readonly=${locked}
            .value=${open ? this.filter : selected ? this.countryLabel(selected) : ''}
            @input=${this.handleListInput}
            @keydown=${this.handleListKeydown}
            @click=${() => this.open || locked || this.openList()}
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
            ?disabled=${locked || this.formDisabled}
            @mousedown=${stay}
            @click=${this.handleToggle}
          ></button>
          <ul
            id="countries"
            part="country-list"
            role="listbox"
            aria-labelledby="country-label"
            ?hidden=${!open}
            @mousedown=${stay}
            @click=${this.handleOptionClick}
          >
            ${shown.map(
              (c) =>
                html`<li
                  id=${`c-${c.country}`}
                  part=${c === active ? 'country-option active' : 'country-option'}
                  role="option"
                  aria-selected=${c.country === this.country ? 'true' : 'false'}
                  data-country=${c.country}
                >
                  <span class="flag" aria-hidden="true">${c.country}</span><span>${this.countryLabel(c)}</span>
                </li>`,
            )}
            ${open && !shown.length ? html`<li role="option" aria-disabled="true" aria-selected="false">${m.countryNone}</li>` : nothing}
          </ul>
        </div>
      </div>
    `;
  }

  private renderPhoneStep(): TemplateResult {
    const m = this.messages;
    const sending = this.view.step === 'sending';
    const invalid = PHONE_FIELD_CODE.test(this.error?.code ?? '');
    return html`
      <form part="form" novalidate @submit=${this.handlePhoneSubmit}>
        ${this.renderCountry(sending)}
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
            aria-invalid=${invalid ? 'true' : 'false'}
            ?disabled=${this.formDisabled}
            ?readonly=${sending}
            .value=${this.phone}
            @input=${this.handlePhoneInput}
            @paste=${this.handlePhonePaste}
            @focus=${this.requestFormatting}
          />
          <p id="phone-hint" part="hint" class="hint">${m.phoneHint}</p>
        </div>
        <button part="submit" class="primary" type="submit" ?disabled=${sending || this.formDisabled}>${sending ? m.sending : m.sendCode}</button>
      </form>
    `;
  }

  private renderCodeStep(view: { phone: string; channel: Channel }): TemplateResult | typeof nothing {
    const m = this.messages;
    const disabled = this.formDisabled;
    return (
      this.codeStep?.renderCodeStep(html, {
        m,
        label: format(view.channel === 'voice' ? m.codeLabelVoice : view.channel === 'flashcall' ? m.codeLabelFlashcall : m.codeLabel, {
          phone: this.isolate(view.phone),
          count: String(this.codeLength),
        }),
        hint: this.expiresIn > 0 ? format(m.expiresHint, { time: formatDuration(this.expiresIn, this.locale) }) : '',
        length: this.codeLength,
        code: this.code,
        invalid: /^(invalid_code|code_incomplete)$/.test(this.error?.code ?? ''),
        verifying: this.view.step === 'verifying',
        busy: this.busy || disabled,
        disabled,
        wait: this.countdown.running ? format(m.resendIn, { time: formatSeconds(this.countdown.remaining) }) : '',
        channel: view.channel,
        others: (this.config?.channels ?? []).filter((c) => c !== view.channel),
        submit: this.handleCodeSubmit,
        input: this.handleCodeInput,
        paste: this.handleCodePaste,
        back: this.handleBack,
        resend: (channel) => void this.resend(channel),
      }) ?? nothing
    );
  }

  private renderStep(): TemplateResult | typeof nothing {
    const view = this.view;
    const m = this.messages;
    switch (view.step) {
      case 'loading':
        return html`<p class="hint">${m.loading}</p>`;
      case 'error':
        return html`<button part="retry" class="secondary" type="button" @click=${this.handleRetry}>${m.retry}</button>`;
      case 'enter-phone':
      case 'sending':
        return this.renderPhoneStep();
      case 'enter-code':
      case 'verifying':
        return this.renderCodeStep(view);
      case 'done':
        return html`<p id="done" part="done" class="done" tabindex="-1">${m.signedIn}</p>`;
    }
  }

  override render(): TemplateResult {
    return html`
      <div part="base" dir=${this.hasAttribute('dir') ? nothing : this.rtl ? 'rtl' : 'ltr'} lang=${this.baseLocale}>
        ${this.renderStep()}
        <div id="error" part="error" class="error" role="alert" tabindex="-1">${this.errorText(this.error)}</div>
        <div class="visually-hidden" role="status">${this.notice}</div>
        <div class="visually-hidden" role="status">${this.listNotice}</div>
      </div>
    `;
  }
}
