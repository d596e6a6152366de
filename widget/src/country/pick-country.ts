// widget/src/country/pick-country.ts
// Which country the picker starts on.

import type { CountryOption } from '@phone-verify/server-plugin/protocol';

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
