// widget/src/code/code-step.ts
// The code step's controller: focus and the error region across its updates, the resume
// after a reload, and the values of its template. The code field and WebOTP are in
// code-field.ts, what the step says about its code in code-notices.ts, the template in
// code-step-template.ts: imported by this file only, they are one chunk with it. Not needed
// for the first render, so it is its own chunk: fetched after the first render and
// awaited, if it has not arrived, before a code is asked for. It imports nothing at
// run time (Lit's `html` and the helpers it shares come in as `CodeStepTools`), so
// the bundler keeps Lit and the rest in phone-verify.js instead of splitting out a
// shared chunk.

import type { StatusResponse } from '@phone-verify/server-plugin/protocol';
import type { css, CSSResult, html as litHtml, nothing, ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import { CodeField } from './code-field.js';
import { CodeNotices, withEnglish } from './code-notices.js';
import { renderCodeStep } from './code-step-template.js';
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

export { codeStepEnglish } from './code-notices.js';

/**
 * The code step: made when its chunk arrives, it renders the step whenever the flow is in one
 * (`render`, `notice`, `announce`) and resumes a code a reloaded page left on its way (`resume`).
 */
export class CodeStepController implements ReactiveController {
  #options: CodeStepOptions;
  readonly #field: CodeField;
  readonly #notices: CodeNotices;
  /** `GET /status`, asked once when the chunk arrives: a code this session has on its way (the page was reloaded). */
  pending: Promise<StatusResponse | undefined>;
  /** `resume` has run (it runs once). */
  #resumed = false;
  /** Focus was inside the element when the update began. */
  #hadFocus = false;
  /** The flow state the last update began with. */
  #began: unknown;
  /** The state whose error its field's description says (focus moved onto the field with it): its region is no alert then. */
  #described: unknown;

  constructor(host: ReactiveControllerHost, options: CodeStepOptions) {
    this.#options = options;
    this.#field = new CodeField(host, options);
    this.#notices = new CodeNotices(options);
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
    if (!('sent' in state)) this.#field.value = '';
    this.#notices.follow();
    // The first phone step: resume at the code step if a reloaded page left a code on its way.
    if (state.step === 'enter-phone' && !this.#resumed) {
      this.#resumed = true;
      void this.resume();
    }
    this.#field.follow();
  }

  hostDisconnected(): void {
    this.#field.stop();
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
    this.#notices.resuming();
    flow.apply({ type: 'send' });
    const times = pending ? { expiresIn: status.expiresIn, resendAfter: status.resendAfter } : { expiresIn: 0, resendAfter: 0 };
    flow.apply({ type: 'sent', sent: { phone: status.phone, e164: '', channel: status.channel, ...times } });
    if (pending) {
      flow.countdown.start(status.resendAfter);
      flow.expiry.start(status.expiresIn);
    } else flow.apply({ type: 'expired' });
  }

  /** What the code field holds: digits only. */
  get value(): string {
    return this.#field.value;
  }

  /** Sets the code (`''` when a new one went out). */
  set(code: string): void {
    this.#field.set(code);
  }

  /** Checks a whole code; says how many digits are missing otherwise. */
  submit(): void {
    this.#field.submit();
  }

  /** What the status region says about the code (see CodeNotices). */
  notice(): string {
    return this.#notices.notice();
  }

  /** The step's template for the current state (a code step), with `error` (the shown error's sentence) under the field. */
  render(error: string): TemplateResult | undefined {
    const { flow, tools, locale } = this.#options;
    const state = flow.state;
    if (!('sent' in state)) return undefined;
    const { format } = tools;
    const m = withEnglish(this.#options.messages());
    const sent = state.sent;
    this.#notices.see(sent);
    const label = sent.channel === 'voice' ? m.codeLabelVoice : sent.channel === 'flashcall' ? m.codeLabelFlashcall : m.codeLabel;
    const [before, after] = format(label, { count: String(flow.codeLength) }).split('{phone}');
    const disabled = this.#options.disabled();
    const busy = flow.busy || disabled;
    const code = state.error?.code ?? '';
    return renderCodeStep(tools.html, {
      m,
      // The number in a span that never wraps: "+44 7400 123456" stays on one line on a phone.
      // `dir="ltr"` isolates it as the isolate characters do, also where an engine ignores
      // those (WebKit drew "123456 7400 44+" in Arabic). (The flash call's label has no number.)
      label:
        after === undefined ? tools.html`${before}` : tools.html`${before}<span class="number" dir="ltr">${tools.isolate(sent.phone, locale())}</span>${after}`,
      hint: this.#notices.hint(sent, !!state.expired, m),
      expired: !!state.expired,
      error,
      announce: this.announce,
      nothing: tools.nothing,
      pending: flow.busy,
      length: flow.codeLength,
      code: this.#field.value,
      invalid: code === 'invalid_code' || code === 'code_incomplete',
      verifying: state.step === 'verifying',
      busy,
      disabled,
      format,
      time: flow.countdown.running && !state.expired ? tools.formatSeconds(flow.countdown.remaining) : '',
      channel: sent.channel,
      others: (flow.config?.channels ?? []).filter((c) => c !== sent.channel),
      submit: this.#field.onSubmit,
      input: this.#field.onInput,
      paste: this.#field.onPaste,
      back: this.#stepUp() ? undefined : () => flow.cancel(),
      resend: (channel) => flow.resend(channel),
    });
  }

  /** Read from the host here, in the lazy chunk, so the first render carries nothing for it. */
  #stepUp(): boolean {
    const host = (this.#options.root() as ShadowRoot).host as { intent?: unknown } | undefined;
    return (
      String(host?.intent ?? '')
        .trim()
        .toLowerCase() === 'stepup'
    );
  }
}
