// widget/src/intent-step.ts
// What the intents show: the first step of `intent="stepup"` (no number to type: the
// server takes the one on the account, never one from the page, and the code step shows
// it masked), and the done step's words for each intent.
// A lazy chunk, fetched with the code step's (chunks.ts); like it, it imports nothing at
// run time: Lit's `html` comes in as an argument.

import type { html as litHtml, TemplateResult } from 'lit';
import type { Intent } from '@phone-verify/server-plugin/protocol';
import type { PhoneVerifyMessages } from './messages.js';

/** The last four digits only, as the code step shows the account's number: `•••• 3456`. */
export function maskedTail(e164: string): string {
  return `•••• ${e164.replace(/\D/g, '').slice(-4)}`;
}

export interface StepUpProps {
  m: PhoneVerifyMessages;
  locked: boolean;
  disabled: boolean;
  submit: (event: SubmitEvent) => void;
}

export function renderStepUpStep(html: typeof litHtml, p: StepUpProps): TemplateResult {
  const { m, locked, disabled } = p;
  return html`
    <form part="form" novalidate @submit=${p.submit} aria-describedby="stepup-hint error">
      <p id="stepup-hint" part="hint" class="hint">${m.stepUpPrompt}</p>
      <button part="submit" class="primary" type="submit" ?disabled=${locked || disabled}>${locked ? m.sending : m.sendCode}</button>
    </form>
  `;
}

/** What the done step says, by intent: only a sign-in says "signed in". */
function doneText(m: PhoneVerifyMessages, intent: Intent): string {
  if (intent === 'verify') return m.numberVerified;
  if (intent === 'link') return m.numberLinked;
  if (intent === 'stepup') return m.steppedUp;
  return m.signedIn;
}

export function renderDone(html: typeof litHtml, m: PhoneVerifyMessages, intent: Intent): TemplateResult {
  return html`<p id="done" part="done" class="done" tabindex="-1">${doneText(m, intent)}</p>`;
}
