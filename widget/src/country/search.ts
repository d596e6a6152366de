// widget/src/country/search.ts
// The country list's search (name, English name, ISO code, calling code): in the country
// list's chunk, since only an open list searches.

import type { Country } from '../countries.js';

/** Lower case, accents dropped: `Åland` and `aland` match. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

let english: Intl.DisplayNames | undefined;
/** The folded text a country is found by, made once per country object. */
const searchable = new WeakMap<Country, string>();

function searchText(c: Country): string {
  let text = searchable.get(c);
  if (text === undefined) {
    english ??= new Intl.DisplayNames(['en'], { type: 'region' });
    text = fold(` ${c.name} ${english.of(c.country) ?? ''} ${c.country}`);
    searchable.set(c, text);
  }
  return text;
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
    else if (searchText(c).includes(` ${q}`)) ranked[1]!.push(c);
    else if (searchText(c).includes(q)) ranked[2]!.push(c);
  }
  return ranked.flat();
}
