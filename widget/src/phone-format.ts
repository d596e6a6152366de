// widget/src/phone-format.ts
// As-you-type formatting and validation of phone numbers with libphonenumber-js
// (core + "min" metadata). Never in the first-render bundle: the element imports
// this module after its first render (or on first focus of the phone field) and
// works without it until it arrives, or if it never does.

import { AsYouType, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.min.json';

/** What is wrong with a number as a complete number; the element has a message for each. */
export type PhoneProblem = 'phone_too_short' | 'phone_too_long' | 'phone_invalid';

export interface PhoneReading {
  /** The text formatted as typed so far: `07400 123456`, `+44 7400 123456`. */
  text: string;
  /** The number's country when known (from its calling code, or `country`). */
  country: string | undefined;
  /** Why it is not a valid number yet, if it is not. */
  problem: PhoneProblem | undefined;
}

/**
 * Reads `text` (digits, `+`, spaces and punctuation only; ASCII digits) as a number
 * from `country` unless it starts with `+` or an international prefix.
 */
export function readPhone(text: string, country: string, data: MetadataJson = metadata): PhoneReading {
  const known = country in data.countries ? (country as CountryCode) : undefined;
  const typer = new AsYouType(known, data);
  const formatted = typer.input(text);
  const length = typer.validateLength();
  const problem: PhoneProblem | undefined =
    length === 'TOO_LONG' ? 'phone_too_long' : length || !typer.getNumber() ? 'phone_too_short' : typer.isValid() ? undefined : 'phone_invalid';
  return { text: formatted || text, country: typer.getCountry() ?? (typer.isInternational() ? undefined : known), problem };
}

let mobileMetadata: Promise<MetadataJson> | undefined;

/** Whether the number is a valid mobile number; loads the (larger) mobile metadata on first use. */
export async function isMobile(text: string, country: string): Promise<boolean> {
  mobileMetadata ??= import('libphonenumber-js/metadata.mobile.json').then((module) => module.default);
  return !readPhone(text, country, await mobileMetadata).problem;
}
