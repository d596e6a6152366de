// widget/src/countries.ts
// The country list of the picker: names from Intl.DisplayNames in the element's
// language (the list's search is in its chunk: country/search.ts).

import type { CountryOption } from '@phone-verify/server-plugin/protocol';
import { safeLocale } from './locale-tag.js';

export interface Country extends CountryOption {
  /** The country's name in the element's language. */
  name: string;
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

/** The server's countries, named in the language of `tag` (English when it is unusable: safeLocale) and sorted by that name. */
export function countryList(options: readonly CountryOption[], tag: string): Country[] {
  const locale = safeLocale(tag);
  const local = names(locale);
  return options.map((option) => ({ ...option, name: local?.of(option.country) ?? option.country })).sort((a, b) => a.name.localeCompare(b.name, locale));
}
