// widget/src/messages.ts
// Every word the element shows, in English: the first render's here, the rest in
// messages-later.ts (a lazy chunk, fetched with the code step); other languages are lazy
// chunks in ./locales/, see i18n.ts. Pages override any of them through the element's
// `strings` property; `{name}` placeholders are filled in at render time.

import type { Channel } from '@phone-verify/server-plugin/protocol';
import type { ClientErrorCode } from './client.js';

export interface PhoneVerifyMessages {
  countryLabel: string;
  /** One option of the country list: `{name}`, `{code}` (calling code, no `+`). */
  countryOption: string;
  /** Announced (after typing pauses) while searching countries: `{count}`. */
  countryResults: string;
  /** Shown in the list when the search matches nothing. */
  countryNone: string;
  phoneLabel: string;
  phoneHint: string;
  sendCode: string;
  sending: string;
  /** Label of the code input: `{phone}`. */
  codeLabel: string;
  /** Same, for a voice call: `{phone}`. */
  codeLabelVoice: string;
  /** Same, for a flashcall (the code is the calling number's last `{count}` digits): `{phone}`, `{count}`. */
  codeLabelFlashcall: string;
  verify: string;
  verifying: string;
  /** `{time}` as `0:27`. */
  resendIn: string;
  resend: string;
  /** Buttons that switch to another channel. */
  channelButton: Record<Channel, string>;
  useAnotherNumber: string;
  /** Announced when a code goes out: `{phone}`, `{channel}`. */
  sentNotice: string;
  channelName: Record<Channel, string>;
  resendReady: string;
  signedIn: string;
  /** Done with `intent="verify"`: proven, nobody signed in. */
  numberVerified: string;
  /** Done with `intent="link"`: the number is on the account. */
  numberLinked: string;
  /** Done with `intent="stepup"`: re-proven. */
  steppedUp: string;
  /** The first step of `intent="stepup"`, above its single "Send code" button. */
  stepUpPrompt: string;
  loading: string;
  retry: string;
  phoneRequired: string;
  /** The number has too few digits for its country. */
  phoneTooShort: string;
  /** The number has too many digits for its country. */
  phoneTooLong: string;
  /** The number is not valid in `{country}` (its name). */
  phoneInvalid: string;
  /** Only mobile numbers are accepted (`mobile-only`). */
  phoneNotMobile: string;
  /** Announced with `sentNotice` when the resend countdown starts: `{time}` as "30 seconds". */
  resendNotice: string;
  /** Under the code field: `{time}` as "10 minutes". */
  expiresHint: string;
  // The code step's expiry sentences: their English is in the code step's chunk
  // (code/code-step.ts), so they are optional here; every shipped language has them.
  /** Under the code field while it counts down: `{time}` as `4:12`. */
  expiresIn?: string;
  /** Announced a minute before the code expires: `{time}` as "1 minute". */
  expiresSoon?: string;
  /** Under the code field once the code's time is up (announced). */
  codeExpired?: string;
  /** The button that starts a new verification for the same number after the code expired. */
  sendNewCode?: string;
  /** Said with the notice after a resend: an earlier message's code may no longer work (most providers send a new one). */
  newestCode?: string;
  /** Same, when the element knows which send that was (not after a reload): `{nth}`, the `ordinal` of the send. */
  newestCodeNth?: string;
  /**
   * "2nd", "3rd": one form per category of the language's ordinal rules (`Intl.PluralRules`
   * with `type: 'ordinal'`), `{count}` the number; `other` is the fallback. A page's
   * `ordinal` replaces the whole set (the categories belong to one language).
   */
  ordinal?: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
  /** `country_not_allowed` when the server named the country: `{country}` (its name). */
  countryNotAllowed: string;
  /** `rate_limited` when the server says when (instead of its "later"): `{time}` as "10 minutes". */
  rateLimitedIn: string;
  /** `provider_unavailable` when the server says when: `{time}`. */
  unavailableIn: string;
  /** The form validation message until the number is verified. */
  notVerified: string;
  /** `{count}` digits. */
  codeIncomplete: string;
  /** Appended to `invalid_code`: `{count}`. */
  attemptsLeftOne: string;
  attemptsLeftOther: string;
  /** Shown when the configuration cannot load. */
  configFailed: string;
  /** One message per error code. */
  errors: Record<ClientErrorCode, string>;
  /** Said before the country button's visible `GB +44` (its accessible name is both): `{name}`. */
  countryButton: string;
}

/** What `strings` accepts: any subset, `errors` and the channel maps merged key by key. */
export type PhoneVerifyStrings = Partial<Omit<PhoneVerifyMessages, 'errors' | 'channelButton' | 'channelName'>> & {
  errors?: Partial<Record<ClientErrorCode, string>>;
  channelButton?: Partial<Record<Channel, string>>;
  channelName?: Partial<Record<Channel, string>>;
};

/**
 * What the code step, the done step and step-up's first step (intent-step.ts, with the code step) say, the refused
 * country, and when to try again: their English comes after the first render (messages-later.ts). (A rate limit
 * loading the configuration before it arrives says "later" without the time.)
 */
export type LaterKey =
  | 'countryNotAllowed'
  | 'stepUpPrompt'
  | 'codeLabel'
  | 'codeLabelVoice'
  | 'codeLabelFlashcall'
  | 'verify'
  | 'verifying'
  | 'resendIn'
  | 'resend'
  | 'channelButton'
  | 'useAnotherNumber'
  | 'sentNotice'
  | 'channelName'
  | 'resendReady'
  | 'signedIn'
  | 'numberVerified'
  | 'numberLinked'
  | 'steppedUp'
  | 'resendNotice'
  | 'expiresHint'
  | 'codeIncomplete'
  | 'attemptsLeftOne'
  | 'attemptsLeftOther'
  | 'rateLimitedIn'
  | 'unavailableIn';
/**
 * Error codes only a server's answer to a send or later brings (a send first waits for the
 * code step's chunk, and this English with it), or that never reach the element (a proof
 * checked by the page's server). Loading the configuration can fail with the others only.
 */
export type LaterErrorCode =
  | 'invalid_request'
  | 'invalid_phone'
  | 'country_not_allowed'
  | 'number_type_not_allowed'
  | 'channel_unavailable'
  | 'challenge_required'
  | 'provider_error'
  | 'provider_unavailable'
  | 'forbidden'
  | 'already_signed_in'
  | 'phone_taken'
  | 'resend_too_soon'
  | 'no_pending_verification'
  | 'invalid_code'
  | 'expired'
  | 'too_many_attempts'
  | 'step_up_required'
  | 'proof_invalid'
  | 'proof_expired'
  | 'proof_used'
  | 'proof_wrong_purpose';
type ErrorTexts = PhoneVerifyMessages['errors'];
/** The English the first render has: the phone step, loading, its own checks, and what loading the configuration can meet. */
export type FirstMessages = Omit<PhoneVerifyMessages, LaterKey | 'errors'> & { errors: Omit<ErrorTexts, LaterErrorCode> };
/** The rest of English, a lazy chunk fetched with the code step's. */
export type LaterMessages = Pick<PhoneVerifyMessages, LaterKey> & { errors: Pick<ErrorTexts, LaterErrorCode> };

const firstEnglish: FirstMessages = {
  countryLabel: 'Country',
  countryOption: '{name} (+{code})',
  countryResults: 'Countries found: {count}',
  countryNone: 'No country matches',
  phoneLabel: 'Phone number',
  phoneHint: 'We will send you a code. You can also type the number with its country code, like +44.',
  sendCode: 'Send code',
  sending: 'Sending…',
  loading: 'Loading…',
  retry: 'Try again',
  phoneRequired: 'Enter your phone number.',
  phoneTooShort: 'That number is too short.',
  phoneTooLong: 'That number is too long.',
  phoneInvalid: 'That is not a valid number for {country}.',
  phoneNotMobile: 'Enter a mobile number.',
  notVerified: 'Verify your phone number.',
  configFailed: 'Phone sign-in is not available right now.',
  errors: {
    rate_limited: 'Too many codes were requested. Please try again later.',
    not_found: 'Phone sign-in is not set up at this address.',
    internal_error: 'Something went wrong on our side. Please try again.',
    network_error: 'We could not reach the server. Check your connection and try again.',
    invalid_response: 'The server gave an unexpected answer. Please try again.',
  },
  countryButton: 'Country: {name}',
};

/**
 * English as far as it has arrived: the first render's messages, completed in place
 * (same object, so whoever holds it sees the rest) once messages-later.ts has loaded,
 * which the element asks for with the code step. Nothing shows a later key before that.
 */
export const english = firstEnglish as PhoneVerifyMessages;

let complete: Promise<PhoneVerifyMessages> | undefined;

/** Fetches the rest of English once (again after a failure) and adds it to `english`. */
export function loadEnglish(): Promise<PhoneVerifyMessages> {
  return (complete ??= import('./messages-later.js').then(
    ({ default: { errors, ...rest } }) => {
      Object.assign(english, rest);
      Object.assign(english.errors, errors);
      return english;
    },
    (error: unknown) => {
      complete = undefined;
      throw error;
    },
  ));
}

/**
 * Every English message, complete: a lazy getter, since only the phone step's texts are in
 * the first render and the rest is a chunk. A copy: changing it changes no element.
 */
export async function defaultMessages(): Promise<PhoneVerifyMessages> {
  return structuredClone(await loadEnglish());
}

/** `base` (English as far as it has arrived, unless given) with a page's overrides on top. */
export function mergeMessages(strings: PhoneVerifyStrings | undefined, base: PhoneVerifyMessages = english): PhoneVerifyMessages {
  if (!strings) return base;
  return {
    ...base,
    ...(strings as Partial<PhoneVerifyMessages>),
    errors: { ...base.errors, ...strings.errors },
    channelButton: { ...base.channelButton, ...strings.channelButton },
    channelName: { ...base.channelName, ...strings.channelName },
  };
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
