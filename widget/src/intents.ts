// widget/src/intents.ts
// What the `intent` attribute sends: the start request's intent fields. What the intents
// show (step-up's first step, the done step's words) is in intent-step.ts, a lazy chunk.

import type { Intent, StartRequest } from '@phone-verify/server-plugin/protocol';

/** The intents the server knows. */
const INTENTS: readonly string[] = ['signin', 'verify', 'link', 'stepup'];

/** The intent in effect: an unknown `intent` attribute counts as `signin`. */
export const knownIntent = (intent: string): Intent => (INTENTS.includes(intent) ? (intent as Intent) : 'signin');

/** The start request's intent fields: none for a plain sign-in, so older servers see what they always saw. */
export function intentFields(intent: Intent, purpose: string | undefined): Pick<StartRequest, 'intent' | 'purpose'> {
  if (intent === 'signin') return {};
  return intent === 'verify' && purpose ? { intent, purpose } : { intent };
}
