// widget/src/i18n.ts
// The element's small localisation mechanism: English is bundled (messages.ts, the rest
// of it with the code step); every
// other language is one message module in ./locales/, fetched on first use.

import { safeLocale } from './locale-tag.js';
import { english, type PhoneVerifyMessages } from './messages.js';

type Loader = () => Promise<{ default: PhoneVerifyMessages }>;

/** The languages that ship, besides English. Each `import()` becomes its own chunk. */
const loaders: Record<string, Loader> = {
  ar: () => import('./locales/ar.js'),
  de: () => import('./locales/de.js'),
  es: () => import('./locales/es.js'),
  fr: () => import('./locales/fr.js'),
  it: () => import('./locales/it.js'),
  ja: () => import('./locales/ja.js'),
  nl: () => import('./locales/nl.js'),
  pl: () => import('./locales/pl.js'),
  'pt-BR': () => import('./locales/pt-BR.js'),
  'zh-CN': () => import('./locales/zh-CN.js'),
};

/** Every locale the element has messages for. */
export const locales: readonly string[] = ['en', ...Object.keys(loaders)];

/**
 * The shipped locale for a BCP 47 tag: the exact tag, else one of its language
 * (`de-AT` → `de`, `pt-PT` → `pt-BR`, `zh` → `zh-CN` but not Traditional Chinese), else `en`.
 */
export function resolveLocale(tag: string): string {
  const lower = tag.toLowerCase();
  const language = lower.split('-')[0];
  if (language === 'zh' && /-(hant|tw|hk|mo)\b/.test(lower)) return 'en';
  return locales.find((l) => l.toLowerCase() === lower) ?? locales.find((l) => l.split('-')[0] === language) ?? 'en';
}

/** Languages written right to left (for `dir`), whether or not their messages ship. */
export function isRightToLeft(tag: string): boolean {
  return /^(ar|he|iw|fa|ur|ps|sd|ug|yi|dv|ckb)\b/i.test(tag);
}

const cache = new Map<string, Promise<PhoneVerifyMessages>>();

/** The messages of a shipped locale; English when it is `en`, unknown, or fails to load. */
export function loadMessages(locale: string): Promise<PhoneVerifyMessages> {
  const loader = loaders[locale];
  if (!loader) return Promise.resolve(english);
  let messages = cache.get(locale);
  if (!messages) {
    messages = loader().then(
      (module) => module.default,
      () => {
        cache.delete(locale); // try again next time
        return english;
      },
    );
    cache.set(locale, messages);
  }
  return messages;
}

/** A duration for sentences: "30 seconds", "2 minutes", in the given language. */
export function formatDuration(seconds: number, locale: string): string {
  const minutes = seconds >= 120;
  const value = minutes ? Math.ceil(seconds / 60) : Math.max(0, Math.ceil(seconds));
  return new Intl.NumberFormat(safeLocale(locale), { style: 'unit', unit: minutes ? 'minute' : 'second', unitDisplay: 'long' }).format(value);
}
