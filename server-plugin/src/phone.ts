// server-plugin/src/phone.ts
// The one place phone numbers are read: libphonenumber-js turns what a person typed
// into E.164, or says precisely why it cannot.

import {
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
  type NumberType,
} from 'libphonenumber-js/max';
import { errors } from './errors.js';
import type { CountryOption } from './protocol.js';

/** Longest input we try to parse; anything longer is not a phone number. */
const MAX_INPUT_LENGTH = 40;

const KNOWN_COUNTRIES: ReadonlySet<string> = new Set(getCountries());

export type { NumberType };

export interface ParsedPhone {
  /** `+447400123456` */
  e164: string;
  /** ISO country the number belongs to; absent for non-geographic numbers (+800 …). */
  country?: string;
  /** What kind of line: `MOBILE`, `FIXED_LINE_OR_MOBILE`, `PREMIUM_RATE`, … (undefined when the metadata cannot tell). */
  type?: NumberType;
}

export function isKnownCountry(country: string): boolean {
  return KNOWN_COUNTRIES.has(country);
}

/** Every country libphonenumber-js knows, with its calling code, sorted by ISO code. */
export function countryOptions(only?: readonly string[]): CountryOption[] {
  const codes = (only ?? getCountries()).slice().sort();
  return codes.map((country) => ({
    country,
    callingCode: getCountryCallingCode(country as CountryCode),
  }));
}

/**
 * Parse an international number (`+44 7700 900123`, `0044…`) or a national one read
 * with `country`. Throws `invalid_phone` with a message that says what is wrong.
 */
export function parsePhone(input: string, country?: string): ParsedPhone {
  const text = input.trim();
  if (text === '') throw errors.invalidPhone('Enter a phone number.');
  if (text.length > MAX_INPUT_LENGTH) throw errors.invalidPhone('That is too long to be a phone number.');
  if (country !== undefined && !isKnownCountry(country)) {
    throw errors.invalidPhone(`Unknown country "${country}".`);
  }
  const defaultCountry = country as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(text, { ...(defaultCountry && { defaultCountry }), extract: false });
  // The type first: with the full metadata a number that has a type is valid (isValid is
  // "getType() !== undefined" there), so the type patterns run once, not twice.
  const type = parsed?.getType();
  if (!parsed || (type === undefined && !parsed.isValid())) {
    throw errors.invalidPhone(whyInvalid(text, defaultCountry));
  }
  const result: ParsedPhone = { e164: parsed.number };
  if (parsed.country) result.country = parsed.country;
  if (type) result.type = type;
  return result;
}

/**
 * Refuses a number the server does not send to, with the code that says why: its country
 * (`country_not_allowed`, naming it) or its kind of line (`number_type_not_allowed`).
 * Premium-rate and similar lines are how toll fraud turns sends into someone's income
 * (OWASP Automated Threats OAT-019 / SMS pumping), so only the configured types pass.
 */
export function assertSendable(parsed: ParsedPhone, countries: ReadonlySet<string> | '*', types: ReadonlySet<NumberType>): void {
  if (countries !== '*' && !(parsed.country && countries.has(parsed.country))) {
    throw errors.countryNotAllowed(parsed.country, parsed.country ? englishName(parsed.country) : undefined);
  }
  if (!(parsed.type && types.has(parsed.type))) throw errors.numberTypeNotAllowed();
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

function englishName(country: string): string {
  return regionNames.of(country) ?? country;
}

/** The country of an E.164 number already known to be valid. */
export function countryOf(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

function whyInvalid(text: string, country: CountryCode | undefined): string {
  // Without a country, "00…" is as unreadable as a national number: the international prefix differs by country.
  if (!text.startsWith('+') && country === undefined) {
    return 'Choose a country, or enter the number with its country code (+…).';
  }
  switch (validatePhoneNumberLength(text, country)) {
    case 'TOO_SHORT':
      return 'That number is too short.';
    case 'TOO_LONG':
      return 'That number is too long.';
    case 'INVALID_COUNTRY':
      return 'That country code does not exist.';
    case 'NOT_A_NUMBER':
      return 'That is not a phone number.';
    default:
      return 'That is not a valid phone number.';
  }
}

/**
 * A number as it may appear in logs: only its last four digits
 * (OWASP logging cheat sheet: no full identifiers in logs).
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  return `+${'*'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`;
}

/** Free text (a provider's error, an exception) with every phone-number-like run of digits masked, for logs. */
export function maskPhonesIn(text: string): string {
  return text.replace(/\+?\d[\d ()-]{6,}\d/g, (match) => maskPhone(match));
}
