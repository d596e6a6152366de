// server-plugin/src/index.ts
// The public surface of @phone-verify/server-plugin. The Redis pieces are not here but
// in '@phone-verify/server-plugin/redis' (redis.ts), so this entry never loads ioredis.

export {
  PhoneVerifyStrategy,
  type PendingSessionData,
  type PhoneVerifyStrategyOptions,
  type VerifiedCallback,
  type VerifyCallback,
  type VerifyCallbackWithRequest,
  type VerifyFunction,
  type VerifyFunctionWithRequest,
  type VerifyResult,
} from './strategy.js';
export { phoneVerifyRouter, type RouterOptions } from './router.js';
export { type IntentOptions, type StepUpStamp } from './intents.js';
export { PhoneProofs, type PhoneProofClaims, type PhoneProofOptions, type VerifyPhoneProofOptions } from './proof.js';
export { requireRecentPhoneVerification, type RecentPhoneVerificationOptions } from './step-up.js';
export { VerificationService, type ResendInput, type StartInput } from './service.js';
export { parseOptions, type PhoneVerifyOptions, type Settings } from './options.js';
export {
  failClosedStore,
  MemoryStore,
  type MemoryStoreOptions,
  type SendRelease,
  type SendReservation,
  type SendRules,
  type Verification,
  type VerificationStore,
} from './store.js';
export {
  Limits,
  ipKey,
  phonePrefix,
  type FailureRule,
  type LimitRule,
  type LimitsOptions,
  type SendAdmission,
  type SendChallenge,
  type SendKeys,
} from './limits.js';
export {
  MemoryLimitStore,
  type Counter,
  type CounterState,
  type FailurePolicy,
  type FailureReservation,
  type FailureState,
  type LimitStore,
  type MemoryLimitStoreOptions,
  type TakeResult,
} from './limit-store.js';
export { EventSink, type EventHandler, type PhoneVerifyEvent, type RefusalReason, type SendStep } from './events.js';
export { readCode } from './code.js';
export { ConversionBreaker, type BreakerOptions } from './breaker.js';
export { crossSiteGuard, REQUEST_HEADER, type GuardOptions } from './guard.js';
export { errors, mayHaveActed, seconds, PhoneVerifyError, PhoneVerifyConfigError, HTTP_STATUS, type ProviderOutcome } from './errors.js';
export { consoleLogger, type Logger } from './logger.js';
export { maskPhone, parsePhone, type ParsedPhone } from './phone.js';
export { metadataAnswers, trimMetadata, type MetadataAnswer, type PhoneMetadata } from './metadata.js';
export { consoleSender, localProvider, type LocalProviderOptions, type MessageContext, type Sender } from './providers/local.js';
export { textmagicProvider, TEXTMAGIC_LANGUAGES, TEXTMAGIC_TTL_SECONDS, type TextmagicProviderOptions } from './providers/textmagic.js';
export { telnyxProfileChannels, telnyxProvider, type TelnyxProfileOptions, type TelnyxProviderOptions } from './providers/telnyx.js';
export { telegramProvider, TELEGRAM_MAX_TTL, TELEGRAM_MIN_TTL, type TelegramProviderOptions } from './providers/telegram.js';
export { messagebirdProvider, MESSAGEBIRD_LANGUAGES, type MessagebirdProviderOptions } from './providers/messagebird.js';
export { twilioProvider, TWILIO_CHANNEL, TWILIO_LOCALES, TWILIO_TTL_SECONDS, type TwilioProviderOptions } from './providers/twilio.js';
export { vonageProvider, VONAGE_CHANNEL, VONAGE_LOCALES, type VonageProviderOptions } from './providers/vonage.js';
export { VONAGE_JWT_TTL_SECONDS, type VonageApplicationCredentials } from './providers/vonage-jwt.js';
export { providerChain, type ProviderChainOptions } from './providers/chain.js';
export type { HttpProviderOptions } from './providers/http.js';
export type { CheckResult, PendingVerification, ProviderState, StartRequest, Started, VerifyProvider } from './providers/types.js';
export type * from './protocol.js';
