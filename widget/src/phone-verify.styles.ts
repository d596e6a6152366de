// widget/src/phone-verify.styles.ts
// The element's styles. Every themable value is a --phone-verify-* custom property
// with a light and a dark default. Logical properties throughout, so right-to-left
// languages mirror the layout by themselves. The country list's and the code step's
// own rules come with their chunks (country/combobox.styles.ts, code/code-step.styles.ts).

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

  :host([hidden]),
  [hidden] {
    display: none !important;
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

  .hint:empty {
    display: none;
  }

  input {
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

  /* Numbers read left to right, aligned with the rest of a right-to-left layout. */
  [dir='rtl'] input[dir='ltr'] {
    text-align: right;
  }

  input[aria-invalid='true'] {
    border-color: var(--_error);
    border-width: 2px;
  }

  /* The number field: one bordered row, the country button then the number ([GB +44 ▾][07400 123456]). */
  .tel {
    position: relative;
    display: flex;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
  }

  /* Its border says an error as the code field's does (a shadow: nothing moves). */
  .tel:has([aria-invalid='true']) {
    border-color: var(--_error);
    box-shadow: 0 0 0 1px var(--_error);
  }

  .tel > input {
    min-width: 0;
    border: 0;
  }

  /* The country's ISO code in a badge, where other pickers show a flag. */
  .flag {
    min-width: 2rem;
    padding: 0 0.25rem;
    border: 1px solid;
    border-radius: 0.25rem;
    font-size: 0.75rem;
    text-align: center;
  }

  #country {
    display: flex;
    flex: none;
    gap: 0.375rem;
    align-items: center;
    padding: 0 0.625rem;
    border: 0;
    border-inline-end: 1px solid var(--_border);
    border-radius: var(--_radius) 0 0 var(--_radius);
    background: none;
    color: inherit;
    font-weight: 600;
  }

  #country::after {
    content: '';
    width: 0.375rem;
    height: 0.375rem;
    margin: -0.25rem 0 0 0.125rem;
    border: solid;
    border-width: 0 2px 2px 0;
    transform: rotate(45deg);
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

  button:disabled {
    cursor: default;
    opacity: 0.7;
  }

  :is(input, button, [tabindex]):focus-visible {
    outline: var(--_focus);
    outline-offset: 2px;
  }

  /* The page's challenge (CAPTCHA), between the step and its message. */
  ::slotted([slot='challenge']) {
    display: block;
    margin-top: var(--_gap);
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
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
