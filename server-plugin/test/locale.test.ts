// server-plugin/test/locale.test.ts
// The widget's language reaches the message (issue 13): the `locale` of POST /start and
// POST /resend goes through the router and the service to each adapter, which puts it in
// its provider's own field (Twilio `Locale`, Vonage `locale`, Textmagic `language`,
// MessageBird `language` for calls, Telnyx a Verify profile per language), as the
// provider's sandbox receives it over HTTP. The local provider writes the text itself.

import { afterEach, describe, expect, it } from 'vitest';
import { messagebirdProvider } from '../src/providers/messagebird.js';
import { telnyxProvider } from '../src/providers/telnyx.js';
import { textmagicProvider } from '../src/providers/textmagic.js';
import { twilioProvider } from '../src/providers/twilio.js';
import { vonageProvider } from '../src/providers/vonage.js';
import type { VerifyProvider } from '../src/providers/types.js';
import { MessagebirdSandbox, TelnyxSandbox, TextmagicSandbox, TwilioSandbox, VonageSandbox, type ProviderSandbox } from '../src/testing/index.js';
import { createTestApp } from './harness.js';

const GB = '+447400123456';

interface Case {
  name: string;
  open(): ProviderSandbox;
  adapter(sandbox: ProviderSandbox): VerifyProvider;
  /** The start's channel (MessageBird reads a language for calls only). */
  channel?: 'voice';
  /** What the provider's own limits ask of the service. */
  maxAttempts?: number;
  /** The field, as the test's title says it. */
  says: string;
  /** The provider's field in the start request's body, for `de`. */
  field: (sandbox: ProviderSandbox) => Record<string, unknown>;
}

const TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'f00dfeedf00dfeedf00dfeedf00dfeed',
  serviceSid: 'VAfedcba9876543210fedcba9876543210',
};
const telnyxGerman = new WeakMap<ProviderSandbox, string>();

const CASES: Case[] = [
  {
    name: 'twilio',
    open: () => new TwilioSandbox(TWILIO),
    adapter: (s) => twilioProvider({ ...TWILIO, baseUrl: s.url }),
    field: () => ({ Locale: 'de' }),
    says: 'Locale=de',
  },
  {
    name: 'vonage',
    open: () => new VonageSandbox({ apiKey: 'vg-key', apiSecret: 'vg-secret-value' }),
    adapter: (s) => vonageProvider({ apiKey: 'vg-key', apiSecret: 'vg-secret-value', brand: 'Acme', baseUrl: s.url }),
    field: () => ({ locale: 'de-de' }),
    says: 'locale: de-de',
    maxAttempts: 3,
  },
  {
    name: 'textmagic',
    open: () => new TextmagicSandbox({ username: 'demo', apiKey: 'tm-secret-key' }),
    adapter: (s) => textmagicProvider({ username: 'demo', apiKey: 'tm-secret-key', brand: 'Acme', baseUrl: s.url }),
    field: () => ({ language: 'de-de' }),
    says: 'language: de-de',
  },
  {
    name: 'messagebird',
    open: () => new MessagebirdSandbox({ accessKey: 'test_gshuPaZoeEG6ovbc8M79w0QyM' }),
    adapter: (s) => messagebirdProvider({ accessKey: 'test_gshuPaZoeEG6ovbc8M79w0QyM', originator: 'Acme', baseUrl: s.url }),
    channel: 'voice',
    field: () => ({ type: 'tts', language: 'de-de' }),
    says: 'language: de-de (a call)',
  },
  {
    name: 'telnyx',
    open: () => {
      const sandbox = new TelnyxSandbox({ apiKey: 'KEY0123456789secret', codeLength: 6 });
      const codes = { code_length: 6, default_verification_timeout_secs: 300 };
      telnyxGerman.set(sandbox, sandbox.profiles.add({ name: 'de', language: 'de-DE', sms: { ...codes }, call: { ...codes } }).id);
      return sandbox;
    },
    adapter: (s) =>
      telnyxProvider({
        apiKey: 'KEY0123456789secret',
        verifyProfileId: (s as TelnyxSandbox).verifyProfileId,
        verifyProfileIds: { de: telnyxGerman.get(s)! },
        baseUrl: s.url,
      }),
    field: (s) => ({ verify_profile_id: telnyxGerman.get(s) }),
    says: 'the German Verify profile',
  },
];

describe('the widget\u2019s locale in each provider\u2019s own field', () => {
  let sandbox: ProviderSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  for (const c of CASES) {
    it(`${c.name}: POST /start with locale "de" arrives as ${c.says}`, async () => {
      sandbox = c.open();
      await sandbox.listen();
      const { agent } = createTestApp({ provider: c.adapter(sandbox), options: { resendAfter: 30, ...(c.maxAttempts ? { maxAttempts: c.maxAttempts } : {}) } });
      const res = await agent.post('/auth/phone/start').send({ phone: GB, locale: 'de', ...(c.channel ? { channel: c.channel } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const starts = sandbox.requests.filter((r) => r.method === 'POST');
      expect(starts).toHaveLength(1);
      expect(starts[0]!.body).toMatchObject(c.field(sandbox));
    });
  }

  it('twilio: POST /resend carries its own locale (the page may have switched language)', async () => {
    sandbox = CASES[0]!.open();
    await sandbox.listen();
    const { agent, clock } = createTestApp({ provider: CASES[0]!.adapter(sandbox), options: { resendAfter: 30 } });
    expect((await agent.post('/auth/phone/start').send({ phone: GB, locale: 'de' })).status).toBe(200);
    clock.advance(31);
    const res = await agent.post('/auth/phone/resend').send({ locale: 'fr' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(sandbox.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { Locale?: string }).Locale)).toEqual(['de', 'fr']);
  });

  it('refuses a locale that is not a short string with invalid_request, and sends nothing', async () => {
    sandbox = CASES[0]!.open();
    await sandbox.listen();
    const { agent } = createTestApp({ provider: CASES[0]!.adapter(sandbox) });
    for (const locale of [42, 'x'.repeat(36)]) {
      const res = await agent.post('/auth/phone/start').send({ phone: GB, locale });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect(sandbox.requests).toHaveLength(0);
  });
});
