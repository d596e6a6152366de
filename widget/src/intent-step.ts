// widget/src/intent-step.ts
// The first step of `intent="stepup"`: no number to type (the server takes the one on
// the account, never one from the page), just what will happen and a "Send code" button.

import { html, type TemplateResult } from 'lit';
import type { PhoneVerifyMessages } from './messages.js';

/** The last four digits only, as the code step shows the account's number: `•••• 3456`. */
export function maskedTail(e164: string): string {
  return `•••• ${e164.replace(/\D/g, '').slice(-4)}`;
}

export function renderStepUpStep(p: { m: PhoneVerifyMessages; locked: boolean; disabled: boolean; submit: (event: SubmitEvent) => void }): TemplateResult {
  const { m, locked, disabled } = p;
  return html`
    <form part="form" novalidate @submit=${p.submit} aria-describedby="stepup-hint error">
      <p id="stepup-hint" part="hint" class="hint">${m.stepUpPrompt}</p>
      <button part="submit" class="primary" type="submit" ?disabled=${locked || disabled}>${locked ? m.sending : m.sendCode}</button>
    </form>
  `;
}
