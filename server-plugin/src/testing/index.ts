// server-plugin/src/testing/index.ts
// `@phone-verify/server-plugin/testing`: faithful local sandboxes of the providers'
// Verify APIs, for tests and demos that must not reach the real services.

export { ManualClock } from './clock.js';
export {
  FAULT_KINDS,
  ProviderSandbox,
  type Fault,
  type FaultKind,
  type OutboxMessage,
  type RecordedRequest,
  type SandboxOptions,
  type SandboxRequest,
  type SandboxResponse,
} from './sandbox.js';
export { TelnyxSandbox, type TelnyxSandboxOptions } from './telnyx.js';
export { TextmagicSandbox, type TextmagicSandboxOptions } from './textmagic.js';
export { MessagebirdSandbox, type MessagebirdSandboxOptions } from './messagebird.js';
export { TwilioSandbox, type TwilioSandboxOptions } from './twilio.js';
export { VonageSandbox, type VonageSandboxOptions } from './vonage.js';
