// widget/test/i18n.test.ts
// Languages: each locale loads lazily and shows its own words, the element follows
// its lang attribute (or an ancestor's), Arabic is laid out right to left with its
// digits read as digits, and the server is told the language.

import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from './wait.js';
import { defaultMessages, type PhoneVerify, type PhoneVerifyMessages } from '../src/index.js';
import { codeStepEnglish } from '../src/code/code-step.js';
import { locales, resolveLocale } from '../src/i18n.js';
import { codeFor, countryButtonName, errorText, GB_MOBILE, labelFor, loaded, part, resetServer, spyFetch, stepIs, typeInto } from './helpers.js';

const modules: Record<string, () => Promise<{ default: PhoneVerifyMessages }>> = {
  ar: () => import('../src/locales/ar.js'),
  de: () => import('../src/locales/de.js'),
  es: () => import('../src/locales/es.js'),
  fr: () => import('../src/locales/fr.js'),
  it: () => import('../src/locales/it.js'),
  ja: () => import('../src/locales/ja.js'),
  nl: () => import('../src/locales/nl.js'),
  pl: () => import('../src/locales/pl.js'),
  'pt-BR': () => import('../src/locales/pt-BR.js'),
  'zh-CN': () => import('../src/locales/zh-CN.js'),
};

/** Every `{placeholder}` in every message, by key path. */
function placeholders(messages: PhoneVerifyMessages): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') found[path] = (value.match(/\{\w+\}/g) ?? []).sort();
    else for (const [key, inner] of Object.entries(value as object)) walk(inner, path ? `${path}.${key}` : key);
  };
  walk(messages, '');
  return found;
}

async function inLanguage(lang: string): Promise<PhoneVerify> {
  const wrapper = await fixture<HTMLElement>(html`<div lang=${lang}><phone-verify default-country="GB"></phone-verify></div>`);
  const el = wrapper.querySelector('phone-verify')!;
  await stepIs(el, 'enter-phone');
  return el;
}

describe('<phone-verify> languages', () => {
  beforeEach(resetServer);

  it('should ship every locale asked for', () => {
    expect([...locales].sort()).to.deep.equal(['ar', 'de', 'en', 'es', 'fr', 'it', 'ja', 'nl', 'pl', 'pt-BR', 'zh-CN']);
  });

  it('should have an English ordinal form for each category of English ordinal rules', () => {
    const categories = new Intl.PluralRules('en', { type: 'ordinal' }).resolvedOptions().pluralCategories;
    expect(Object.keys(codeStepEnglish.ordinal).sort()).to.deep.equal([...categories].sort());
  });

  it('should pick the nearest shipped locale for a tag', () => {
    expect(resolveLocale('de-AT')).to.equal('de');
    expect(resolveLocale('pt')).to.equal('pt-BR');
    expect(resolveLocale('pt-PT')).to.equal('pt-BR');
    expect(resolveLocale('zh')).to.equal('zh-CN');
    expect(resolveLocale('zh-Hans-SG')).to.equal('zh-CN');
    expect(resolveLocale('zh-TW')).to.equal('en');
    expect(resolveLocale('en-GB')).to.equal('en');
    expect(resolveLocale('sv')).to.equal('en');
  });

  for (const [locale, load] of Object.entries(modules)) {
    describe(`in ${locale}`, () => {
      it('should translate every message and keep its placeholders', async () => {
        const { ordinal, ...messages } = (await load()).default;
        const { ordinal: _englishForms, ...english } = { ...codeStepEnglish, ...(await defaultMessages()) };
        // English of the code step's expiry sentences travels with its chunk (issue 13).
        expect(placeholders(messages as PhoneVerifyMessages)).to.deep.equal(placeholders(english));
        // "(2nd)": the ordinal's forms are the language's own, one per category of its ordinal rules, each with the number.
        const categories = new Intl.PluralRules(locale, { type: 'ordinal' }).resolvedOptions().pluralCategories;
        expect(Object.keys(ordinal!).sort()).to.deep.equal([...categories].sort());
        for (const form of Object.values(ordinal!)) expect(form).to.contain('{count}');
        expect(messages.sendCode).to.not.equal(english.sendCode);
        expect(messages.errors.rate_limited).to.not.equal(english.errors.rate_limited);
      });

      it('should load and show its own words, for the form and for a server error', async () => {
        const messages = (await load()).default;
        const el = await inLanguage(locale);
        await waitUntil(() => part(el, 'submit').textContent!.trim() === messages.sendCode, `${locale} did not load`);
        expect(labelFor(el, 'phone')).to.equal(messages.phoneLabel);
        expect(part(el, 'base').lang).to.equal(locale);
        const spy = spyFetch((url) =>
          url.endsWith('/start')
            ? Promise.resolve(new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'x' } }), { status: 429 }))
            : undefined,
        );
        try {
          typeInto(part<HTMLInputElement>(el, 'phone-input'), '07400 123456');
          part(el, 'submit').click();
          await waitUntil(() => errorText(el) !== '');
        } finally {
          spy.restore();
        }
        expect(errorText(el)).to.equal(messages.errors.rate_limited);
        expect(spy.calls.find((c) => c.url.endsWith('/start'))!.body).to.deep.include({ locale });
      });
    });
  }

  it('should follow a change of language and say when to try again in it', async () => {
    const el = await inLanguage('en');
    const wrapper = el.parentElement!;
    wrapper.lang = 'fr';
    await waitUntil(() => part(el, 'submit').textContent!.trim() === 'Envoyer le code', 'French did not load');
    expect(countryButtonName(el)).to.equal('Pays : Royaume-Uni GB +44');
    const spy = spyFetch((url) =>
      url.endsWith('/start')
        ? Promise.resolve(new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'x', retryAfter: 120 } }), { status: 429 }))
        : undefined,
    );
    try {
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '07400 123456');
      part(el, 'submit').click();
      await waitUntil(() => errorText(el) !== '');
    } finally {
      spy.restore();
    }
    expect(errorText(el)).to.equal('Trop de codes ont été demandés. Réessayez dans 2 minutes.');
  });

  it('should say a call’s label in the language, the number in it on one line', async () => {
    const el = await loaded(html`<phone-verify endpoint="/auth/fast" lang="de"></phone-verify>`);
    await waitUntil(() => part(el, 'base').lang === 'de', 'German did not load');
    typeInto(part<HTMLInputElement>(el, 'phone-input'), GB_MOBILE);
    part(el, 'submit').click();
    await stepIs(el, 'enter-code');
    await waitUntil(() => !el.shadowRoot!.querySelector<HTMLButtonElement>('[data-channel="voice"]')!.disabled, 'no call button', { timeout: 3000 });
    el.shadowRoot!.querySelector<HTMLButtonElement>('[data-channel="voice"]')!.click();
    await waitUntil(() => labelFor(el, 'code').startsWith('Wir rufen'), 'no call label');
    expect(labelFor(el, 'code')).to.equal('Wir rufen +44 7400 123456 an. Geben Sie den Code ein, den Sie hören.');
    expect(el.shadowRoot!.querySelector('label[for="code"] .number')!.textContent).to.equal('+44 7400 123456');
  });

  it('should use its own lang over the page’s', async () => {
    const el = await loaded(html`<phone-verify lang="de"></phone-verify>`);
    await waitUntil(() => part(el, 'submit').textContent!.trim() === 'Code senden', 'German did not load');
  });

  it('should fall back to English words, naming countries in the page language', async () => {
    const el = await inLanguage('sv');
    expect(part(el, 'submit').textContent!.trim()).to.equal('Send code');
    expect(part(el, 'base').lang).to.equal('en');
    expect(countryButtonName(el)).to.equal('Country: Storbritannien GB +44');
  });

  describe('in Arabic', () => {
    it('should lay out right to left, pass accessibility tests, and read Arabic-Indic digits', async () => {
      const el = await inLanguage('ar');
      await waitUntil(() => part(el, 'submit').textContent!.trim() === 'إرسال الرمز', 'Arabic did not load');
      const base = part(el, 'base');
      expect(base.dir).to.equal('rtl');
      expect(getComputedStyle(part(el, 'phone-input')).direction).to.equal('ltr'); // numbers stay left to right
      // Mirrored: labels start at the right edge; the number field's row reads left to right, like
      // the number in it: the country button (badge and calling code) first, at the left.
      const text = document.createRange();
      text.selectNodeContents(el.shadowRoot!.querySelector('label[for="phone"]')!);
      const label = text.getBoundingClientRect();
      const box = base.getBoundingClientRect();
      expect(box.right - label.right).to.be.lessThan(2);
      expect(label.left - box.left).to.be.greaterThan(40);
      const flag = part(el, 'flag').getBoundingClientRect();
      expect(flag.left - box.left).to.be.lessThan(24);
      expect(flag.right).to.be.at.most(part(el, 'phone-input').getBoundingClientRect().left);
      await expect(el).to.be.accessible();

      typeInto(part<HTMLInputElement>(el, 'phone-input'), '٠٧٤٠٠١٢٣٤٥٦');
      expect(part<HTMLInputElement>(el, 'phone-input').value).to.equal('07400 123456');
      part(el, 'submit').click();
      await stepIs(el, 'enter-code');
      expect(labelFor(el, 'code')).to.equal('أدخل الرمز المرسل إلى \u2066+44 7400 123456\u2069');
      await expect(el).to.be.accessible();
      const code = await codeFor(GB_MOBILE);
      const arabic = [...code].map((d) => String.fromCharCode(0x660 + Number(d))).join('');
      typeInto(part<HTMLInputElement>(el, 'code-input'), arabic);
      expect(part<HTMLInputElement>(el, 'code-input').value).to.equal(code);
      await stepIs(el, 'done');
      expect(part(el, 'done').textContent!.trim()).to.equal('تم التحقق من رقمك وتسجيل دخولك.');
    });

    it('should keep left to right where the page sets dir on the element', async () => {
      const el = await loaded(html`<phone-verify lang="ar" dir="ltr"></phone-verify>`);
      expect(part(el, 'base').hasAttribute('dir')).to.equal(false);
      expect(getComputedStyle(part(el, 'base')).direction).to.equal('ltr');
    });
  });
});
