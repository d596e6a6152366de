#!/usr/bin/env node
// server-plugin/src/testing/cli.ts
// Run one sandbox on its own: `node server-plugin/dist/testing/cli.js textmagic --port 4010`.
// Prints the base URL, then every message it "sends", until interrupted.

import { parseArgs } from 'node:util';
import { MessagebirdSandbox } from './messagebird.js';
import type { OutboxMessage, ProviderSandbox } from './sandbox.js';
import { TelegramSandbox } from './telegram.js';
import { TelnyxSandbox } from './telnyx.js';
import { TextmagicSandbox } from './textmagic.js';
import { TwilioSandbox } from './twilio.js';
import { VonageSandbox } from './vonage.js';

const USAGE = `usage: cli.js <textmagic|telnyx|messagebird|twilio|vonage|telegram> [--port N] [--host H]
  textmagic:   [--username demo] [--api-key key]
  telnyx:      [--api-key key] [--verify-profile-id ID] [--code-length 6] [--flashcall]
  messagebird: [--access-key key]
  twilio:      [--account-sid AC…] [--auth-token token]
  vonage:      [--api-key key] [--api-secret secret]
  telegram:    [--token token] [--users +447400123456,+4915123456789]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    username: { type: 'string', default: 'demo' },
    'api-key': { type: 'string', default: 'key' },
    'access-key': { type: 'string', default: 'key' },
    'verify-profile-id': { type: 'string' },
    'code-length': { type: 'string', default: '6' },
    'account-sid': { type: 'string', default: `AC${'0'.repeat(32)}` },
    'auth-token': { type: 'string', default: 'token' },
    'api-secret': { type: 'string', default: 'secret' },
    flashcall: { type: 'boolean', default: false },
    token: { type: 'string', default: 'token' },
    users: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
});

function create(kind: string | undefined): ProviderSandbox | undefined {
  switch (kind) {
    case 'textmagic':
      return new TextmagicSandbox({ username: values.username!, apiKey: values['api-key']! });
    case 'telnyx': {
      const options: ConstructorParameters<typeof TelnyxSandbox>[0] = {
        apiKey: values['api-key']!,
        codeLength: Number(values['code-length']),
        flashcall: values.flashcall!,
      };
      if (values['verify-profile-id']) options.verifyProfileId = values['verify-profile-id'];
      return new TelnyxSandbox(options);
    }
    case 'messagebird':
      return new MessagebirdSandbox({ accessKey: values['access-key']! });
    case 'twilio':
      return new TwilioSandbox({ accountSid: values['account-sid']!, authToken: values['auth-token']! });
    case 'vonage':
      return new VonageSandbox({ apiKey: values['api-key']!, apiSecret: values['api-secret']! });
    case 'telegram':
      return new TelegramSandbox({ token: values.token!, users: values.users!.split(',').filter(Boolean) });
    default:
      return undefined;
  }
}

const sandbox = values.help ? undefined : create(positionals[0]);
if (!sandbox) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const url = await sandbox.listen(Number(values.port), values.host);
console.log(`${positionals[0]} sandbox listening on ${url}`);
if (sandbox instanceof TelnyxSandbox) console.log(`verify profile id: ${sandbox.verifyProfileId}`);
if (sandbox instanceof TwilioSandbox) console.log(`service sid: ${sandbox.serviceSid}`);
sandbox.on('message', (m: OutboxMessage) => console.log(`${new Date(m.at).toISOString()} ${m.channel} to ${m.to}: ${m.text}`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
}
