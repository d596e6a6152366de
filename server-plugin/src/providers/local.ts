// server-plugin/src/providers/local.ts
// The built-in provider: makes codes itself, keeps only an HMAC of each, and hands
// the message to a sender function (console, your SMS gateway, a test outbox).

import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { PhoneVerifyError } from '../errors.js';
import { consoleLogger } from '../logger.js';
import { maskPhone } from '../phone.js';
import type { Channel } from '../protocol.js';
import { fillText, localTexts } from './local-messages.js';
import type { CheckResult, PendingVerification, StartRequest, Started, VerifyProvider } from './types.js';

/**
 * Delivers one message. Throw (or reject) if it could not be sent; throw a
 * PhoneVerifyError with `outcome: 'unknown'` if it may have been (so it is counted).
 * `signal` aborts when the service's deadline passes.
 */
export type Sender = (phone: string, message: string, channel: Channel, signal?: AbortSignal) => void | Promise<void>;

export interface MessageContext {
  channel: Channel;
  locale?: string;
  /** Minutes the code stays valid. */
  minutes: number;
}

export interface LocalProviderOptions {
  /** Where messages go. Default: `consoleSender`, for development only. */
  sender?: Sender;
  /** Channels the sender can deliver. Default `['sms', 'voice']`. */
  channels?: readonly Channel[];
  /** Name shown in the message: "Your {brand} code is …". Default `"phone-verify"`. */
  brand?: string;
  /**
   * Your site's host (`example.com`). When set, text messages end with the
   * origin-bound line `@example.com #123456`, which lets Android's WebOTP and iOS
   * autofill offer the code only on that site.
   */
  domain?: string;
  /** Builds the message text; overrides `brand` and `domain`. */
  message?: (code: string, context: MessageContext) => string;
  /**
   * Key for the code HMACs. Processes that share a store must share it. Default:
   * 32 random bytes per process.
   */
  secret?: string | Buffer;
}

/** Prints each message to the console. For development: in production, pass a real `sender`. */
export const consoleSender: Sender = (phone, message, channel) => {
  consoleLogger.info(`${channel} to ${maskPhone(phone)}: ${message}`);
};

/** The default message, in the user's language (local-messages.ts): short, with the code first so notification previews show it. */
function defaultMessage(brand: string, domain: string | undefined) {
  return (code: string, { channel, minutes, locale }: MessageContext): string => {
    const texts = localTexts(locale);
    if (channel === 'voice') {
      // Spaced digits make a text-to-speech engine read them one by one.
      return fillText(texts.voice, { brand, spoken: code.split('').join(' ') });
    }
    const text = fillText(texts.sms, { code, brand, minutes });
    // web.dev "SMS OTP form best practices": the origin-bound line must come last.
    return domain ? `${text}\n\n@${domain} #${code}` : text;
  };
}

/** `detail` without the message, the code (plain or spaced, as in voice messages) or the full number. */
function redact(detail: string, phone: string, text: string, code: string): string {
  const secrets: Array<[string, string]> = [
    [text, '[message]'],
    [code.split('').join(' '), '[code]'],
    [code, '[code]'],
    [phone, maskPhone(phone)],
    [phone.slice(1), maskPhone(phone)],
  ];
  return secrets.reduce((out, [secret, mask]) => out.split(secret).join(mask), detail);
}

/** Create the built-in provider. */
export function localProvider(options: LocalProviderOptions = {}): VerifyProvider {
  const sender = options.sender ?? consoleSender;
  const secret = options.secret ?? randomBytes(32);
  const message = options.message ?? defaultMessage(options.brand ?? 'phone-verify', options.domain);

  // Bound to the verification id, so a code is worthless for any other verification (ASVS 6.6.2).
  const digest = (verificationId: string, code: string): Buffer => createHmac('sha256', secret).update(`${verificationId}:${code}`).digest();

  return {
    name: 'local',
    channels: options.channels ?? ['sms', 'voice'],
    codeLengths: [6, 7, 8, 9, 10],

    async start(request: StartRequest, signal?: AbortSignal): Promise<Started> {
      // NIST 800-63B-4 §3.1.3.2: an approved RBG; randomInt draws from the CSPRNG without modulo bias.
      const code = randomInt(0, 10 ** request.codeLength)
        .toString()
        .padStart(request.codeLength, '0');
      const minutes = Math.ceil(request.ttlSeconds / 60);
      const context: MessageContext = { channel: request.channel, minutes };
      if (request.locale !== undefined) context.locale = request.locale;
      const text = message(code, context);
      try {
        await sender(request.phone, text, request.channel, signal);
      } catch (error) {
        // A sender that already says which protocol error it is (e.g. provider_error for bad credentials) is believed.
        if (error instanceof PhoneVerifyError) throw error;
        // Gateways echo what they were given, and the service logs this message: keep the code and the number out of it.
        throw new Error(`sender failed: ${redact(String((error as Error)?.message ?? error), request.phone, text, code)}`);
      }
      // Only the HMAC is kept (OWASP MFA cheat sheet: codes out of stores, logs and dumps).
      return { state: { codeHmac: digest(request.verificationId, code).toString('base64') } };
    },

    async check(pending: PendingVerification, code: string): Promise<CheckResult> {
      const stored = Buffer.from(String(pending.state.codeHmac), 'base64');
      const given = digest(pending.id, code);
      return stored.length === given.length && timingSafeEqual(stored, given) ? { status: 'approved' } : { status: 'wrong' };
    },
  };
}
