#!/usr/bin/env node
// server-plugin/src/testing/cli.ts
// Run one sandbox on its own: `node server-plugin/dist/testing/cli.js textmagic --port 4010`.
// Prints the base URL, then every message it "sends", until interrupted.

import { parseArgs } from 'node:util';
import { MessagebirdSandbox } from './messagebird.js';
import type { OutboxMessage, ProviderSandbox } from './sandbox.js';
import { TelnyxSandbox } from './telnyx.js';
import { TextmagicSandbox } from './textmagic.js';

const USAGE = `usage: cli.js <textmagic|telnyx|messagebird> [--port N] [--host H]
  textmagic:   [--username demo] [--api-key key]
  telnyx:      [--api-key key] [--verify-profile-id ID] [--code-length 6]
  messagebird: [--access-key key]`;

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
    help: { type: 'boolean', default: false },
  },
});

function create(kind: string | undefined): ProviderSandbox | undefined {
  switch (kind) {
    case 'textmagic':
      return new TextmagicSandbox({ username: values.username!, apiKey: values['api-key']! });
    case 'telnyx': {
      const options: ConstructorParameters<typeof TelnyxSandbox>[0] = { apiKey: values['api-key']!, codeLength: Number(values['code-length']) };
      if (values['verify-profile-id']) options.verifyProfileId = values['verify-profile-id'];
      return new TelnyxSandbox(options);
    }
    case 'messagebird':
      return new MessagebirdSandbox({ accessKey: values['access-key']! });
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
sandbox.on('message', (m: OutboxMessage) => console.log(`${new Date(m.at).toISOString()} ${m.channel} to ${m.to}: ${m.text}`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
}
