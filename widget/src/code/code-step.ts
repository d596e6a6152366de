// widget/src/code/code-step.ts
// The code step: its template, the code field's behaviour (digits only, a pasted
// message reduced to its code, a whole code submitted at once) and WebOTP. Not needed
// for the first render, so it is its own chunk: fetched after the first render and
// awaited, if it has not arrived, before a code is asked for. It imports nothing at
// run time (Lit's `html` and the helpers it shares come in as `CodeStepTools`), so
// the bundler keeps Lit and the rest in phone-verify.js instead of splitting out a
// shared chunk.

import type { Channel, StatusResponse } from '@phone-verify/server-plugin/protocol';
import type { css, CSSResult, html as litHtml, nothing, ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import { codeStepStyles } from './code-step.styles.js';
import type { formatSeconds } from './countdown.js';
import type { FlowController } from '../flow/flow-controller.js';
import type { formatDuration } from '../i18n.js';
import type { isolate } from '../i18n/flow-text.js';
import type { format, PhoneVerifyMessages } from '../messages.js';
import type { extractCode, toAsciiDigits } from '../text.js';

/** What the chunk uses from the first-render bundle, passed in rather than imported. */
export interface CodeStepTools {
  html: typeof litHtml;
  css: typeof css;
  /** Lit's `nothing`: an attribute bound to it is left out. */
  nothing: typeof nothing;
  extractCode: typeof extractCode;
  toAsciiDigits: typeof toAsciiDigits;
  format: typeof format;
  formatDuration: typeof formatDuration;
  formatSeconds: typeof formatSeconds;
  /** A number kept left to right inside right-to-left text. */
  isolate: typeof isolate;
}

export interface CodeStepOptions {
  flow: FlowController;
  tools: CodeStepTools;
  messages(): PhoneVerifyMessages;
  /** The language tag in effect, for durations. */
  locale(): string;
  disabled(): boolean;
  /** Where the step renders (the shadow root). */
  root(): ParentNode;
  /** Adds the step's rules to the element's styles. */
  adopt(styles: CSSResult): void;
}

/**
 * The English of the code step's expiry sentences: they travel with this chunk, not the
 * first render (each shipped language has its own in its locale file).
 */
export const codeStepEnglish = {
  expiresIn: 'Code expires in {time}',
  expiresSoon: 'The code expires in {time}.',
  codeExpired: 'This code has expired. Ask for a new one.',
  sendNewCode: 'Send a new code',
  newestCode: 'Use the newest code we sent.',
};

type CodeMessages = PhoneVerifyMessages & typeof codeStepEnglish;

const withEnglish = (m: PhoneVerifyMessages): CodeMessages => ({ ...codeStepEnglish, ...m }) as CodeMessages;

/** Steps in which the element waits for a code (not while one is being checked). */
const WAITING = /^(enter-code|resending|canceling)$/;

/**
 * The code field and WebOTP (https://developer.chrome.com/docs/identity/web-apis/web-otp):
 * Android Chrome offers the code from an SMS whose last line is `@host #code`; one
 * request while the step waits for a code, aborted as soon as it stops waiting.
 */
export class CodeStepController implements ReactiveController {
  /** What the field holds: digits only. */
  value = '';
  #host: ReactiveControllerHost;
  #options: CodeStepOptions;
  #otp: AbortController | undefined;
  /** `GET /status`, asked once when the chunk arrives: a code this session has on its way (the page was reloaded). */
  pending: Promise<StatusResponse | undefined>;
  /** The code last shown, and the one a resend brought (a second code in one code step): see render. */
  #seen: unknown;
  #resent: unknown;
  /** The code whose last minute was announced. */
  #warned: unknown;
  /** `resume` has run (it runs once). */
  #resumed = false;
  /** Focus was inside the element when the update began. */
  #hadFocus = false;
  /** The flow state the last update began with. */
  #began: unknown;
  /** The state whose error its field's description says (focus moved onto the field with it): its region is no alert then. */
  #described: unknown;

  constructor(host: ReactiveControllerHost, options: CodeStepOptions) {
    this.#host = host;
    this.#options = options;
    this.pending = options.flow.client.status().catch(() => undefined);
    options.adopt(codeStepStyles(options.tools.css));
    host.addController(this);
  }

  hostConnected(): void {
    this.hostUpdated();
  }

  hostUpdate(): void {
    const active = this.#active();
    this.#hadFocus = !!active;
    // An error and a move of focus onto its field in one update (the flow moves focus once
    // per state, in the update that state first renders): the field's description
    // (aria-describedby) says the error as focus lands, so its region is no alert: said
    // once, not twice. When focus is already on the field, the alert says it.
    const state = this.#options.flow.state;
    if (state === this.#began) return;
    this.#began = state;
    const field = state.focus === 'code-select' ? 'code' : state.focus;
    if (state.error && (field === 'phone' || field === 'code') && active?.id !== field) this.#described = state;
  }

  /** False while the shown error is said by its field's description instead of an alert (see hostUpdate). */
  get announce(): boolean {
    return this.#options.flow.state !== this.#described;
  }

  #active(): HTMLElement | null {
    return (this.#options.root() as ShadowRoot).activeElement as HTMLElement | null;
  }

  hostUpdated(): void {
    // A pressed button turned off while its request is pending (or left with its step):
    // focus would drop to the page's <body>. It goes to the step's field instead (read-only
    // while pending). After the flow's own move of focus, which runs first (its controller came first).
    const active = this.#active();
    if (this.#hadFocus && (!active || active.matches(':disabled'))) {
      this.#options.root().querySelector<HTMLElement>('#code:not(:disabled), #phone:not(:disabled), #retry, #done')?.focus();
    }
    // The segmented look needs the code length in CSS. Set through the CSSOM: a strict
    // Content-Security-Policy blocks style attributes (and styleMap's first render is one).
    const input = this.#options.root().querySelector<HTMLInputElement>('#code');
    input?.style.setProperty('--length', String(input.maxLength));
    const state = this.#options.flow.state;
    if (!('sent' in state)) this.value = this.#seen = '';
    // A minute before the code expires, said once (the countdown itself is never read out every second).
    const flow = this.#options.flow;
    if ('sent' in state && state.sent !== this.#warned && state.sent.expiresIn > 90 && flow.expiry.remaining === 60) {
      this.#warned = state.sent;
      queueMicrotask(() => flow.apply({ type: 'expiring' }));
    }
    // The first phone step: resume at the code step if a reloaded page left a code on its way.
    if (state.step === 'enter-phone' && !this.#resumed) {
      this.#resumed = true;
      void this.resume();
    }
    if (!WAITING.test(state.step)) this.#stopOtp();
    else if (!this.#otp) this.#startOtp();
  }

  hostDisconnected(): void {
    this.#stopOtp();
  }

  /**
   * After a reload: back at the code step of the verification the server still holds,
   * sending nothing (or at "Send a new code" if its time ran out). Once, from the first phone step.
   */
  async resume(): Promise<void> {
    const status = await this.pending;
    const { flow } = this.#options;
    if (!status || status.status === 'none' || flow.state.step !== 'enter-phone') return;
    // The number as the server shows it, masked (+44 ••••••3456): the page keeps no copy of it (no storage);
    // once the code is right, the server's answer gives the form its value.
    const pending = status.status === 'pending';
    flow.apply({ type: 'send' });
    const times = pending ? { expiresIn: status.expiresIn, resendAfter: status.resendAfter } : { expiresIn: 0, resendAfter: 0 };
    flow.apply({ type: 'sent', sent: { phone: status.phone, e164: '', channel: status.channel, ...times } });
    if (pending) {
      flow.countdown.start(status.resendAfter);
      flow.expiry.start(status.expiresIn);
    } else flow.apply({ type: 'expired' });
  }

  /** Sets the code (`''` when a new one went out). */
  set(code: string): void {
    this.value = code;
    this.#host.requestUpdate();
  }

  /** Checks a whole code; says how many digits are missing otherwise. */
  submit(): void {
    const { flow, disabled } = this.#options;
    if (flow.state.step !== 'enter-code' || disabled()) return;
    if (this.value.length !== flow.codeLength) flow.apply({ type: 'invalid', error: { code: 'code_incomplete' } });
    else flow.verify(this.value);
  }

  /**
   * What the status region says about the code: it went out (and when another may be
   * asked for), another may be asked for now, it expires in a minute, it has expired.
   * Said at those moments only, never every second of a countdown.
   */
  notice(): string {
    const state = this.#options.flow.state;
    const m = withEnglish(this.#options.messages());
    // A request under way is said too ("Checking…", "Sending…"), not only shown on a button.
    if (state.step === 'verifying') return m.verifying;
    if (state.step === 'resending') return m.sending;
    if (!('sent' in state) || !state.notice) return '';
    const { format, formatDuration, isolate } = this.#options.tools;
    const locale = this.#options.locale();
    if (state.notice === 'ready') return m.resendReady;
    if (state.notice === 'expired') return m.codeExpired;
    if (state.notice === 'expiring') return format(m.expiresSoon, { time: formatDuration(60, locale) });
    const { phone, channel, resendAfter } = state.sent;
    let sent = format(m.sentNotice, { phone: isolate(phone, locale), channel: m.channelName[channel] });
    if (this.#resent === state.sent) sent += ` ${m.newestCode}`;
    return resendAfter > 0 ? `${sent} ${format(m.resendNotice, { time: formatDuration(resendAfter, locale) })}` : sent;
  }

  /** The step's template for the current state (a code step), with `error` (the shown error's sentence) under the field. */
  render(error: string): TemplateResult | undefined {
    const { flow, tools, locale } = this.#options;
    const state = flow.state;
    if (!('sent' in state)) return undefined;
    const { format, formatDuration } = tools;
    const m = withEnglish(this.#options.messages());
    const sent = state.sent;
    // A second code in one code step came from a resend: most providers sent a new code, so the earlier one
    // may not work; where the server says it is the same code (Twilio), nothing needs saying.
    if (sent !== this.#seen) {
      if (this.#seen && !sent.sameCode) this.#resent = sent;
      this.#seen = sent;
    }
    const label = sent.channel === 'voice' ? m.codeLabelVoice : sent.channel === 'flashcall' ? m.codeLabelFlashcall : m.codeLabel;
    const [before, after] = format(label, { count: String(flow.codeLength) }).split('{phone}');
    const disabled = this.#options.disabled();
    const busy = flow.busy || disabled;
    const code = state.error?.code ?? '';
    return renderCodeStep(tools.html, {
      m,
      // The number in a span that never wraps: "+44 7400 123456" stays on one line on a phone.
      // (A label without the number, the flash call's, has none.)
      label: after === undefined ? tools.html`${before}` : tools.html`${before}<span class="number">${tools.isolate(sent.phone, locale())}</span>${after}`,
      // A live "Code expires in 4:12" (a description, not a live region: the status region speaks a minute before and at the end).
      hint: state.expired
        ? m.codeExpired
        : flow.expiry.running
          ? format(m.expiresIn, { time: tools.formatSeconds(flow.expiry.remaining) }) + (this.#resent === sent ? `. ${m.newestCode}` : '')
          : sent.expiresIn > 0
            ? format(m.expiresHint, { time: formatDuration(sent.expiresIn, locale()) })
            : '',
      expired: !!state.expired,
      error,
      announce: this.announce,
      nothing: tools.nothing,
      pending: flow.busy,
      length: flow.codeLength,
      code: this.value,
      invalid: code === 'invalid_code' || code === 'code_incomplete',
      verifying: state.step === 'verifying',
      busy,
      disabled,
      format,
      time: flow.countdown.running && !state.expired ? tools.formatSeconds(flow.countdown.remaining) : '',
      channel: sent.channel,
      others: (flow.config?.channels ?? []).filter((c) => c !== sent.channel),
      submit: this.#submit,
      input: this.#input,
      paste: this.#paste,
      back: () => flow.cancel(),
      resend: (channel) => flow.resend(channel),
    });
  }

  #submit = (event: SubmitEvent): void => {
    event.preventDefault();
    this.submit();
  };

  #input = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const length = this.#options.flow.codeLength;
    const digits = this.#options.tools.toAsciiDigits(input.value).replace(/\D/g, '').slice(0, length);
    if (digits !== input.value) input.value = digits;
    this.#options.flow.apply({ type: 'edit' });
    this.set(digits);
    if (digits.length === length) this.submit();
  };

  #paste = (event: ClipboardEvent): void => {
    const input = event.target as HTMLInputElement;
    const length = this.#options.flow.codeLength;
    event.preventDefault();
    const pasted = this.#options.tools.extractCode(event.clipboardData?.getData('text') ?? '', length);
    if (!pasted) return;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    const merged = pasted.length >= length ? pasted : input.value.slice(0, start) + pasted + input.value.slice(end);
    input.value = merged.replace(/\D/g, '').slice(0, length);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };

  #startOtp(): void {
    if (!('OTPCredential' in window) || !navigator.credentials?.get) return;
    const request = (this.#otp = new AbortController());
    const options = { otp: { transport: ['sms'] }, signal: request.signal } as CredentialRequestOptions;
    navigator.credentials.get(options).then(
      (credential) => {
        const code = (credential as (Credential & { code?: string }) | null)?.code;
        if (request.signal.aborted || !code || !WAITING.test(this.#options.flow.state.step)) return;
        this.set(this.#options.tools.extractCode(code, this.#options.flow.codeLength));
        this.submit();
      },
      () => {
        // Aborted, dismissed or unsupported: the user types the code.
      },
    );
  }

  #stopOtp(): void {
    this.#otp?.abort();
    this.#otp = undefined;
  }
}

interface CodeStepProps {
  m: CodeMessages;
  /** The field's label, number included. */
  label: TemplateResult;
  /** "Code expires in 4:12", "This code has expired…", or empty. */
  hint: string;
  /** The code's time is up: "Send a new code" instead of "Send again". */
  expired: boolean;
  /** The error's sentence, shown (and announced) right under the code field. */
  error: string;
  /** The error region is an alert (false when the field's description says the error as focus lands on it). */
  announce: boolean;
  nothing: CodeStepTools['nothing'];
  /** A request of the step is under way (`aria-busy`). */
  pending: boolean;
  length: number;
  code: string;
  invalid: boolean;
  verifying: boolean;
  /** Buttons off: a request is pending or the element is disabled. */
  busy: boolean;
  disabled: boolean;
  format: CodeStepTools['format'];
  /** "0:27" while another code may not be asked for yet, else empty. */
  time: string;
  channel: Channel;
  /** The other channels, one button each. */
  others: Channel[];
  submit: (event: SubmitEvent) => void;
  input: (event: Event) => void;
  paste: (event: ClipboardEvent) => void;
  back: () => void;
  resend: (channel: Channel) => void;
}

/** "Send again" (the same channel) or "Call me instead" (another): off while a request is pending or the countdown runs. */
const resendButton = (html: typeof litHtml, p: CodeStepProps, channel: Channel, text: string): TemplateResult =>
  html`<button
    id=${channel === p.channel ? 'resend' : `channel-${channel}`}
    part=${channel === p.channel ? 'resend' : 'channel'}
    class="secondary"
    type="button"
    data-channel=${channel}
    ?disabled=${p.busy || !!p.time}
    @click=${() => p.resend(channel)}
  >
    ${text}
  </button>`;

function renderCodeStep(html: typeof litHtml, p: CodeStepProps): TemplateResult {
  const { m, format } = p;
  return html`
    <form part="form" novalidate aria-busy=${p.pending ? 'true' : 'false'} @submit=${p.submit}>
      <div class="field">
        <label for="code">${p.label}</label>
        <input
          id="code"
          part="code-input"
          class="code"
          name="code"
          type="text"
          dir="ltr"
          autocomplete="one-time-code"
          inputmode="numeric"
          spellcheck="false"
          autocapitalize="off"
          required
          maxlength=${p.length}
          pattern=${`\\d{${p.length}}`}
          aria-describedby="code-hint error"
          aria-invalid=${p.invalid ? 'true' : 'false'}
          ?disabled=${p.disabled}
          ?readonly=${p.verifying}
          .value=${p.code}
          @input=${p.input}
          @paste=${p.paste}
        />
        <div id="error" part="error" class="error" role=${p.announce ? 'alert' : p.nothing} tabindex="-1">${p.error}</div>
        <p id="code-hint" part="hint" class=${p.expired ? 'hint expired' : 'hint'}>${p.hint}</p>
      </div>
      <button part="submit" class="primary" type="submit" ?disabled=${p.busy}>${p.verifying ? m.verifying : m.verify}</button>
      <div class="resend">
        ${p.time ? html`<p part="countdown" class="countdown">${format(m.resendIn, { time: p.time })}</p>` : resendButton(html, p, p.channel, p.expired ? m.sendNewCode : m.resend)}
        ${p.others.map((channel) =>
          // Shown while the countdown runs too, off and with its time, so the way to a call is known before it opens (and nothing jumps when it does).
          // The middle dot joins them in every language (no sentence to translate).
          resendButton(html, p, channel, p.time ? `${m.channelButton[channel]} · ${p.time}` : m.channelButton[channel]),
        )}
      </div>
      <button part="back" class="link" type="button" ?disabled=${p.busy} @click=${p.back}>${m.useAnotherNumber}</button>
    </form>
  `;
}
