// widget/src/code/code-step.ts
// The code step's template. Not needed for the first render, so it is its own chunk:
// fetched after the first render and awaited, if it has not arrived, before a code
// is asked for. Listeners are the element's own methods (Lit calls them on the host).
// It imports nothing at run time (Lit's `html` is passed in), so the bundler keeps
// Lit and the rest in phone-verify.js instead of splitting out a shared chunk.

import type { Channel } from '@phone-verify/server-plugin/protocol';
import type { html as litHtml, TemplateResult } from 'lit';
import type { PhoneVerifyMessages } from '../messages.js';

export interface CodeStepProps {
  m: PhoneVerifyMessages;
  /** The field's label, number included. */
  label: string;
  /** "The code is valid for 5 minutes", or empty. */
  hint: string;
  length: number;
  code: string;
  invalid: boolean;
  verifying: boolean;
  /** Buttons off: a request is pending or the element is disabled. */
  busy: boolean;
  disabled: boolean;
  /** "Send again in 0:27" while another code may not be asked for yet, else empty (the buttons show). */
  wait: string;
  channel: Channel;
  /** The other channels, one button each. */
  others: Channel[];
  submit: (event: SubmitEvent) => void;
  input: (event: Event) => void;
  paste: (event: ClipboardEvent) => void;
  back: () => void;
  resend: (channel: Channel) => void;
}

export function renderCodeStep(html: typeof litHtml, p: CodeStepProps): TemplateResult {
  const m = p.m;
  return html`
    <form part="form" novalidate @submit=${p.submit}>
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
        <p id="code-hint" part="hint" class="hint">${p.hint}</p>
      </div>
      <button part="submit" class="primary" type="submit" ?disabled=${p.busy}>${p.verifying ? m.verifying : m.verify}</button>
      <div class="resend">
        ${p.wait
          ? html`<p part="countdown" class="countdown">${p.wait}</p>`
          : [p.channel, ...p.others].map(
              (channel) =>
                html`<button
                  part=${channel === p.channel ? 'resend' : 'channel'}
                  class="secondary"
                  type="button"
                  data-channel=${channel}
                  ?disabled=${p.busy}
                  @click=${() => p.resend(channel)}
                >
                  ${channel === p.channel ? m.resend : m.channelButton[channel]}
                </button>`,
            )}
      </div>
      <button part="back" class="link" type="button" ?disabled=${p.busy} @click=${p.back}>${m.useAnotherNumber}</button>
    </form>
  `;
}
