// widget/src/country/combobox.styles.ts
// The rules only the open country popup (search box and list) uses, in its chunk: added to the element's
// styles when the chunk arrives, before the list first opens. Lit's `css` is passed
// in, so the chunk imports nothing at run time (see combobox.ts).

import type { css as litCss, CSSResult } from 'lit';

export const comboboxStyles = (css: typeof litCss): CSSResult => css`
  /* Under the field row, as wide as it (never clipped at 320 px), over what follows it only. */
  .popup {
    position: absolute;
    z-index: 1;
    inset-inline: -1px;
    top: calc(100% + 0.25rem);
    box-sizing: border-box;
    padding: 0.25rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
    box-shadow: 0 0.25rem 1rem rgb(0 0 0 / 0.2);
    text-align: start;
  }

  [role='listbox'] {
    max-height: var(--phone-verify-list-height, 16rem);
    margin: 0.25rem 0 0;
    padding: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    list-style: none;
  }

  [role='option'] {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    min-height: 2.5rem;
    padding: 0.25rem 0.5rem;
    border-radius: calc(var(--_radius) / 2);
    cursor: pointer;
  }

  [role='option'][aria-selected='true'] {
    font-weight: 600;
  }

  [role='option'][aria-disabled='true'] {
    color: var(--_muted);
    cursor: default;
  }

  [part~='active'] {
    background: var(--_accent);
    color: var(--_accent-text);
  }

  @media (forced-colors: active) {
    [part~='active'] {
      outline: 2px solid Highlight;
    }
  }
`;
