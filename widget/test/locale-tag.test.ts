// widget/test/locale-tag.test.ts
// Language tags that are not BCP 47 (WebKitGTK's navigator.language "C" under LANG=C.UTF-8,
// a page's lang="en_GB" or lang="!!"): the element falls back to English and a sane
// country, and never throws.

import { expect, html } from '@open-wc/testing';
import { countryList } from '../src/countries.js';
import { formatDuration } from '../src/i18n.js';
import type { PhoneVerify } from '../src/index.js';
import { safeLocale } from '../src/locale-tag.js';
import { countryButtonName, labelFor, loaded, part, resetServer, typeInto } from './helpers.js';

const OPTIONS = [
  { country: 'GB', callingCode: '44' },
  { country: 'DE', callingCode: '49' },
  { country: 'US', callingCode: '1' },
];

/** Makes the browser report `language` (and only it) until `restore` is called. */
function browserLanguage(language: string): { restore: () => void } {
  Object.defineProperty(navigator, 'language', { configurable: true, get: () => language });
  Object.defineProperty(navigator, 'languages', { configurable: true, get: () => Object.freeze([language]) });
  return {
    restore: () => {
      // Removes the own properties; Navigator.prototype's getters show through again.
      delete (navigator as unknown as { language?: string }).language;
      delete (navigator as unknown as { languages?: string[] }).languages;
    },
  };
}

describe('safeLocale', () => {
  it('should keep and canonicalise a well-formed tag', () => {
    expect(safeLocale('de')).to.equal('de');
    expect(safeLocale('EN-gb')).to.equal('en-GB');
    expect(safeLocale('zh-hans-cn')).to.equal('zh-Hans-CN');
    expect(safeLocale(' fr-CA ')).to.equal('fr-CA');
  });

  it('should read a POSIX locale name as the tag it means', () => {
    expect(safeLocale('de_DE.UTF-8')).to.equal('de-DE');
    expect(safeLocale('pt_BR')).to.equal('pt-BR');
    expect(safeLocale('en_GB@euro')).to.equal('en-GB');
  });

  it('should give English for the POSIX "C" locale, empty and malformed tags', () => {
    for (const tag of ['C', 'c', 'C.UTF-8', 'POSIX', '', '   ', '!!', 'en-', '-', 'x', 'en--GB', '12', 'de-DE-u-', undefined, null]) {
      expect(safeLocale(tag), String(tag)).to.equal('en');
    }
  });

  it('should give English for a well-formed language this browser has no data for', () => {
    expect(safeLocale('qaa')).to.equal('en');
    expect(safeLocale('zxx')).to.equal('en');
  });

  it('should make every Intl call it feeds work', () => {
    for (const tag of ['C', 'POSIX', '!!', 'qaa', 'de_DE', 'ja']) {
      const locale = safeLocale(tag);
      expect(() => new Intl.DisplayNames([locale], { type: 'region' }).of('GB'), tag).to.not.throw();
      expect(() => 'a'.localeCompare('b', locale), tag).to.not.throw();
      expect(() => new Intl.PluralRules(locale).select(1), tag).to.not.throw();
    }
  });
});

describe('the country list and durations with a bad language tag', () => {
  it('should name and sort countries in English for "C", "POSIX" and malformed tags', () => {
    for (const tag of ['C', 'POSIX', '!!', 'en_', 'qaa']) {
      const list = countryList(OPTIONS, tag);
      expect(
        list.map((c) => c.name),
        tag,
      ).to.deep.equal(['Germany', 'United Kingdom', 'United States']);
    }
  });

  it('should still name countries in a POSIX-spelled language', () => {
    expect(countryList(OPTIONS, 'de_DE.UTF-8').map((c) => c.name)).to.deep.equal(['Deutschland', 'Vereinigte Staaten', 'Vereinigtes Königreich']);
  });

  it('should say durations in English', () => {
    expect(formatDuration(30, 'C')).to.equal('30 seconds');
    expect(formatDuration(300, '!!')).to.equal('5 minutes');
  });
});

describe('<phone-verify> with a bad language tag', () => {
  let language: { restore: () => void } | undefined;

  beforeEach(resetServer);

  afterEach(() => {
    language?.restore();
    language = undefined;
  });

  for (const tag of ['C', 'POSIX']) {
    it(`should work in English with a sane country when the browser reports "${tag}"`, async () => {
      language = browserLanguage(tag);
      expect(navigator.language).to.equal(tag);
      const el = await loaded();
      expect(el.step).to.equal('enter-phone');
      expect(el.locale).to.equal('en');
      expect(part(el, 'submit').textContent!.trim()).to.equal('Send code');
      expect(labelFor(el, 'phone')).to.equal('Phone number');
      // No region to read from "C": the server's first allowed country.
      expect(['GB', 'DE', 'US']).to.include(el.selectedCountry);
      expect(countryButtonName(el)).to.match(/^Country: (United Kingdom GB|Germany DE|United States US) \+\d+$/);
    });
  }

  for (const tag of ['!!', 'en_', 'qaa', 'x']) {
    it(`should work in English with lang="${tag}" and send the server a valid tag`, async () => {
      const el = await loaded<PhoneVerify>(html`<phone-verify lang=${tag} default-country="GB"></phone-verify>`);
      expect(el.step).to.equal('enter-phone');
      expect(el.locale).to.equal('en');
      expect(part(el, 'submit').textContent!.trim()).to.equal('Send code');
      expect(countryButtonName(el)).to.equal('Country: United Kingdom GB +44');
      typeInto(part<HTMLInputElement>(el, 'phone-input'), '07400 12');
      part(el, 'submit').click();
      await el.updateComplete;
      expect(part(el, 'error').textContent!.trim()).to.equal('That number is too short.');
    });
  }
});
