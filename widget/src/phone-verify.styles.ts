// widget/src/phone-verify.styles.ts
// The element's styles. Every themable value is a --phone-verify-* custom property
// with a light and a dark default.

import { css } from 'lit';

export default css`
  :host {
    --_color: var(--phone-verify-color, #1f1f1f);
    --_muted: var(--phone-verify-muted-color, #4a4a4a);
    --_background: var(--phone-verify-background, #ffffff);
    --_border: var(--phone-verify-border-color, #747775);
    --_accent: var(--phone-verify-accent-color, #0b57d0);
    --_accent-text: var(--phone-verify-accent-text-color, #ffffff);
    --_error: var(--phone-verify-error-color, #b3261e);
    --_radius: var(--phone-verify-radius, 0.5rem);
    --_gap: var(--phone-verify-gap, 0.75rem);
    --_focus: var(--phone-verify-focus-ring, 3px solid var(--_accent));

    display: block;
    max-width: 24rem;
    color: var(--_color);
    font-family: var(--phone-verify-font, system-ui, sans-serif);
    font-size: 1rem;
    line-height: 1.4;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_color: var(--phone-verify-color, #e3e3e3);
      --_muted: var(--phone-verify-muted-color, #c4c7c5);
      --_background: var(--phone-verify-background, #1f1f1f);
      --_border: var(--phone-verify-border-color, #8e918f);
      --_accent: var(--phone-verify-accent-color, #a8c7fa);
      --_accent-text: var(--phone-verify-accent-text-color, #062e6f);
      --_error: var(--phone-verify-error-color, #f2b8b5);
    }
  }

  :host([hidden]) {
    display: none;
  }

  form {
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
  }

  .field {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
  }

  label {
    font-weight: 600;
  }

  .hint,
  .countdown {
    margin: 0;
    color: var(--_muted);
    font-size: 0.875rem;
  }

  input,
  select {
    box-sizing: border-box;
    width: 100%;
    min-height: 2.75rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
    color: inherit;
    font: inherit;
  }

  input[aria-invalid='true'] {
    border-color: var(--_error);
    border-width: 2px;
  }

  /* One real input; the segmented look is spacing and a monospace face only. */
  input.code {
    width: calc(var(--length, 6) * (1ch + var(--phone-verify-code-spacing, 0.5em)) + 1.5rem + 2px);
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 1.5rem;
    letter-spacing: var(--phone-verify-code-spacing, 0.5em);
  }

  button {
    min-height: 2.75rem;
    padding: 0.5rem 1rem;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    font: inherit;
    cursor: pointer;
    transition: background-color 120ms ease, opacity 120ms ease;
  }

  button.primary {
    background: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }

  button.secondary {
    background: transparent;
    color: var(--_accent);
  }

  button.link {
    align-self: flex-start;
    min-height: auto;
    padding: 0.25rem 0;
    border: none;
    background: none;
    color: var(--_accent);
    text-decoration: underline;
  }

  button:disabled {
    cursor: default;
    opacity: 0.7;
  }

  :is(input, select, button, [tabindex]):focus-visible {
    outline: var(--_focus);
    outline-offset: 2px;
  }

  .resend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .error {
    margin-top: var(--_gap);
    color: var(--_error);
    font-weight: 600;
  }

  .error:empty {
    margin: 0;
  }

  .error:focus {
    outline: none;
  }

  .done {
    margin: 0;
    font-weight: 600;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;
