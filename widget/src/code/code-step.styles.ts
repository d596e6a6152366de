// widget/src/code/code-step.styles.ts
// The rules only the code step uses, in its chunk: added to the element's styles when
// the chunk arrives, before the step first renders. Lit's `css` is passed in, so the
// chunk imports nothing at run time (see code-step.ts).

import type { css as litCss, CSSResult } from 'lit';

export const codeStepStyles = (css: typeof litCss): CSSResult => css`
  /* One real input; the segmented look is spacing and a monospace face only. */
  input.code {
    width: calc(var(--length, 6) * (1ch + var(--phone-verify-code-spacing, 0.5em)) + 1.5rem + 2px);
    max-width: 100%;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 1.5rem;
    letter-spacing: var(--phone-verify-code-spacing, 0.5em);
  }

  button.link {
    align-self: flex-start;
    min-height: 1.5rem;
    padding: 0.25rem 0;
    border: none;
    background: none;
    color: var(--_accent);
    text-decoration: underline;
  }

  label .number {
    white-space: nowrap;
  }

  /* The error sits right under the code field, not below the buttons. */
  .field .error {
    margin: 0;
  }

  /*
   * One row per channel, each a button's height whether it shows the countdown or the
   * button: nothing below moves when the countdown ends (a row that wraps by its text's
   * width would).
   */
  .resend {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 0.5rem;
  }

  .resend .countdown {
    display: flex;
    align-items: center;
    min-height: 2.75rem;
    margin: 0;
  }
`;
