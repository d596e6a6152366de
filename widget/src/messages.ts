// widget/src/messages.ts
// Every word the element shows, in English (bundled; other languages are lazy chunks
// in ./locales/, see i18n.ts). Pages override any of them through the element's
// `strings` property; `{name}` placeholders are filled in at render time.

import type { Channel } from '@phone-verify/server-plugin/protocol';
import type { ClientErrorCode } from './client.js';

export interface PhoneVerifyMessages {
  countryLabel: string;
  /** One option of the country list: `{name}`, `{code}` (calling code, no `+`). */
  countryOption: string;
  /** Accessible name of the button that opens the country list. */
  countryToggle: string;
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
  /** `country_not_allowed` when the server named the country: `{country}` (its name). */
  countryNotAllowed: string;
  /** Appended to `rate_limited` and `provider_unavailable` when the server says when: `{time}`. */
  retryIn: string;
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
}

/** What `strings` accepts: any subset, `errors` and the channel maps merged key by key. */
export type PhoneVerifyStrings = Partial<Omit<PhoneVerifyMessages, 'errors' | 'channelButton' | 'channelName'>> & {
  errors?: Partial<Record<ClientErrorCode, string>>;
  channelButton?: Partial<Record<Channel, string>>;
  channelName?: Partial<Record<Channel, string>>;
};

export const defaultMessages: PhoneVerifyMessages = {
  countryLabel: 'Country',
  countryOption: '{name} (+{code})',
  countryToggle: 'Show countries',
  countryResults: 'Countries found: {count}',
  countryNone: 'No country matches',
  phoneLabel: 'Phone number',
  phoneHint: 'We will send you a code. You can also type the number with its country code, like +44.',
  sendCode: 'Send code',
  sending: 'Sending…',
  codeLabel: 'Enter the code sent to {phone}',
  codeLabelVoice: 'Enter the code we are calling {phone} with',
  codeLabelFlashcall: 'We’re calling you now. Don’t answer — enter the last {count} digits of the number that calls',
  verify: 'Verify',
  verifying: 'Checking…',
  resendIn: 'Send again in {time}',
  resend: 'Send again',
  channelButton: { sms: 'Text me instead', voice: 'Call me instead', whatsapp: 'Send on WhatsApp', flashcall: 'Call me, I won’t answer', telegram: 'Send in Telegram' },
  useAnotherNumber: 'Use another number',
  sentNotice: 'We sent a code to {phone} by {channel}.',
  channelName: { sms: 'text message', voice: 'phone call', whatsapp: 'WhatsApp', flashcall: 'missed call', telegram: 'Telegram' },
  resendReady: 'You can ask for a new code now.',
  signedIn: 'Your number is verified. You are signed in.',
  numberVerified: 'Your number is verified.',
  numberLinked: 'Your number is saved on your account.',
  steppedUp: 'Your number is confirmed. You can continue.',
  stepUpPrompt: 'We will send a code to the number on your account.',
  loading: 'Loading…',
  retry: 'Try again',
  phoneRequired: 'Enter your phone number.',
  phoneTooShort: 'That number is too short.',
  phoneTooLong: 'That number is too long.',
  phoneInvalid: 'That is not a valid number for {country}.',
  phoneNotMobile: 'Enter a mobile number.',
  resendNotice: 'You can ask for a new code in {time}.',
  expiresHint: 'The code is valid for {time}.',
  countryNotAllowed: 'We cannot send codes to numbers from {country}.',
  retryIn: 'Try again in {time}.',
  notVerified: 'Verify your phone number.',
  codeIncomplete: 'Enter all {count} digits of the code.',
  attemptsLeftOne: '{count} attempt left.',
  attemptsLeftOther: '{count} attempts left.',
  configFailed: 'Phone sign-in is not available right now.',
  errors: {
    invalid_request: 'Something went wrong with that request. Please try again.',
    invalid_phone: 'That does not look like a valid phone number. Check it and try again.',
    country_not_allowed: 'We cannot send codes to numbers from that country.',
    number_type_not_allowed: 'We cannot send codes to this kind of number. Enter a mobile number.',
    channel_unavailable: 'That way of sending the code is not available.',
    rate_limited: 'Too many codes were requested. Please try again later.',
    challenge_required: "Please confirm you're a person to continue.",
    resend_too_soon: 'Please wait a little before asking for another code.',
    no_pending_verification: 'That code is no longer waiting to be checked. Enter your number to get a new one.',
    invalid_code: 'That code is not right.',
    expired: 'That code has expired. Enter your number to get a new one.',
    too_many_attempts: 'Too many wrong codes. Enter your number to get a new one.',
    provider_error: 'Codes cannot be sent right now. Please try again later.',
    provider_unavailable: 'The code could not be sent. Please try again in a few seconds.',
    forbidden: 'This number cannot be used to sign in here.',
    not_found: 'Phone sign-in is not set up at this address.',
    already_signed_in: 'You are signed in to another account. Sign out first to use this number.',
    phone_taken: 'This number belongs to another account.',
    step_up_required: 'Please verify your phone number again to continue.',
    proof_invalid: 'This phone confirmation is not valid. Please verify your number again.',
    proof_expired: 'This phone confirmation has expired. Please verify your number again.',
    proof_used: 'This phone confirmation was already used. Please verify your number again.',
    proof_wrong_purpose: 'This phone confirmation was made for something else. Please verify your number again.',
    internal_error: 'Something went wrong on our side. Please try again.',
    network_error: 'We could not reach the server. Check your connection and try again.',
    invalid_response: 'The server gave an unexpected answer. Please try again.',
  },
};

/** `base` (English unless given) with a page's overrides on top. */
export function mergeMessages(strings: PhoneVerifyStrings | undefined, base: PhoneVerifyMessages = defaultMessages): PhoneVerifyMessages {
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
