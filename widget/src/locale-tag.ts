// widget/src/locale-tag.ts
// A language tag every Intl constructor accepts. Pages and browsers hand over tags that
// are not BCP 47: WebKitGTK reports navigator.language "C" under LANG=C.UTF-8, a page may
// say lang="en_GB" or lang="!!". Intl throws RangeError on those (ECMA-402 §6.2), so every
// tag goes through here first and anything unusable becomes English.

const FALLBACK = 'en';

/**
 * `tag` canonicalised (`EN-gb` → `en-GB`, POSIX `de_DE.UTF-8` → `de-DE`), or `en` when it
 * is empty, the POSIX "C"/"POSIX" locale, malformed, or a language this runtime has no data for.
 */
export function safeLocale(tag: string | null | undefined): string {
  // POSIX locale names: language_TERRITORY.codeset@modifier.
  const candidate = (tag ?? '')
    .trim()
    .replace(/[.@].*$/, '')
    .replace(/_/g, '-');
  if (!candidate || /^(c|posix)$/i.test(candidate)) return FALLBACK;
  try {
    const [canonical] = Intl.getCanonicalLocales(candidate);
    if (!canonical || Intl.NumberFormat.supportedLocalesOf([canonical]).length === 0) return FALLBACK;
    return canonical;
  } catch {
    return FALLBACK;
  }
}
