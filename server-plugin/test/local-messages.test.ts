// server-plugin/test/local-messages.test.ts
// The local provider's message in the user's language (issue 13): the widget's locale
// reaches the message over HTTP (POST /start), in every language the widget ships.

import { describe, expect, it } from 'vitest';
import { localProvider } from '../src/index.js';
import { LOCAL_TEXTS, localTexts } from '../src/providers/local-messages.js';
import { createTestApp, type SentMessage } from './harness.js';

const GB = '+447400123456';
/** The widget's shipped languages (widget/src/i18n.ts). */
const SHIPPED = ['en', 'ar', 'de', 'es', 'fr', 'it', 'ja', 'nl', 'pl', 'pt-BR', 'zh-CN'];

describe('local provider messages', () => {
  it('should have a text message and a voice text for every shipped language, with every placeholder', () => {
    expect(Object.keys(LOCAL_TEXTS).sort()).toEqual([...SHIPPED].sort());
    for (const [tag, texts] of Object.entries(LOCAL_TEXTS)) {
      expect(texts.sms.match(/\{\w+\}/g)!.sort(), tag).toEqual(['{brand}', '{code}', '{minutes}']);
      expect(texts.voice.match(/\{\w+\}/g)!.sort(), tag).toEqual(['{brand}', '{spoken}', '{spoken}']);
      // The code first, so a notification preview shows it.
      expect(texts.sms.startsWith('{code}'), tag).toBe(true);
      if (tag !== 'en') expect(texts.sms, tag).not.toBe(LOCAL_TEXTS.en!.sms);
    }
  });

  it('should resolve a tag as the widget does', () => {
    expect(localTexts('de-AT')).toBe(LOCAL_TEXTS.de);
    expect(localTexts('pt-PT')).toBe(LOCAL_TEXTS['pt-BR']);
    expect(localTexts('zh')).toBe(LOCAL_TEXTS['zh-CN']);
    expect(localTexts('zh-Hant-TW')).toBe(LOCAL_TEXTS.en);
    expect(localTexts('ar_EG')).toBe(LOCAL_TEXTS.ar);
    expect(localTexts('sv')).toBe(LOCAL_TEXTS.en);
    expect(localTexts(undefined)).toBe(LOCAL_TEXTS.en);
  });

  it.each(SHIPPED)('should send the text in %s when the widget asks in it, the origin-bound line last', async (locale) => {
    const outbox: SentMessage[] = [];
    const { agent } = createTestApp({
      provider: localProvider({ sender: (phone, text, channel) => void outbox.push({ phone, text, channel }), domain: 'example.com', brand: 'Acme' }),
    });
    const res = await agent.post('/auth/phone/start').send({ phone: GB, locale });
    expect(res.status).toBe(200);
    const text = outbox[0]!.text;
    const code = text.match(/^(\d{6})/)![1]!;
    const [body, bound] = text.split('\n\n');
    expect(body).toBe(LOCAL_TEXTS[locale]!.sms.replace('{code}', code).replace('{brand}', 'Acme').replace('{minutes}', '5'));
    expect(bound).toBe(`@example.com #${code}`);
  });

  it('should read the voice text in the language asked for, digit by digit', async () => {
    const outbox: SentMessage[] = [];
    const { agent } = createTestApp({ provider: localProvider({ sender: (phone, text, channel) => void outbox.push({ phone, text, channel }) }) });
    expect((await agent.post('/auth/phone/start').send({ phone: GB, channel: 'voice', locale: 'fr' })).status).toBe(200);
    expect(outbox[0]!.text).toMatch(/^Votre code phone-verify est (\d(?: \d){5})\. Je répète : \1\.$/);
  });
});
