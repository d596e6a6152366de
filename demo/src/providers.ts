// demo/src/providers.ts
// Which provider the demo runs on: the built-in local provider (default), or an
// adapter talking over real HTTP to its provider's sandbox, started in-process.
//   PROVIDER=textmagic|telnyx|messagebird|twilio|vonage npm start

import {
  localProvider,
  messagebirdProvider,
  telnyxProvider,
  textmagicProvider,
  twilioProvider,
  vonageProvider,
  type PhoneVerifyOptions,
  type VerifyProvider,
} from '@phone-verify/server-plugin';
import { MessagebirdSandbox, TelnyxSandbox, TextmagicSandbox, TwilioSandbox, VonageSandbox } from '@phone-verify/server-plugin/testing';
import type { DemoPhones } from './phone.js';

export const PROVIDERS = ['local', 'textmagic', 'telnyx', 'messagebird', 'twilio', 'vonage'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

export interface DemoBackend {
  provider: VerifyProvider;
  /** Where the provider's API is, for the start-up line. */
  description: string;
  /** Policy this provider needs (Vonage ends a verification at its 3rd wrong code). */
  policy?: Pick<PhoneVerifyOptions, 'maxAttempts'>;
  close(): Promise<void>;
}

type Sandbox = TextmagicSandbox | TelnyxSandbox | MessagebirdSandbox | TwilioSandbox | VonageSandbox;

async function onSandbox(sandbox: Sandbox, phones: DemoPhones, adapter: (baseUrl: string) => VerifyProvider): Promise<DemoBackend> {
  const baseUrl = await sandbox.listen();
  sandbox.on('message', (message) => phones.deliverToNumber(message));
  const provider = phones.track(adapter(baseUrl));
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
        provider: localProvider({ sender: phones.sender, brand: 'Demo', domain: 'localhost', ...(codeSecret ? { secret: codeSecret } : {}) }),
        description: 'local provider (codes made here, shown on the demo phone)',
        close: async () => {},
      };
    case 'textmagic':
      return onSandbox(new TextmagicSandbox({ username: 'demo', apiKey: 'demo-key' }), phones, (baseUrl) =>
        textmagicProvider({ username: 'demo', apiKey: 'demo-key', brand: 'Demo', baseUrl }),
      );
    case 'telnyx': {
      // A real Telnyx profile defaults to 5-digit codes; ours must say 6, as a deployment's would.
      const sandbox = new TelnyxSandbox({ apiKey: 'demo-key', codeLength: 6 });
      return onSandbox(sandbox, phones, (baseUrl) =>
        telnyxProvider({ apiKey: 'demo-key', verifyProfileId: sandbox.verifyProfileId, baseUrl }),
      );
    }
    case 'messagebird':
      return onSandbox(new MessagebirdSandbox({ accessKey: 'demo-key' }), phones, (baseUrl) =>
        messagebirdProvider({ accessKey: 'demo-key', originator: 'Demo', baseUrl }),
      );
    case 'twilio': {
      const accountSid = `AC${'0'.repeat(32)}`;
      const sandbox = new TwilioSandbox({ accountSid, authToken: 'demo-token' });
      return onSandbox(sandbox, phones, (baseUrl) =>
        twilioProvider({ accountSid, authToken: 'demo-token', serviceSid: sandbox.serviceSid, baseUrl }),
      );
    }
    case 'vonage': {
      const backend = await onSandbox(new VonageSandbox({ apiKey: 'demo-key', apiSecret: 'demo-secret' }), phones, (baseUrl) =>
        vonageProvider({ apiKey: 'demo-key', apiSecret: 'demo-secret', brand: 'Demo', baseUrl }),
      );
      // Vonage ends a verification at the 3rd wrong code: say so, or "attempts left" would mislead.
      return { ...backend, policy: { maxAttempts: 3 } };
    }
  }
}
