// widget/src/phone/phone-format.ts
// As-you-type formatting and validation of phone numbers with libphonenumber-js core.
// Never in the first-render bundle: the element imports this module after its first
// render (or on first focus of the phone field) and works without it until it
// arrives, or if it never does. No metadata is bundled: the server answers it
// (`GET {endpoint}/metadata`, through the element's client), for the countries it allows only.

import { AsYouType, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';

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

/** Formatting with one server's metadata: what the element uses once it has loaded. */
export interface PhoneFormatter {
  /** Reads `text` as a number from `country` (see `readPhone`). */
  readPhone(text: string, country: string): PhoneReading;
  /** Whether the number is a valid mobile number; fetches the mobile metadata on first use. */
  isMobile(text: string, country: string): Promise<boolean>;
}

/**
 * Reads `text` (digits, `+`, spaces and punctuation only; ASCII digits) as a number
 * from `country` unless it starts with `+` or an international prefix. A number the
 * metadata knows nothing of (a country the server does not allow) is left as typed
 * and without a problem: the server has the last word, and a message for it.
 */
export function readPhone(text: string, country: string, data: MetadataJson): PhoneReading {
  const known = country in data.countries ? (country as CountryCode) : undefined;
  const typer = new AsYouType(known, data);
  const formatted = typer.input(text);
  const length = typer.validateLength();
  // Calling codes have at most three digits: past that, INVALID_COUNTRY means one the metadata lacks.
  const unknown = (length === 'INVALID_COUNTRY' && text.replace(/\D/g, '').length > 3) || (!known && !typer.isInternational());
  const problem: PhoneProblem | undefined = unknown
    ? undefined
    : length === 'TOO_LONG'
      ? 'phone_too_long'
      : length || !typer.getNumber()
        ? 'phone_too_short'
        : typer.isValid()
          ? undefined
          : 'phone_invalid';
  return { text: formatted || text, country: typer.getCountry() ?? (typer.isInternational() ? undefined : known), problem };
}

/** The metadata in a `GET /metadata` answer; throws on anything else. */
async function metadataIn(answer: Response | Promise<Response>): Promise<MetadataJson> {
  const response = await answer;
  if (!response.ok) throw new TypeError(`phone-verify: metadata answered HTTP ${response.status}`);
  const data = (await response.json()) as Partial<MetadataJson> | null;
  if (typeof data?.countries !== 'object' || typeof data.country_calling_codes !== 'object') throw new TypeError('phone-verify: not phone metadata');
  return data as MetadataJson;
}

/**
 * A formatter from the answer to `GET {endpoint}/metadata` (fetched by the element
 * alongside this module). Rejects when the answer is not metadata; the element then
 * goes on without formatting. `mobile` asks for the mobile metadata (`?type=mobile`):
 * on the first mobile check, or now when `mobileOnly`.
 */
export async function formatter(answer: Response, mobile: () => Promise<Response>, mobileOnly = false): Promise<PhoneFormatter> {
  const data = await metadataIn(answer);
  let mobileMetadata: Promise<MetadataJson> | undefined;
  const mobileData = () =>
    (mobileMetadata ??= metadataIn(mobile()).catch((error: unknown) => {
      mobileMetadata = undefined;
      throw error;
    }));
  if (mobileOnly) mobileData().catch(() => undefined);
  return {
    readPhone: (text, country) => readPhone(text, country, data),
    isMobile: async (text, country) => !readPhone(text, country, await mobileData()).problem,
  };
}
