// widget/src/country/country-choice.ts
// The countries the picker offers, named in the element's language, and the one it starts on.

import type { ConfigResponse, CountryOption } from '@phone-verify/server-plugin/protocol';
import { countryList, type Country } from '../countries.js';

/** `countryList` for a configuration and a language, computed again only when either changes. */
export function namedCountries(): (config: ConfigResponse | undefined, tag: string) => Country[] {
  let last: { config: ConfigResponse | undefined; tag: string; list: Country[] } | undefined;
  return (config, tag) => {
    if (!last || last.config !== config || last.tag !== tag) last = { config, tag, list: countryList(config?.countries ?? [], tag) };
    return last.list;
  };
}

/** The first of `wanted` the server allows, else the browser languages' region, else the first country. */
export function pickCountry(countries: readonly CountryOption[], wanted: readonly (string | undefined)[]): string {
  const allowed = new Set(countries.map((c) => c.country));
  const regions = (navigator.languages?.length ? navigator.languages : [navigator.language]).map((tag) => {
    try {
      return new Intl.Locale(tag).maximize().region;
    } catch {
      return undefined;
    }
  });
  for (const candidate of [...wanted, ...regions]) {
    const upper = candidate?.toUpperCase();
    if (upper && allowed.has(upper)) return upper;
  }
  return countries[0]?.country ?? '';
}
