// widget/src/countries.ts
// The country list of the picker: names from Intl.DisplayNames in the element's
// language, and the search (name, English name, ISO code, calling code).

import type { CountryOption } from '@phone-verify/server-plugin/protocol';
import { safeLocale } from './locale-tag.js';

export interface Country extends CountryOption {
  /** The country's name in the element's language. */
  name: string;
  /** Folded text the search looks in. */
  search: string;
}

function names(locale: string): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames([locale, 'en'], { type: 'region' });
  } catch {
    return undefined;
  }
}

/** One country's name in `locale` (its ISO code when Intl cannot name it). */
export function regionName(country: string, locale: string): string {
  return names(locale)?.of(country) ?? country;
}

/** Lower case, accents dropped: `Åland` and `aland` match. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The server's countries, named in the language of `tag` (English when it is unusable: safeLocale) and sorted by that name. */
export function countryList(options: readonly CountryOption[], tag: string): Country[] {
  const locale = safeLocale(tag);
  const local = names(locale);
  const english = names('en');
  return options
    .map((option) => {
      const name = local?.of(option.country) ?? option.country;
      return { ...option, name, search: fold(` ${name} ${english?.of(option.country) ?? ''} ${option.country}`) };
    })
    .sort((a, b) => a.name.localeCompare(b.name, locale));
}

/**
 * The countries matching `query`: by calling code when it is `+` and digits, else by
 * ISO code (exact matches first), then the start of a word of the name, then anywhere in it.
 */
export function filterCountries(list: Country[], query: string): Country[] {
  const q = fold(query.trim());
  if (!q) return list;
  const code = q.replace(/^\+/, '');
  if (/^\d+$/.test(code)) {
    const found = list.filter((c) => c.callingCode.startsWith(code));
    return [...found.filter((c) => c.callingCode === code), ...found.filter((c) => c.callingCode !== code)];
  }
  const ranked: Country[][] = [[], [], []];
  for (const c of list) {
    if (c.country.toLowerCase() === q) ranked[0]!.push(c);
    else if (c.search.includes(` ${q}`)) ranked[1]!.push(c);
    else if (c.search.includes(q)) ranked[2]!.push(c);
  }
  return ranked.flat();
}
