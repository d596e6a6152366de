// widget/src/index.ts
// The side-effect-free entry point: the class, its client, events and messages. It
// defines nothing, so the class can be registered under another name; import
// `@phone-verify/widget/define` to register <phone-verify>.

import type { PhoneVerify } from './phone-verify.js';

export { PhoneVerify, extractCode, type PhoneVerifyState, type PhoneVerifyStep } from './phone-verify.js';
export { PhoneVerifyClient, PhoneVerifyRequestError, type ClientErrorCode } from './client.js';
export { CountdownController, formatSeconds } from './countdown.js';
export {
  PhoneVerifyErrorEvent,
  PhoneVerifySentEvent,
  PhoneVerifySuccessEvent,
  type PhoneVerifyErrorDetail,
  type PhoneVerifySentDetail,
  type PhoneVerifySuccessDetail,
} from './events.js';
export { defaultMessages, format, mergeMessages, type PhoneVerifyMessages, type PhoneVerifyStrings } from './messages.js';
export { locales, resolveLocale } from './i18n.js';
export type { PhoneFormatting } from './phone-verify.js';
export type { PhoneFormatter, PhoneProblem, PhoneReading } from './phone-format.js';
export type { Channel, ConfigResponse, ErrorCode, UserSummary } from '@phone-verify/server-plugin/protocol';

declare global {
  // Here rather than in define.ts, so `document.querySelector('phone-verify')` is typed
  // whichever entry a page imports (the tag is the one define.ts registers).
  interface HTMLElementTagNameMap {
    'phone-verify': PhoneVerify;
  }
}
