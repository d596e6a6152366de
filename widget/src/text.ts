// widget/src/text.ts
// Small pure helpers for what people type: other digit scripts, a code inside a
// pasted message, and a caret that stays put when a number is reformatted around it.

/** Arabic-Indic (U+0660…), Eastern Arabic-Indic (U+06F0…) and full-width (U+FF10…) digits and plus. */
const FOREIGN = /[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19\uff0b]/g;

/** `٠٧٤٠٠` → `07400`; each of those digit blocks starts at a multiple of 16. */
export function toAsciiDigits(text: string): string {
  return text.replace(FOREIGN, (c) => (c === '\uff0b' ? '+' : String(c.charCodeAt(0) % 16)));
}

/** How many digits and `+` signs come before `index`: what a caret position means, whatever the formatting. */
export function significantBefore(text: string, index: number): number {
  return text.slice(0, index).replace(/[^\d+]/g, '').length;
}

/** The caret position just after the `count`-th digit or `+` of `text` (0 for none, the end when there are fewer). */
export function caretAfter(text: string, count: number): number {
  if (count <= 0) return 0;
  for (let i = 0, seen = 0; i < text.length; i++) {
    if (/[\d+]/.test(text[i]!) && ++seen === count) return i + 1;
  }
  return text.length;
}

/**
 * The code in a pasted text: a run of exactly `length` digits if there is one
 * ("Your code is 123456. @example.com #123456"), else all the digits in order.
 * Arabic-Indic and full-width digits count as digits.
 */
export function extractCode(text: string, length: number): string {
  const runs = toAsciiDigits(text).match(/\d+/g) ?? [];
  return runs.find((run) => run.length === length) ?? runs.join('').slice(0, length);
}
