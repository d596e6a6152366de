// server-plugin/src/events.ts
// What operators see of an attack: one typed event per send, refusal, challenge, lock,
// breaker change and provider failure, handed to the application's `onEvent`. Events
// never carry a code or a full number (OWASP logging cheat sheet).

import type { Logger } from './logger.js';
import { maskPhonesIn } from './phone.js';
import type { ErrorCode } from './protocol.js';

/** Why a send was refused. */
export type RefusalReason =
  /** The number's sends in total (`limits.perPhone`). */
  | 'per_phone'
  /** This client's sends to this number (`limits.perPhoneClient`). */
  | 'per_phone_client'
  /** This client network's sends (`limits.perIp`). */
  | 'per_ip'
  /** The number range's sends (`limits.perPrefix`). */
  | 'per_prefix'
  /** All sends (`limits.global`). */
  | 'global'
  /** This client's sends through a passed challenge (`limits.challenged`). */
  | 'challenged'
  /** The conversion breaker is open for the number's range or country. */
  | 'breaker'
  /** The number is locked by wrong codes. */
  | 'locked';

/** Which step asked for a send. */
export type SendStep = 'start' | 'resend';

export type PhoneVerifyEvent =
  /** A code went to the provider. `challenged`: it was let through by a passed challenge. */
  | { type: 'send'; step: SendStep; country?: string; challenged: boolean }
  /** A send was refused (`rate_limited`, or `too_many_attempts` for `locked`). */
  | { type: 'refused'; step: SendStep; reason: RefusalReason; country?: string }
  /**
   * A challenge was asked for (`asked`, the client had no token), failed (the token did not
   * verify) or passed. `reason`: the pressure that called for it.
   */
  | { type: 'challenge'; step: SendStep; outcome: 'asked' | 'failed' | 'passed'; reason: RefusalReason; country?: string }
  /** Wrong codes in a row locked a number for `wait` seconds (`failures` so far). */
  | { type: 'lock'; failures: number; wait: number }
  /** The breaker opened or closed for a country (`key` its ISO code) or a range (`key` the number minus its last 4 digits). */
  | { type: 'breaker'; state: 'open' | 'closed'; scope: 'country' | 'range'; key: string; conversion: number; sends: number }
  /** A provider call failed. */
  | { type: 'provider_failure'; provider: string; call: 'start' | 'resend' | 'check' | 'cancel'; code: ErrorCode };

export type EventHandler = (event: PhoneVerifyEvent) => void;

/** Hands events to the handler; a handler that throws is logged, and never breaks a request. */
export class EventSink {
  private readonly handler: EventHandler | undefined;
  private readonly logger: Logger;

  constructor(handler: EventHandler | undefined, logger: Logger) {
    if (handler !== undefined && typeof handler !== 'function') throw new TypeError('onEvent must be a function');
    this.handler = handler;
    this.logger = logger;
  }

  emit(event: PhoneVerifyEvent): void {
    if (!this.handler) return;
    try {
      this.handler(event);
    } catch (error) {
      this.logger.warn(`onEvent threw on a ${event.type} event: ${maskPhonesIn(String((error as Error)?.message ?? error))}`);
    }
  }
}
