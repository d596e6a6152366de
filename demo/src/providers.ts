// demo/src/providers.ts
// Which provider the demo runs on: the built-in local provider (default), or an
// adapter talking over real HTTP to its provider's sandbox, started in-process.
//   PROVIDER=textmagic|telnyx|messagebird|twilio|vonage|telegram npm start

import {
  localProvider,
  messagebirdProvider,
  providerChain,
  telegramProvider,
  telnyxProfileChannels,
  telnyxProvider,
  textmagicProvider,
  twilioProvider,
  vonageProvider,
  type PhoneVerifyOptions,
  type VerifyProvider,
} from '@phone-verify/server-plugin';
import { MessagebirdSandbox, TelegramSandbox, TelnyxSandbox, TextmagicSandbox, TwilioSandbox, VonageSandbox } from '@phone-verify/server-plugin/testing';
import type { DemoPhones } from './phone.js';

export const PROVIDERS = ['local', 'textmagic', 'telnyx', 'messagebird', 'twilio', 'vonage', 'telegram'] as const;

/**
 * The numbers the demo's Telegram sandbox knows as Telegram users (TELEGRAM_USERS,
 * comma-separated, overrides). Any other number is not on Telegram: the widget falls
 * back to a text message, sent by the local provider.
 */
export const DEMO_TELEGRAM_USERS = (process.env.TELEGRAM_USERS ?? '+447400123456,+4915123456789')
  .split(',')
  .map((n) => n.trim())
  .filter(Boolean);
export type ProviderKind = (typeof PROVIDERS)[number];

export interface DemoBackend {
  provider: VerifyProvider;
  /** Where the provider's API is, for the start-up line. */
  description: string;
  /** Policy this provider needs (Vonage ends a verification at its 3rd wrong code). */
  policy?: Pick<PhoneVerifyOptions, 'maxAttempts'>;
  close(): Promise<void>;
}

type Sandbox = TextmagicSandbox | TelnyxSandbox | MessagebirdSandbox | TwilioSandbox | VonageSandbox | TelegramSandbox;

async function onSandbox(sandbox: Sandbox, phones: DemoPhones, adapter: (baseUrl: string) => VerifyProvider | Promise<VerifyProvider>): Promise<DemoBackend> {
  const baseUrl = await sandbox.listen();
  sandbox.on('message', (message) => phones.deliverToNumber(message));
  const provider = phones.track(await adapter(baseUrl));
  return { provider, description: `${provider.name} sandbox at ${baseUrl}`, close: () => sandbox.close() };
}

export function isProviderKind(kind: string): kind is ProviderKind {
  return (PROVIDERS as readonly string[]).includes(kind);
}

/** `codeSecret`: the local provider's HMAC key; processes sharing a store must share it. */
export async function demoBackend(kind: ProviderKind, phones: DemoPhones, codeSecret?: string): Promise<DemoBackend> {
  switch (kind) {
    case 'local':
      return {
        // WhatsApp too, so the widget shows its "Send on WhatsApp" choice (the phone panel shows what arrived where).
        provider: localProvider({
          sender: phones.sender,
          brand: 'Demo',
          domain: 'localhost',
          channels: ['sms', 'voice', 'whatsapp'],
          ...(codeSecret ? { secret: codeSecret } : {}),
        }),
        description: 'local provider (codes made here, shown on the demo phone)',
        close: async () => {},
      };
    case 'textmagic':
      return onSandbox(new TextmagicSandbox({ username: 'demo', apiKey: 'demo-key' }), phones, (baseUrl) =>
        textmagicProvider({ username: 'demo', apiKey: 'demo-key', brand: 'Demo', baseUrl }),
      );
    case 'telnyx':
      return onSandbox(new TelnyxSandbox({ apiKey: 'demo-key' }), phones, async (baseUrl) => {
        // The seed's first step: create a verify profile (6-digit codes, not Telnyx's 5; SMS, call
        // and flashcall), then offer exactly the channels it has, flashcall included.
        const answer = await fetch(`${baseUrl}/v2/verify_profiles`, {
          method: 'POST',
          headers: { authorization: 'Bearer demo-key', 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'demo', sms: { code_length: 6 }, call: { code_length: 6 }, flashcall: {} }),
        });
        const verifyProfileId = ((await answer.json()) as { data: { id: string } }).data.id;
        const channels = await telnyxProfileChannels({ apiKey: 'demo-key', verifyProfileId, baseUrl });
        return telnyxProvider({ apiKey: 'demo-key', verifyProfileId, baseUrl, channels });
      });
    case 'messagebird':
      return onSandbox(new MessagebirdSandbox({ accessKey: 'demo-key' }), phones, (baseUrl) =>
        messagebirdProvider({ accessKey: 'demo-key', originator: 'Demo', baseUrl }),
      );
    case 'twilio': {
      const accountSid = `AC${'0'.repeat(32)}`;
      const sandbox = new TwilioSandbox({ accountSid, authToken: 'demo-token' });
      return onSandbox(sandbox, phones, (baseUrl) => twilioProvider({ accountSid, authToken: 'demo-token', serviceSid: sandbox.serviceSid, baseUrl }));
    }
    case 'vonage': {
      const backend = await onSandbox(new VonageSandbox({ apiKey: 'demo-key', apiSecret: 'demo-secret' }), phones, (baseUrl) =>
        vonageProvider({ apiKey: 'demo-key', apiSecret: 'demo-secret', brand: 'Demo', baseUrl }),
      );
      // Vonage ends a verification at the 3rd wrong code: say so, or "attempts left" would mislead.
      return { ...backend, policy: { maxAttempts: 3 } };
    }
    case 'telegram': {
      // Telegram first; numbers not on Telegram get a text message from the local provider.
      const sms = localProvider({
        sender: phones.sender,
        brand: 'Demo',
        domain: 'localhost',
        channels: ['sms'],
        ...(codeSecret ? { secret: codeSecret } : {}),
      });
      const backend = await onSandbox(new TelegramSandbox({ token: 'demo-token', users: DEMO_TELEGRAM_USERS }), phones, (baseUrl) =>
        providerChain([telegramProvider({ token: 'demo-token', baseUrl, checkSendAbility: true }), sms]),
      );
      return { ...backend, description: `${backend.description}, SMS by the local provider for numbers not on Telegram` };
    }
  }
}
