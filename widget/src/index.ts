// widget/src/index.ts
// The side-effect-free entry point: the class, its client, events and messages.
// Import `@phone-verify/widget/define` to register the <phone-verify> tag.

export { PhoneVerify, extractCode, type PhoneVerifyState, type PhoneVerifyStep } from './phone-verify.js';
export { PhoneVerifyClient, PhoneVerifyRequestError, type ClientErrorCode } from './client.js';
export { CountdownController, formatSeconds } from './code/countdown.js';
export {
  PhoneVerifyErrorEvent,
  PhoneVerifySentEvent,
  PhoneVerifySuccessEvent,
  type PhoneVerifyErrorDetail,
  type PhoneVerifySentDetail,
  type PhoneVerifySuccessDetail,
} from './events.js';
export { PhoneVerifyChallengeEvent, type PhoneVerifyChallengeDetail } from './flow/challenge-event.js';
export { defaultMessages, format, mergeMessages, type PhoneVerifyMessages, type PhoneVerifyStrings } from './messages.js';
export { locales, resolveLocale } from './i18n.js';
export type { PhoneFormatting } from './phone-verify.js';
export type { PhoneFormatter, PhoneProblem, PhoneReading } from './phone/phone-format.js';
export type { Channel, ConfigResponse, ErrorCode, UserSummary } from '@phone-verify/server-plugin/protocol';
