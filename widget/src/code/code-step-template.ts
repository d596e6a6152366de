// widget/src/code/code-step-template.ts
// The code step's template: the code field with its error and hint, "Verify", "Send again"
// and the other channels, "Use another number". Part of the code step's chunk (only
// code-step.ts imports it): Lit's `html` comes in as an argument, the rest are types.

import type { Channel } from '@phone-verify/server-plugin/protocol';
import type { html as litHtml, TemplateResult } from 'lit';
import type { CodeMessages } from './code-notices.js';
import type { CodeStepTools } from './code-step.js';

export interface CodeStepProps {
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
  /** Back to the number step; absent in a step-up, whose number is the account's, not the person's to change. */
  back: (() => void) | undefined;
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

export function renderCodeStep(html: typeof litHtml, p: CodeStepProps): TemplateResult {
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
      ${p.back ? html`<button part="back" class="link" type="button" ?disabled=${p.busy} @click=${p.back}>${m.useAnotherNumber}</button>` : p.nothing}
    </form>
  `;
}
