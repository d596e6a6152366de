// server-plugin/src/code.ts
// What a person typed as a code, read the same way whatever digits their keyboard has:
// Arabic-Indic, Devanagari, full-width… (Unicode category Nd) become ASCII digits, spaces
// and dashes go. Anything else is not a code at all, and costs no attempt.

import { errors } from './errors.js';

const DECIMAL_DIGIT = /^\p{Nd}$/u;
const SEPARATORS = /[\s\p{Pd}]/gu;
const ASCII_DIGITS = /^[0-9]+$/;

/**
 * The value of one Unicode decimal digit. Unicode encodes every Nd digit in contiguous
 * runs of ten from zero (Unicode Standard §4.6, stability policy), so a digit's value is
 * its distance from the start of its run, modulo ten (some runs follow each other, like
 * the mathematical digits U+1D7CE–U+1D7FF).
 */
function digitValue(codePoint: number): number {
  let start = codePoint;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return (codePoint - start) % 10;
}

/**
 * The code in ASCII digits, or `invalid_request` if `input` is not `length` decimal digits
 * (with spaces or dashes between them, as people paste codes).
 */
export function readCode(input: string, length: number): string {
  // What nearly every request sends (the widget, autofill, a paste from the SMS): ASCII digits only,
  // taken as they are without the per-character Unicode matching below.
  if (input.length === length && ASCII_DIGITS.test(input)) return input;
  let digits = '';
  for (const char of input.replace(SEPARATORS, '')) {
    if (!DECIMAL_DIGIT.test(char)) throw notACode(length);
    const codePoint = char.codePointAt(0)!;
    digits += codePoint >= 0x30 && codePoint <= 0x39 ? char : String(digitValue(codePoint));
    if (digits.length > length) throw notACode(length);
  }
  if (digits.length !== length) throw notACode(length);
  return digits;
}

const notACode = (length: number) => errors.invalidRequest(`"code" must be the ${length} digits that were sent.`);
