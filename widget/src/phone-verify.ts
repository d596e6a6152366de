// widget/src/phone-verify.ts
// The <phone-verify> element, talking to the server plugin's router: a thin host (properties,
// lifecycle, `render()` choosing a step) around the flow (flow/), country combobox (country/),
// phone field (phone/), code step (code/), form association (form/) and language (i18n/),
// each a controller or template of its own. Importing this module registers nothing (see define.ts).

import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { Intent } from '@phone-verify/server-plugin/protocol';
import { atMost, chunkStyles, loadFormattingChunk } from './chunks.js';
import { CodeStepLoader } from './code/code-step-loader.js';
import { CountryFieldController } from './country/country-field.js';
import { regionName } from './countries.js';
import { FlowController } from './flow/flow-controller.js';
import { publicStep, type FlowState, type FlowStep } from './flow/flow.js';
import { FormAssociatedElement } from './form/form-associated.js';
import { isRightToLeft } from './i18n.js';
import { errorText } from './i18n/flow-text.js';
import { LanguageController } from './i18n/language-controller.js';
import { safeLocale } from './locale-tag.js';
import { format, mergeMessages, type PhoneVerifyMessages, type PhoneVerifyStrings } from './messages.js';
import { intentFields, knownIntent } from './intents.js';
import type { PhoneFormatter } from './phone/phone-format.js';
import { PhoneInputController, type PhoneFormatting } from './phone/phone-input.js';
import { renderPhoneStep } from './phone/phone-step.js';
import styles from './phone-verify.styles.js';

export { extractCode } from './text.js';
export type { PhoneFormatting } from './phone/phone-input.js';

/** Where the element is in the flow, with what each step knows (a pending resend or cancel included). */
export type PhoneVerifyState = FlowState;

/** The step the element reports: `loading`, `error`, `enter-phone`, `sending`, `enter-code`, `verifying` or `done`. */
export type PhoneVerifyStep = Exclude<FlowStep, 'resending' | 'canceling'>;

/** Where the page's challenge (CAPTCHA) shows while the server asks for it. */
const challengeSlot = html`<slot name="challenge"></slot>`;

/**
 * @summary Phone number verification and passwordless sign-in: enter a number, receive a code, enter it.
 *
 * @attr endpoint - Where the server plugin's router is mounted. Default `/auth/phone`.
 * @attr default-country - ISO 3166-1 alpha-2 country preselected for national numbers.
 * @attr mobile-only - Accept only mobile numbers (checked in the browser once formatting has loaded; the server decides in the end).
 * @attr name - The form field name; the form value is the verified number in E.164 (`+447400123456`), or with `intent="verify"` the phone proof.
 * @attr intent - What the number is proven for (reflected): `signin` (default), `verify` (a phone proof, nobody signed in),
 *   `link` (adds the number to the signed-in user) or `stepup` (re-proves the signed-in user's number). The server decides what each may do.
 * @attr purpose - With `intent="verify"`: what the proof is for (your word, e.g. `signup`); your server checks it.
 * @attr lang - The language, else the nearest ancestor's, else the document's: en (bundled), ar, de, es, fr, it, ja, nl, pl, pt-BR, zh-CN.
 * @attr disabled - Disables the element (reflected; a disabled `<fieldset>` or form disables it too, without the attribute).
 * @attr step - Read-only: the current step, set by the element (as `step` and `:state(…)` name it).
 *
 * @slot challenge - The page's challenge (CAPTCHA), shown when the server answers `challenge_required`;
 *   pass its answer to `submitChallenge(token)`.
 *
 * @event phone-verify-sent - A code was sent. `detail: { channel, resendAfter }`; never the number or the code.
 * @event phone-verify-success - The code was right (for `signin`, the session is signed in). `detail: { user, intent, proof?, redirect? }`.
 *   Cancelable: call `preventDefault()` to stay on the page when the server sent a `redirect`.
 * @event phone-verify-error - A request failed (the element shows the message itself). `detail: { code }`.
 * @event phone-verify-challenge - The server wants the page's challenge before it sends a code: show it in the
 *   `challenge` slot, then call `submitChallenge(token)`. `detail: { step: 'start' | 'resend' }`.
 *
 * @csspart base - The wrapper of everything; carries `dir` and `lang`.
 * @csspart form - The form of the current step.
 * @csspart country-toggle - The button at the start of the number field (badge and calling code, `GB +44`) that opens the country popup.
 * @csspart flag - The ISO code badge of the chosen country in that button, standing in for a flag (flag emoji do not render on Windows).
 * @csspart country-popup - The popup under the number field's row while it is open (a non-modal dialog): the search box and the list.
 * @csspart country-input - The popup's country search box (`role="combobox"`).
 * @csspart country-list - The country list (`role="listbox"`).
 * @csspart country-option - Each country in the list (`role="option"`); the active one also has `active`.
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
 * @cssproperty --phone-verify-background - Background of inputs, the number field's row and the country popup.
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
export class PhoneVerify extends FormAssociatedElement {
  static override styles = styles;
  static override shadowRootOptions: ShadowRootInit = { ...FormAssociatedElement.shadowRootOptions, delegatesFocus: true };

  static override properties: PropertyDeclarations = {
    endpoint: {},
    defaultCountry: { attribute: 'default-country' },
    mobileOnly: { attribute: 'mobile-only', type: Boolean, reflect: true },
    intent: { reflect: true },
    purpose: {},
    strings: { attribute: false },
  };

  /**
   * Loads the formatting module (libphonenumber-js core, no metadata) once per page.
   * Called after the first render, while the element fetches its server's metadata
   * (`GET {endpoint}/metadata`); override it in a subclass to load another build, or none.
   */
  static loadFormatting(): Promise<PhoneFormatting> {
    return loadFormattingChunk();
  }

  /** Where the server plugin's router is mounted. */
  declare endpoint: string;
  /** ISO 3166-1 alpha-2 country preselected for national numbers; else the server's default, else the browser language's region. */
  declare defaultCountry: string | undefined;
  /** Accept only mobile numbers. Off by default: the server decides which numbers it takes. */
  declare mobileOnly: boolean;
  /** What the number is proven for: `signin` (default), `verify`, `link` or `stepup`. Sent with the start request. */
  declare intent: Intent;
  /** With `intent="verify"`: the purpose the phone proof carries. */
  declare purpose: string | undefined;
  /** Replacements for any of the messages of the current language (see `PhoneVerifyMessages`). */
  declare strings: PhoneVerifyStrings | undefined;
  readonly #language = new LanguageController(this);
  readonly #flow = new FlowController(this, {
    // The phone step shows in its language, with its country list and knowing whether a reloaded page left a code on its way (GET /status, asked by the code step's chunk): these waited for up to 3 s.
    ready: () => Promise.all([this.#language.ready, atMost(Promise.all([this.#country.load(), this.#codeStep.load().then((c) => c.pending)]), 3000)]),
    configured: () => this.#country.pick(),
    sent: () => this.#codeStep.step?.set(''),
    navigate: (url) => this.navigate(url),
  });
  readonly #country: CountryFieldController = new CountryFieldController(this, {
    config: () => this.#flow.config,
    wanted: () => this.defaultCountry,
    tag: () => this.#language.tag,
    chosen: () => this.#phone.countryChosen(),
    results: (count) => format(this.#messages.countryResults, { count }),
    busy: () => this.#flow.busy,
    root: () => this.renderRoot,
    adopt: (styles) => this.#adopt(styles),
    updateNow: () => this.performUpdate(),
  });
  readonly #phone = new PhoneInputController(this, {
    country: () => this.#country.selected,
    select: (country) => void (this.#country.selected = country),
    allowed: () => this.#flow.config?.countries ?? [],
  });
  /** Adds the rules the country list's and the code step's chunks bring. */
  readonly #adopt = chunkStyles(this);
  /** The code step and the intents' steps, once their chunk has arrived. */
  readonly #codeStep: CodeStepLoader = new CodeStepLoader(this, {
    flow: this.#flow,
    messages: () => this.#messages,
    locale: () => this.locale,
    disabled: () => this.isDisabled,
    root: () => this.renderRoot,
    adopt: this.#adopt,
  });

  constructor() {
    super();
    this.endpoint = '/auth/phone';
    this.defaultCountry = undefined;
    this.mobileOnly = false;
    this.intent = 'signin';
    this.purpose = undefined;
    this.strings = undefined;
  }

  /** The current step: `loading`, `enter-phone`, `sending`, `enter-code`, `verifying`, `done` or `error`. */
  get step(): PhoneVerifyStep {
    return publicStep(this.#flow.state.step) as PhoneVerifyStep;
  }

  /** The language tag in effect (own `lang`, nearest ancestor's, the document's, the browser's): names countries and is sent to the server. */
  get locale(): string {
    return safeLocale(this.closest<HTMLElement>('[lang]')?.lang || document.documentElement.lang || navigator.language);
  }

  /** The selected country (ISO 3166-1 alpha-2), `''` before the configuration loads. */
  get selectedCountry(): string {
    return this.#country.selected;
  }

  /** After success the verified number in E.164 (with `intent="verify"` the phone proof, which a form handler can trust), else `''`. Also the form value. */
  get value(): string {
    const state = this.#flow.state;
    if (state.step !== 'done') return '';
    return this.intent === 'verify' ? (state.proof ?? '') : state.phone;
  }

  /**
   * After a `phone-verify-challenge` event: sends the request the server stopped again,
   * with `token` (the page's challenge answer) as `challengeToken`. Does nothing otherwise.
   */
  submitChallenge(token: string): void {
    this.#flow.submitChallenge(token);
  }

  /** Back to the phone step with everything cleared, as `form.reset()` does to a field. */
  formResetCallback(): void {
    this.#phone.set('');
    this.#country.combo?.close();
    this.#flow.reset();
    this.#country.pick();
  }

  /** The custom states: the step (`:state(enter-code)`), and `disabled`. */
  protected get customStates(): readonly string[] {
    return [this.step];
  }

  protected get missingValue(): [string, HTMLElement | undefined] {
    return [this.#messages.notVerified, this.renderRoot.querySelector<HTMLElement>('#phone, #code') ?? undefined];
  }

  /** The formatter, once formatting has loaded (module and metadata); `undefined` before, or if it never does. */
  protected get formatter(): PhoneFormatter | undefined {
    return this.#phone.formatter;
  }

  protected override firstUpdated(): void {
    // After the first render, so the chunks and the metadata never delay it.
    setTimeout(() => this.#loadChunks());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('endpoint') && changed.get('endpoint') !== undefined && this.isConnected) void this.#flow.load();
    if (changed.has('defaultCountry') && this.#flow.state.step === 'enter-phone') this.#country.follow();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The step on the host too: a MutationObserver on the page (puppeteer's locators use one) sees
    // nothing in the shadow root, so a look made while loading would never be repeated. Read-only.
    if (this.getAttribute('step') !== this.step) this.setAttribute('step', this.step);
  }

  /** Follows the server's `redirect` after sign-in (http and https only). */
  protected navigate(url: string): void {
    const target = new URL(url, window.location.href);
    if (target.protocol === 'http:' || target.protocol === 'https:') window.location.assign(target.href);
  }

  get #messages(): PhoneVerifyMessages {
    return mergeMessages(this.strings, this.#language.messages);
  }

  #loadChunks(): void {
    this.#country.load().catch(() => undefined);
    this.#codeStep.load().catch(() => undefined);
    this.#phone.load((this.constructor as typeof PhoneVerify).loadFormatting, this.#flow.client, this.mobileOnly);
  }

  async #handlePhoneSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const phone = this.#phone;
    if (this.#flow.state.step !== 'enter-phone' || this.isDisabled || phone.checking) return;
    const country = this.#country.selected;
    // Synchronous unless `mobile-only` has to wait for the mobile check.
    const problem = phone.problem() ?? (this.mobileOnly ? await phone.mobileProblem() : undefined);
    if (problem) return void this.#flow.apply({ type: 'invalid', error: problem });
    this.#flow.start(
      { phone: phone.value.trim(), ...(country ? { country } : {}), ...intentFields(knownIntent(this.intent), this.purpose) },
      (e164) => phone.display(e164),
      () => this.#codeStep.load(),
    );
  }

  /** Step-up sends no number: the server uses the account's, and the code step shows it masked. */
  #handleStepUpSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.#flow.state.step !== 'enter-phone' || this.isDisabled) return;
    this.#flow.start(
      { phone: '', intent: 'stepup' },
      (e164) => this.#codeStep.intents!.maskedTail(e164),
      () => this.#codeStep.load(),
    );
  }

  /** The step being rendered shows the error region itself (the phone step, under the number). */
  #errorPlaced = false;

  #renderStep(m: PhoneVerifyMessages, error: string, errorBox: TemplateResult): TemplateResult | typeof nothing {
    const state = this.#flow.state;
    const disabled = this.isDisabled;
    const code = state.error?.code;
    switch (state.step) {
      case 'loading':
      case 'error': {
        // After "Try again" the button stays, off (aria-disabled keeps focus on it), while loading.
        const waiting = state.step === 'loading';
        if (waiting && !state.retry) return html`<p class="hint">${m.loading}</p>`;
        return html`<button id="retry" part="retry" class="secondary" type="button" aria-disabled=${waiting} @click=${() => waiting || this.#flow.load(true)}>${m.retry}</button>`;
      }
      case 'enter-phone':
      case 'sending':
        // Step-up's chunk is in before the step shows, unless it took over 3 s (then it shows on arrival).
        if (knownIntent(this.intent) === 'stepup')
          return (
            this.#codeStep.intents?.renderStepUpStep(html, { m, locked: state.step === 'sending', disabled, submit: (e) => this.#handleStepUpSubmit(e) }) ??
            nothing
          );
        this.#errorPlaced = true;
        return renderPhoneStep({
          m,
          field: this.#country,
          locked: state.step === 'sending',
          disabled,
          phone: this.#phone,
          error: code,
          errorBox,
          submit: (event) => void this.#handlePhoneSubmit(event),
          focus: () => this.#loadChunks(),
          edit: () => this.#flow.apply({ type: 'edit' }),
        });
      case 'done':
        return this.#codeStep.intents?.renderDone(html, m, knownIntent(this.intent)) ?? nothing;
    }
    return this.#codeStep.step?.render(error) ?? nothing;
  }

  override render(): TemplateResult {
    const m = this.#messages;
    const state = this.#flow.state;
    const rtl = isRightToLeft(this.locale);
    // Named as the list names it (Intl), a refused country too.
    const countryName = (code: string) => regionName(code, this.#language.tag || 'en');
    // The code step shows its error right under the code field, the phone step under the number (issue 13); the others below the step.
    const error = errorText(state.error, m, this.locale, countryName, state.step === 'error', this.#flow.codeLength);
    const errorBox = html`<div id="error" part="error" class="error" role=${this.#codeStep.step?.announce === false ? nothing : 'alert'} tabindex="-1">${error}</div>`;
    this.#errorPlaced = false;
    const step = this.#renderStep(m, error, errorBox);
    return html`
      <div part="base" dir=${this.hasAttribute('dir') ? nothing : rtl ? 'rtl' : 'ltr'} lang=${this.#language.shipped}>
        ${step} ${'challenge' in state && state.challenge ? challengeSlot : nothing}
        ${'sent' in state || this.#errorPlaced ? nothing : errorBox}
        <div class="visually-hidden" role="status">${this.#codeStep.step?.notice()}</div>
        <div class="visually-hidden" role="status">${this.#country.combo?.notice}</div>
      </div>
    `;
  }
}
