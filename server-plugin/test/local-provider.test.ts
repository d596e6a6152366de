// The built-in provider: how it makes, keeps, words and checks codes.

import { describe, expect, it, vi } from 'vitest';
import { consoleLogger, localProvider, PhoneVerifyError, type Sender, type StartRequest } from '../src/index.js';
import type { Channel } from '../src/protocol.js';
import { createTestService, type SentMessage } from './harness.js';
import { wrongCode } from './support/index.js';

function request(overrides: Partial<StartRequest> = {}): StartRequest {
  return {
    verificationId: 'v1',
    phone: '+447400123456',
    channel: 'sms',
    codeLength: 6,
    ttlSeconds: 300,
    maxAttempts: 5,
    ...overrides,
  };
}

function outboxProvider(options: Parameters<typeof localProvider>[0] = {}) {
  const outbox: SentMessage[] = [];
  const sender: Sender = (phone, text, channel: Channel) => void outbox.push({ phone, text, channel });
  return { provider: localProvider({ sender, ...options }), outbox };
}

/** The code the local provider put in its default SMS text: the digits it starts with. */
function leadingCode(text: string): string {
  const match = text.match(/^(\d+) is your/);
  if (!match) throw new Error(`no code at the start of ${JSON.stringify(text)}`);
  return match[1]!;
}

const pending = (id: string, state: Record<string, string | number | boolean | null>) => ({
  id,
  phone: '+447400123456',
  channel: 'sms' as const,
  createdAt: 0,
  state,
});

describe('localProvider', () => {
  describe('when it makes codes', () => {
    it('should make 6-digit codes by default, leading zeros kept, over many starts', async () => {
      const { provider, outbox } = outboxProvider();
      for (let i = 0; i < 400; i++) await provider.start(request({ verificationId: `v${i}` }));
      const codes = outbox.map((m) => leadingCode(m.text));
      for (const code of codes) expect(code).toMatch(/^\d{6}$/);
      // P(no code among 400 starts with 0) = 0.9^400 ≈ 5e-19: a code that lost its zero would show up.
      expect(codes.some((c) => c.startsWith('0'))).toBe(true);
      // Random, not a counter or a constant.
      expect(new Set(codes).size).toBeGreaterThan(390);
    });

    it('should make 8-digit codes when asked', async () => {
      const { provider, outbox } = outboxProvider();
      for (let i = 0; i < 50; i++) await provider.start(request({ codeLength: 8 }));
      for (const m of outbox) expect(leadingCode(m.text)).toMatch(/^\d{8}$/);
    });
  });

  describe('when it keeps state', () => {
    it('should return only an HMAC of the code, with the code nowhere in it', async () => {
      const { provider, outbox } = outboxProvider();
      const started = await provider.start(request());
      const code = leadingCode(outbox[0]!.text);
      expect(Object.keys(started.state)).toEqual(['codeHmac']);
      expect(Buffer.from(String(started.state.codeHmac), 'base64')).toHaveLength(32);
      expect(JSON.stringify(started)).not.toContain(code);
    });

    it('should leave the code out of the stored verification', async () => {
      const { service, store, lastCode } = createTestService();
      const { verification } = await service.start({ phone: '+447400123456' });
      const stored = await store.get(verification.id);
      expect(stored).toBeDefined();
      expect(JSON.stringify(stored)).not.toContain(lastCode());
    });
  });

  describe('when it checks codes', () => {
    it('should approve the right code', async () => {
      const { provider, outbox } = outboxProvider();
      const started = await provider.start(request());
      await expect(provider.check(pending('v1', started.state), leadingCode(outbox[0]!.text))).resolves.toEqual({ status: 'approved' });
    });

    it('should call a wrong code wrong', async () => {
      const { provider, outbox } = outboxProvider();
      const started = await provider.start(request());
      const code = leadingCode(outbox[0]!.text);
      const wrong = wrongCode(code);
      await expect(provider.check(pending('v1', started.state), wrong)).resolves.toEqual({ status: 'wrong' });
    });

    it('should refuse a code bound to one verification for another', async () => {
      const { provider, outbox } = outboxProvider();
      const started = await provider.start(request({ verificationId: 'first' }));
      const code = leadingCode(outbox[0]!.text);
      await expect(provider.check(pending('second', started.state), code)).resolves.toEqual({ status: 'wrong' });
    });

    it('should refuse a code from another provider instance (another secret)', async () => {
      const a = outboxProvider();
      const b = outboxProvider();
      const started = await a.provider.start(request());
      await expect(b.provider.check(pending('v1', started.state), leadingCode(a.outbox[0]!.text))).resolves.toEqual({ status: 'wrong' });
    });

    it('should call input of any length wrong without throwing', async () => {
      const { provider } = outboxProvider();
      const started = await provider.start(request());
      for (const code of ['', '1', '12345', '1234567', '1'.repeat(100)]) {
        await expect(provider.check(pending('v1', started.state), code)).resolves.toEqual({ status: 'wrong' });
      }
    });

    it('should call a code wrong, not throw, when the stored HMAC has another length or is missing', async () => {
      const { provider } = outboxProvider();
      for (const state of [{ codeHmac: 'c2hvcnQ=' }, { codeHmac: '' }, {}] as Array<Record<string, string>>) {
        await expect(provider.check(pending('v1', state), '123456')).resolves.toEqual({ status: 'wrong' });
      }
    });
  });

  describe('when it words messages', () => {
    it('should put the code in the text message', async () => {
      const { provider, outbox } = outboxProvider({ brand: 'Acme' });
      await provider.start(request({ ttlSeconds: 300 }));
      const text = outbox[0]!.text;
      expect(text).toMatch(/^\d{6} is your Acme code\. It expires in 5 minutes\./);
      expect(text).not.toContain('@');
    });

    it('should end with the origin-bound line "@domain #code" when domain is set', async () => {
      const { provider, outbox } = outboxProvider({ domain: 'example.com' });
      await provider.start(request());
      const text = outbox[0]!.text;
      const code = leadingCode(text);
      const lines = text.split('\n');
      expect(lines.at(-1)).toBe(`@example.com #${code}`);
    });

    it('should space the digits of a voice message and leave out the origin-bound line', async () => {
      const { provider, outbox } = outboxProvider({ domain: 'example.com' });
      await provider.start(request({ channel: 'voice' }));
      const { text, channel } = outbox[0]!;
      expect(channel).toBe('voice');
      const spoken = text.match(/code is ((?:\d ){5}\d)\./)?.[1];
      expect(spoken).toBeDefined();
      expect(text).toBe(`Your phone-verify code is ${spoken}. Again: ${spoken}.`);
    });

    it('should hand the sender the number, the channel and a custom message', async () => {
      const message = vi.fn(
        (code: string, ctx: { channel: Channel; minutes: number; locale?: string }) => `code ${code} (${ctx.channel}, ${ctx.minutes} min, ${ctx.locale})`,
      );
      const { provider, outbox } = outboxProvider({ message });
      await provider.start(request({ ttlSeconds: 61, locale: 'de' }));
      expect(outbox[0]).toEqual({ phone: '+447400123456', channel: 'sms', text: expect.stringMatching(/^code \d{6} \(sms, 2 min, de\)$/) });
    });

    it('should advertise its channels and code lengths', () => {
      expect(localProvider({ sender: () => {} })).toMatchObject({ name: 'local', channels: ['sms', 'voice'], codeLengths: [6, 7, 8, 9, 10] });
      expect(localProvider({ sender: () => {}, channels: ['whatsapp'] }).channels).toEqual(['whatsapp']);
    });
  });

  describe('when the sender fails', () => {
    it('should fail the start with provider_unavailable, through the service', async () => {
      const { service, store } = createTestService(
        {},
        {
          sender: () => {
            throw new Error('gateway down');
          },
        },
      );
      await expect(service.start({ phone: '+447400123456' })).rejects.toMatchObject({
        name: 'PhoneVerifyError',
        code: 'provider_unavailable',
        status: 503,
        retryAfter: 5,
      });
      expect(store.size).toBe(0);
    });

    it('should pass on a PhoneVerifyError the sender throws', async () => {
      const { service } = createTestService(
        {},
        {
          sender: () => {
            throw new PhoneVerifyError('provider_error', 'The SMS gateway refused our credentials.');
          },
        },
      );
      await expect(service.start({ phone: '+447400123456' })).rejects.toMatchObject({ code: 'provider_error', status: 502 });
    });

    it('should fail the start with provider_unavailable when the sender rejects', async () => {
      const { service } = createTestService({}, { sender: () => Promise.reject(new Error('gateway down')) });
      await expect(service.start({ phone: '+447400123456' })).rejects.toMatchObject({ code: 'provider_unavailable' });
    });
  });

  describe('when a failing sender echoes what it was given', () => {
    it.each(['sms', 'voice'] as const)('should keep the %s message, the code and the number out of the error', async (channel) => {
      let sent = '';
      const provider = localProvider({
        sender: (phone, text) => {
          sent = text;
          throw new Error(`refused ${phone} (${phone.slice(1)}): ${text}`);
        },
      });
      const error = (await provider.start(request({ channel })).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe('sender failed: refused +********3456 (+********3456): [message]');
      const code = sent.replace(/\D/g, '').slice(0, 6);
      expect(error.message).not.toContain(code);
    });

    it('should keep a code quoted on its own out of the error', async () => {
      const provider = localProvider({
        sender: (_phone, text) => {
          throw new Error(`template rejected near "${text.slice(0, 6)}"`);
        },
      });
      const error = (await provider.start(request()).catch((e: unknown) => e)) as Error;
      expect(error.message).toBe('sender failed: template rejected near "[code]"');
    });
  });

  describe('consoleSender', () => {
    it('should print a masked number', async () => {
      const info = vi.spyOn(consoleLogger, 'info').mockImplementation(() => {});
      try {
        const provider = localProvider();
        await provider.start(request({ phone: '+447400123456' }));
        expect(info).toHaveBeenCalledTimes(1);
        const line = info.mock.calls[0]![0];
        expect(line).toMatch(/^sms to \+\*{8}3456: \d{6} is your phone-verify code/);
        expect(line).not.toContain('447400123456');
      } finally {
        info.mockRestore();
      }
    });
  });
});
