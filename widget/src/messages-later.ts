// widget/src/messages-later.ts
// The English the first render does not need: the code step, the done step, and the
// refusals only a send or later brings (a send waits for this chunk first) or only the
// page's server sees (proofs, step-up).
// A lazy chunk, fetched with the code step's (chunks.ts); messages.ts adds it to `english`.

import type { LaterMessages } from './messages.js';

const later: LaterMessages = {
  codeLabel: 'Enter the code sent to {phone}',
  codeLabelVoice: 'We’re calling {phone}. Enter the code you hear.',
  codeLabelFlashcall: 'We’re calling you now. Don’t answer — enter the last {count} digits of the number that calls',
  verify: 'Verify',
  verifying: 'Checking…',
  resendIn: 'Send again in {time}',
  resend: 'Send again',
  channelButton: {
    sms: 'Text me instead',
    voice: 'Call me instead',
    whatsapp: 'Send on WhatsApp',
    flashcall: 'Call me, I won’t answer',
    telegram: 'Send in Telegram',
  },
  useAnotherNumber: 'Use another number',
  sentNotice: 'We sent a code to {phone} by {channel}.',
  channelName: { sms: 'text message', voice: 'phone call', whatsapp: 'WhatsApp', flashcall: 'missed call', telegram: 'Telegram' },
  resendReady: 'You can ask for a new code now.',
  signedIn: 'Your number is verified. You are signed in.',
  numberVerified: 'Your number is verified.',
  numberLinked: 'Your number is saved on your account.',
  steppedUp: 'Your number is confirmed. You can continue.',
  resendNotice: 'You can ask for a new code in {time}.',
  expiresHint: 'The code is valid for {time}.',
  codeIncomplete: 'Enter all {count} digits of the code.',
  attemptsLeftOne: '{count} attempt left.',
  attemptsLeftOther: '{count} attempts left.',
  countryNotAllowed: 'We cannot send codes to numbers from {country}.',
  // One sentence with the server's time, not "Please try again later. Try again in 10 minutes.".
  rateLimitedIn: 'Too many codes were requested. Try again in {time}.',
  unavailableIn: 'The code could not be sent. Try again in {time}.',
  stepUpPrompt: 'We will send a code to the number on your account.',
  errors: {
    invalid_request: 'Something went wrong with that request. Please try again.',
    phone_taken: 'This number belongs to another account.',
    already_signed_in: 'You are signed in to another account. Sign out first to use this number.',
    forbidden: 'This number cannot be used to sign in here.',
    provider_unavailable: 'The code could not be sent. Please try again in a few seconds.',
    provider_error: 'Codes cannot be sent right now. Please try again later.',
    challenge_required: "Please confirm you're a person to continue.",
    channel_unavailable: 'That way of sending the code is not available.',
    number_type_not_allowed: 'We cannot send codes to this kind of number. Enter a mobile number.',
    country_not_allowed: 'We cannot send codes to numbers from that country.',
    invalid_phone: 'That does not look like a valid phone number. Check it and try again.',
    resend_too_soon: 'Please wait a little before asking for another code.',
    no_pending_verification: 'That code is no longer waiting to be checked. Enter your number to get a new one.',
    invalid_code: 'That code is not right.',
    expired: 'That code has expired. Enter your number to get a new one.',
    too_many_attempts: 'Too many wrong codes. Enter your number to get a new one.',
    step_up_required: 'Please verify your phone number again to continue.',
    proof_invalid: 'This phone confirmation is not valid. Please verify your number again.',
    proof_expired: 'This phone confirmation has expired. Please verify your number again.',
    proof_used: 'This phone confirmation was already used. Please verify your number again.',
    proof_wrong_purpose: 'This phone confirmation was made for something else. Please verify your number again.',
  },
};

export default later;
