// widget/src/chunks.ts
// The element's lazy chunks, each fetched once per page and asked again after a
// failure: formatting (phone/phone-format.ts), the country list (country/combobox.ts)
// and the code step (code/code-step.ts). None is needed for the first render.

import { PhoneVerifyRequestError } from './client.js';

/** `load`, once: the same promise to every caller until it fails. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

export const loadFormattingChunk = once(() => import('./phone/phone-format.js'));
export const loadCombobox = once(() => import('./country/combobox.js'));
/** A code step that cannot load is a network problem to the person: the message says so. */
export const loadCodeStep = once(() =>
  import('./code/code-step.js').catch(() => {
    throw new PhoneVerifyRequestError('network_error', 'code step did not load');
  }),
);
