// server-plugin/src/protocol.ts
// The wire contract between <phone-verify> and the Express router: paths, bodies,
// error codes. Types and one constant (the paths), so the widget can import it without pulling in Node code.

/**
 * How a code reaches the phone. Each provider advertises the subset it can deliver.
 * `flashcall`: a call that rings once and hangs up; the code is the last `codeLength`
 * digits of the calling number (Telnyx). `telegram`: a message from Telegram's
 * "Verification Codes" account, for numbers registered on Telegram (Telegram Gateway).
 */
export type Channel = 'sms' | 'voice' | 'whatsapp' | 'flashcall' | 'telegram';

/** Paths, relative to where the router is mounted (e.g. `/auth/phone`): the router and the widget's client both use these. */
export const Endpoints = {
  config: '/config',
  start: '/start',
  resend: '/resend',
  verify: '/verify',
  cancel: '/cancel',
  /** `GET`: whether this session has a verification waiting for its code (so a reloaded page resumes at the code step). */
  status: '/status',
  /** `GET`, public and cacheable: the phone-number metadata for the allowed countries (`?type=mobile` for the mobile-only check). */
  metadata: '/metadata',
} as const;

export type Endpoints = typeof Endpoints;

/**
 * Which libphonenumber-js metadata `GET /metadata` answers (`?type=…`, default `min`):
 * `min` formats and checks numbers, `mobile` also tells mobile numbers apart.
 * Either way only for the countries the server allows.
 */
export type MetadataType = 'min' | 'mobile';

/**
 * The header every state-changing request must carry. A cross-site form or a
 * "simple" request cannot set it, so its presence is a CSRF defence (OWASP CSRF
 * cheat sheet, "custom request headers").
 */
export type RequestHeader = 'x-phone-verify';

/** One country the server accepts numbers from. */
export interface CountryOption {
  /** ISO 3166-1 alpha-2, upper case: `"GB"`. */
  country: string;
  /** Country calling code without `+`: `"44"`. */
  callingCode: string;
  /** An example mobile number in national format, for a placeholder: `"07400 123456"` (`GET /config` only). */
  example?: string;
}

/** `GET /config`: what the widget needs to render before the first request. */
export interface ConfigResponse {
  /** Channels the configured provider can deliver, in preference order; the first is the default. */
  channels: Channel[];
  /** Digits in a code. */
  codeLength: number;
  /** Seconds between sends of one verification. */
  resendAfter: number;
  /** Seconds a code stays valid. */
  expiresIn: number;
  /** Wrong codes allowed per verification. */
  maxAttempts: number;
  /** Countries numbers may come from, sorted by country code. */
  countries: CountryOption[];
  /** Suggested country for national numbers, when the server has one. */
  defaultCountry?: string;
}

/** `POST /start`: send a code to a phone number. */
export interface StartRequest {
  /** As typed: international (`+44 7700 900123`) or national with `country`. */
  phone: string;
  /** ISO 3166-1 alpha-2 country used to read a national number. */
  country?: string;
  /** Defaults to the first channel in the config. */
  channel?: Channel;
  /** BCP 47 language tag for the message, e.g. `de`. */
  locale?: string;
  /** The page's challenge (CAPTCHA) answer, after a `challenge_required` error. */
  challengeToken?: string;
  /**
   * What the proven number is for. Default `signin`. `verify` answers a phone proof and
   * signs nobody in; `link` adds or changes the signed-in user's number; `stepup`
   * re-proves the signed-in user's own number (then `phone` is not sent: the server knows it).
   */
  intent?: Intent;
  /** With `intent: 'verify'`: what the proof is for (the app's word, e.g. `signup`). Default `verify`. */
  purpose?: string;
}

/** What a verification is for; the server decides what each may do. */
export type Intent = 'signin' | 'verify' | 'link' | 'stepup';

/** `POST /resend`: send the pending verification again, optionally on another channel. */
export interface ResendRequest {
  channel?: Channel;
  locale?: string;
  /** The page's challenge (CAPTCHA) answer, after a `challenge_required` error. */
  challengeToken?: string;
}

/** Answer to start and resend: a code is on its way. */
export interface StartResponse {
  status: 'pending';
  /** The number in E.164, as the server understood it (what the user typed, normalised). */
  phone: string;
  channel: Channel;
  /** Digits to enter; for `flashcall`, how many of the calling number's last digits. */
  codeLength: number;
  /** Seconds until the code expires. */
  expiresIn: number;
  /** Seconds until a resend (or a channel switch) is allowed. */
  resendAfter: number;
  /** Sends left for this verification, the one just made excluded. */
  sendsLeft: number;
  /** Wrong codes left. */
  attemptsLeft: number;
  /**
   * On a resend: the code sent is the one already sent (the provider resends it: Twilio),
   * so any of the messages' codes works. Absent when a new code went out (every other
   * provider: the earlier code stops working).
   */
  sameCode?: true;
}

/** `POST /verify`: check a code and, if right, sign in. */
export interface VerifyRequest {
  code: string;
}

/** The signed-in user as the application chose to describe it (the router's `summarize` option). */
export type UserSummary = Record<string, unknown>;

export interface VerifyResponse {
  status: 'approved';
  /** The intent of the verification; absent for `signin` from servers before intents. */
  intent?: Intent;
  /** The signed-in user (`signin`, `link`); `{}` for `verify` and `stepup`. */
  user: UserSummary;
  /** `verify`: the phone proof, a compact JWS for your form handler's `verifyPhoneProof`. */
  proof?: string;
  /** The proven number in E.164 (`verify`, `link`, and a sign-in: the form value, also after a reload resumed with the number masked). */
  phone?: string;
  /** `stepup`: when the session was stamped (ms since the epoch). */
  verifiedAt?: number;
  /** Where the application wants the browser to go next, if it said. */
  redirect?: string;
}

/**
 * `GET /status`: this session's verification. `pending`: a code is on its way and may be
 * checked (the widget resumes at its code step, sending nothing); `expired`: its time ran
 * out and `POST /resend` starts a new one for the same number; `none`: nothing started
 * (or it was used or canceled). The number is masked (`+44 ••••••3456`): the page shows it, the server keeps it.
 */
export type StatusResponse =
  { status: 'none' } | { status: 'expired'; phone: string; channel: Channel } | ({ status: 'pending' } & Omit<StartResponse, 'status'>);

/** `POST /cancel`: drop the pending verification (e.g. "use another number"). */
export interface CancelResponse {
  status: 'canceled';
}

/** The closed set of error codes. Each has one HTTP status (see `errors.ts`) and one widget message. */
export type ErrorCode =
  /** The body is not JSON, a field is missing or of the wrong type, or the body is too large. */
  | 'invalid_request'
  /** The phone number cannot be read as a valid number. */
  | 'invalid_phone'
  /** The number is from a country the server does not send to; `country` names it when known. */
  | 'country_not_allowed'
  /** The number is of a kind the server does not send to (a landline, premium rate, …): a mobile number is wanted. */
  | 'number_type_not_allowed'
  /** The provider cannot deliver on the requested channel. */
  | 'channel_unavailable'
  /** Too many sends for this number, client or destination; see `retryAfter`. */
  | 'rate_limited'
  /** Under pressure, with a challenge configured: solve the page's challenge and send `challengeToken`. */
  | 'challenge_required'
  /** The last send was too recent; see `retryAfter`. */
  | 'resend_too_soon'
  /** This browser has no verification in progress (none started, expired, used or canceled). */
  | 'no_pending_verification'
  /** The code is wrong; see `attemptsLeft`. */
  | 'invalid_code'
  /** The code's time is up; start again. */
  | 'expired'
  /** Too many wrong codes; this verification is dead, even for the right code. Start again. */
  | 'too_many_attempts'
  /** The provider refused the request (credentials, account): the operator must act. */
  | 'provider_error'
  /** The provider (or a store the server needs) is down, slow or answered nonsense; see `retryAfter`. */
  | 'provider_unavailable'
  /** Cross-site request, missing request header, or the application refused the sign-in. */
  | 'forbidden'
  /** No such endpoint. */
  | 'not_found'
  /** `signin` proved the number of another account while someone is signed in (the server does not switch). */
  | 'already_signed_in'
  /** `link`: the proven number belongs to another account. */
  | 'phone_taken'
  /** A guarded action needs a recent step-up (`requireRecentPhoneVerification`). */
  | 'step_up_required'
  /** The phone proof is missing, malformed, tampered with or for another site. */
  | 'proof_invalid'
  /** The phone proof's minutes are up. */
  | 'proof_expired'
  /** The phone proof was used before (single use). */
  | 'proof_used'
  /** The phone proof was made for another purpose. */
  | 'proof_wrong_purpose'
  /** A fault on the server; details are in its log, never in the response. */
  | 'internal_error';

/** The one error body every endpoint uses. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    /** English, for developers and logs; the widget shows its own localised message per code. */
    message: string;
    /** Seconds to wait before trying again. */
    retryAfter?: number;
    /** Wrong codes left for the pending verification. */
    attemptsLeft?: number;
    /** With `country_not_allowed`: the refused number's country (ISO 3166-1 alpha-2), so the message can name it. */
    country?: string;
  };
}
