// widget/src/phone-verify.ts
// The <phone-verify> element: phone number → code → signed in, talking to the
// server plugin's router. Importing this module registers nothing (see define.ts).

import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Channel, ConfigResponse, CountryOption, StartResponse, UserSummary } from '@phone-verify/server-plugin/protocol';
import { PhoneVerifyClient, PhoneVerifyRequestError, type ClientErrorCode } from './client.js';
import { CountdownController, formatSeconds } from './countdown.js';
import { PhoneVerifyErrorEvent, PhoneVerifySentEvent, PhoneVerifySuccessEvent } from './events.js';
import { format, mergeMessages, type PhoneVerifyMessages, type PhoneVerifyStrings } from './messages.js';
import styles from './phone-verify.styles.js';

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
type LocalErrorCode = 'phone_required' | 'code_incomplete';

interface ShownError {
  code: ClientErrorCode | LocalErrorCode;
  attemptsLeft?: number;
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
const PHONE_FIELD_CODES: ReadonlySet<string> = new Set(['phone_required', 'invalid_phone', 'country_not_allowed']);

/**
 * The code in a pasted text: a run of exactly `length` digits if there is one
 * ("Your code is 123456. @example.com #123456"), else all the digits in order.
 */
export function extractCode(text: string, length: number): string {
  const runs = text.match(/\d+/g) ?? [];
  return runs.find((run) => run.length === length) ?? runs.join('').slice(0, length);
}

/**
 * @summary Phone number verification and passwordless sign-in: enter a number, receive a code, enter it.
 *
 * @event phone-verify-sent - A code was sent. `detail: { channel, resendAfter }`; never the number or the code.
 * @event phone-verify-success - The code was right and the session is signed in. `detail: { user, redirect? }`.
 *   Cancelable: call `preventDefault()` to stay on the page when the server sent a `redirect`.
 * @event phone-verify-error - A request failed (the element shows the message itself). `detail: { code }`.
 *
 * @csspart form - The form of the current step.
 * @csspart country-select - The country `<select>`.
 * @csspart phone-input - The phone number `<input type="tel">`.
 * @csspart code-input - The one-time-code `<input>`.
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
 * @cssproperty --phone-verify-background - Input background.
 * @cssproperty --phone-verify-border-color - Input border color.
 * @cssproperty --phone-verify-radius - Corner radius of inputs and buttons.
 * @cssproperty --phone-verify-gap - Space between the pieces.
 * @cssproperty --phone-verify-accent-color - Primary button background and link color.
 * @cssproperty --phone-verify-accent-text-color - Primary button text color.
 * @cssproperty --phone-verify-error-color - Error text and invalid input border.
 * @cssproperty --phone-verify-focus-ring - Focus outline, e.g. `3px solid #0b57d0`.
 * @cssproperty --phone-verify-code-spacing - Letter spacing of the code input (its segmented look).
 *
 * @cssstate loading - The configuration is loading.
 * @cssstate enter-phone - Showing the phone step.
 * @cssstate sending - Sending a code.
 * @cssstate enter-code - Showing the code step.
 * @cssstate verifying - Checking a code.
 * @cssstate done - Signed in.
 * @cssstate error - The configuration could not load.
 */
export class PhoneVerify extends LitElement {
  static override styles = styles;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override properties = {
    endpoint: {},
    defaultCountry: { attribute: 'default-country' },
    strings: { attribute: false },
    view: { state: true },
    config: { state: true },
    country: { state: true },
    phone: { state: true },
    code: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
  };

  /** Where the server plugin's router is mounted. */
  declare endpoint: string;
  /** ISO 3166-1 alpha-2 country preselected for national numbers; else the server's default, else the browser language's region. */
  declare defaultCountry: string | undefined;
  /** Replacements for any of the English messages (see `PhoneVerifyMessages`). */
  declare strings: PhoneVerifyStrings | undefined;

  declare private view: PhoneVerifyState;
  declare private config: ConfigResponse | undefined;
  declare private country: string;
  declare private phone: string;
  declare private code: string;
  declare private error: ShownError | null;
  declare private notice: string;
  declare private busy: boolean;

  private readonly countdown = new CountdownController(this, () => this.handleCountdownDone());
  private readonly internals: ElementInternals | undefined;
  private configAbort: AbortController | undefined;
  private otpAbort: AbortController | undefined;
  private focusTarget: FocusTarget | null = null;
  private sentTo = '';

  constructor() {
    super();
    this.endpoint = '/auth/phone';
    this.defaultCountry = undefined;
    this.strings = undefined;
    this.view = { step: 'loading' };
    this.config = undefined;
    this.country = '';
    this.phone = '';
    this.code = '';
    this.error = null;
    this.notice = '';
    this.busy = false;
    try {
      this.internals = this.attachInternals();
    } catch {
      // Not upgraded through the registry (e.g. `new` before define): no custom states, nothing else lost.
      this.internals = undefined;
    }
  }

  /** The current step: `loading`, `enter-phone`, `sending`, `enter-code`, `verifying`, `done` or `error`. */
  get step(): PhoneVerifyStep {
    return this.view.step;
  }

  /** The language used for country names and sent to the server for the message. */
  get locale(): string {
    const tagged = this.closest<HTMLElement>('[lang]')?.lang;
    return tagged || document.documentElement.lang || navigator.language || 'en';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.view.step === 'loading' || this.view.step === 'error') void this.loadConfig();
    else if (this.view.step === 'enter-code') this.startWebOtp();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.configAbort?.abort();
    this.stopWebOtp();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('endpoint') && changed.get('endpoint') !== undefined && this.isConnected) void this.loadConfig();
    if (changed.has('defaultCountry') && this.config && this.view.step === 'enter-phone') {
      const wanted = this.defaultCountry?.toUpperCase();
      if (wanted && this.config.countries.some((c) => c.country === wanted)) this.country = wanted;
    }
  }

  protected override updated(): void {
    // The segmented look needs the code length in CSS. Set through the CSSOM: a strict
    // Content-Security-Policy blocks style attributes (and styleMap's first render is one).
    const code = this.renderRoot.querySelector<HTMLInputElement>('#code');
    if (code) code.style.setProperty('--length', String(code.maxLength));
    if (this.internals?.states) {
      for (const step of ['loading', 'error', 'enter-phone', 'sending', 'enter-code', 'verifying', 'done']) {
        if (step === this.view.step) this.internals.states.add(step);
        else this.internals.states.delete(step);
      }
    }
    if (this.focusTarget) {
      const target = this.focusTarget;
      this.focusTarget = null;
      const element = this.renderRoot.querySelector<HTMLElement>(`#${target === 'code-select' ? 'code' : target}`);
      element?.focus();
      if (target === 'code-select' && element instanceof HTMLInputElement) element.select();
    }
  }

  private get messages(): PhoneVerifyMessages {
    return mergeMessages(this.strings);
  }

  private get client(): PhoneVerifyClient {
    return new PhoneVerifyClient(this.endpoint);
  }

  private get codeLength(): number {
    return this.config?.codeLength ?? 6;
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
    this.error = shown;
    this.dispatchEvent(new PhoneVerifyErrorEvent({ code: error.code }));
  }

  private handleCountryChange(event: Event): void {
    this.country = (event.target as HTMLSelectElement).value;
  }

  private handlePhoneInput(event: Event): void {
    this.phone = (event.target as HTMLInputElement).value;
    this.matchCountry(this.phone);
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
    if (this.busy) return;
    const phone = this.phone.trim();
    if (!phone) {
      this.error = { code: 'phone_required' };
      this.focusTarget = 'phone';
      return;
    }
    this.busy = true;
    this.error = null;
    this.setView({ step: 'sending' });
    try {
      const locale = this.locale;
      const answer = await this.client.start({ phone, ...(this.country ? { country: this.country } : {}), ...(locale ? { locale } : {}) });
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

  /** The number to show: as typed when it was international, else `+CC` and the national number. */
  private displayPhone(typed: string, e164: string): string {
    const digits = e164.replace(/\D/g, '');
    const clean = typed.trim().replace(/\s+/g, ' ');
    if (clean.startsWith('+') && clean.replace(/\D/g, '') === digits) return clean;
    const countries = this.config?.countries ?? [];
    const callingCode = countries.find((c) => c.country === this.country)?.callingCode;
    if (callingCode && /^\d/.test(clean)) {
      // Drop a national trunk prefix only when the result still spells the same number.
      const candidate = `+${callingCode} ${clean.replace(/^0/, '')}`;
      if (candidate.replace(/\D/g, '') === digits) return candidate;
    }
    const prefix = countries
      .map((c) => c.callingCode)
      .filter((code) => digits.startsWith(code))
      .sort((a, b) => b.length - a.length)[0];
    return prefix ? `+${prefix} ${digits.slice(prefix.length)}` : e164;
  }

  private codeSent(answer: StartResponse): void {
    if (this.config && answer.codeLength !== this.config.codeLength) this.config = { ...this.config, codeLength: answer.codeLength };
    this.setView({ step: 'enter-code', phone: this.sentTo, channel: answer.channel });
    this.countdown.start(answer.resendAfter);
    const m = this.messages;
    this.notice = format(m.sentNotice, { phone: this.sentTo, channel: m.channelName[answer.channel] });
    this.focusTarget = 'code';
    this.dispatchEvent(new PhoneVerifySentEvent({ channel: answer.channel, resendAfter: answer.resendAfter }));
  }

  private handleCountdownDone(): void {
    if (this.view.step === 'enter-code') this.notice = this.messages.resendReady;
  }

  private handleCodeInput(event: Event): void {
    const input = event.target as HTMLInputElement;
    const digits = input.value.replace(/\D/g, '').slice(0, this.codeLength);
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
    if (this.busy || view.step !== 'enter-code') return;
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
      else if (failure.retryAfter !== undefined && (failure.code === 'resend_too_soon' || failure.code === 'rate_limited')) {
        this.countdown.start(failure.retryAfter);
        this.focusTarget = 'code';
      } else this.focusTarget = 'code';
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

  private errorText(error: ShownError | null): string {
    if (!error) return '';
    const m = this.messages;
    switch (error.code) {
      case 'phone_required':
        return m.phoneRequired;
      case 'code_incomplete':
        return format(m.codeIncomplete, { count: this.codeLength });
    }
    let text = m.errors[error.code] ?? m.errors.internal_error;
    if (this.view.step === 'error') text = `${m.configFailed} ${text}`;
    if (error.code === 'invalid_code' && error.attemptsLeft !== undefined) {
      const plural = new Intl.PluralRules(this.locale).select(error.attemptsLeft);
      text += ' ' + format(plural === 'one' ? m.attemptsLeftOne : m.attemptsLeftOther, { count: error.attemptsLeft });
    }
    return text;
  }

  private countryOptions(): TemplateResult[] {
    const countries = this.config?.countries ?? [];
    const locale = this.locale;
    let names: Intl.DisplayNames | undefined;
    try {
      names = new Intl.DisplayNames([locale, 'en'], { type: 'region' });
    } catch {
      names = undefined;
    }
    const m = this.messages;
    return countries
      .map((c) => ({ ...c, name: names?.of(c.country) ?? c.country }))
      .sort((a, b) => a.name.localeCompare(b.name, locale))
      .map(
        (c) =>
          html`<option value=${c.country} ?selected=${c.country === this.country}>${format(m.countryOption, { name: c.name, code: c.callingCode })}</option>`,
      );
  }

  private renderPhoneStep(): TemplateResult {
    const m = this.messages;
    const sending = this.view.step === 'sending';
    const invalid = this.error !== null && PHONE_FIELD_CODES.has(this.error.code);
    return html`
      <form part="form" novalidate @submit=${this.handlePhoneSubmit}>
        <div class="field">
          <label for="country">${m.countryLabel}</label>
          <select id="country" part="country-select" name="country" ?disabled=${sending} @change=${this.handleCountryChange}>
            ${this.countryOptions()}
          </select>
        </div>
        <div class="field">
          <label for="phone">${m.phoneLabel}</label>
          <input
            id="phone"
            part="phone-input"
            name="phone"
            type="tel"
            autocomplete="tel"
            inputmode="tel"
            required
            aria-describedby="phone-hint error"
            aria-invalid=${invalid ? 'true' : 'false'}
            ?readonly=${sending}
            .value=${this.phone}
            @input=${this.handlePhoneInput}
          />
          <p id="phone-hint" class="hint">${m.phoneHint}</p>
        </div>
        <button part="submit" class="primary" type="submit" ?disabled=${sending}>${sending ? m.sending : m.sendCode}</button>
      </form>
    `;
  }

  private renderCodeStep(view: { phone: string; channel: Channel }): TemplateResult {
    const m = this.messages;
    const verifying = this.view.step === 'verifying';
    const length = this.codeLength;
    const invalid = this.error !== null && (this.error.code === 'invalid_code' || this.error.code === 'code_incomplete');
    return html`
      <form part="form" novalidate @submit=${this.handleCodeSubmit}>
        <div class="field">
          <label for="code">${format(view.channel === 'voice' ? m.codeLabelVoice : m.codeLabel, { phone: view.phone })}</label>
          <input
            id="code"
            part="code-input"
            class="code"
            name="code"
            type="text"
            autocomplete="one-time-code"
            inputmode="numeric"
            spellcheck="false"
            autocapitalize="off"
            required
            maxlength=${length}
            pattern=${`\\d{${length}}`}
            aria-describedby="error"
            aria-invalid=${invalid ? 'true' : 'false'}
            ?readonly=${verifying}
            .value=${this.code}
            @input=${this.handleCodeInput}
            @paste=${this.handleCodePaste}
          />
        </div>
        <button part="submit" class="primary" type="submit" ?disabled=${this.busy}>${verifying ? m.verifying : m.verify}</button>
        <div class="resend">${this.renderResend(view.channel)}</div>
        <button part="back" class="link" type="button" ?disabled=${this.busy} @click=${this.handleBack}>${m.useAnotherNumber}</button>
      </form>
    `;
  }

  private renderResend(current: Channel): TemplateResult {
    const m = this.messages;
    if (this.countdown.running) {
      return html`<p part="countdown" class="countdown">${format(m.resendIn, { time: formatSeconds(this.countdown.remaining) })}</p>`;
    }
    const others = (this.config?.channels ?? []).filter((c) => c !== current);
    return html`
      <button part="resend" class="secondary" type="button" ?disabled=${this.busy} @click=${() => this.resend(current)}>${m.resend}</button>
      ${others.map(
        (channel) =>
          html`<button part="channel" class="secondary" type="button" data-channel=${channel} ?disabled=${this.busy} @click=${() => this.resend(channel)}>
            ${m.channelButton[channel]}
          </button>`,
      )}
    `;
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
      ${this.renderStep()}
      <div id="error" part="error" class="error" role="alert" tabindex="-1">${this.errorText(this.error)}</div>
      <div class="visually-hidden" role="status">${this.notice}</div>
    `;
  }
}
