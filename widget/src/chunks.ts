// widget/src/chunks.ts
// The element's lazy chunks, each fetched once per page and asked again after a
// failure: formatting (phone/phone-format.ts), the country list (country/combobox.ts)
// and the code step (code/code-step.ts, with intent-step.ts and the rest of English),
// and the styles the country list and the code step bring. None is needed for the first render.

import { adoptStyles, type CSSResult, type LitElement } from 'lit';
import { PhoneVerifyRequestError } from './client.js';
import { loadEnglish } from './messages.js';

/** `load`, once: the same promise to every caller until it fails. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

/** Settles when `promise` does, or after `ms` at the latest; never rejects (a chunk that fails is done without). */
export function atMost(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise.catch(() => undefined), new Promise((settle) => setTimeout(settle, ms))]);
}

export const loadFormattingChunk = once(() => import('./phone/phone-format.js'));
export const loadCombobox = once(() => import('./country/combobox.js'));
/**
 * A code step that cannot load is a network problem to the person: the message says so.
 * What shows from there on comes with it: the rest of English (messages-later.ts) and
 * the intents' steps (intent-step.ts, also the first step of `intent="stepup"`).
 */
export const loadCodeStep = once(() =>
  Promise.all([import('./code/code-step.js'), import('./intent-step.js'), loadEnglish()]).then(
    ([code, intents]) => ({ code, intents }),
    () => {
      throw new PhoneVerifyRequestError('network_error', 'code step did not load');
    },
  ),
);

/**
 * Adds the rules a chunk brings after the element's own. Lit's `adoptStyles` replaces
 * the shadow root's whole list, so the list is kept here and given whole each time.
 */
export function chunkStyles(element: LitElement): (styles: CSSResult) => void {
  const added: CSSResult[] = [];
  return (styles) => {
    added.push(styles);
    adoptStyles(element.renderRoot as ShadowRoot, [...(element.constructor as typeof LitElement).elementStyles, ...added]);
  };
}
