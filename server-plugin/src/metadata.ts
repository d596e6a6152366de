// server-plugin/src/metadata.ts
// The phone-number metadata the widget formats with (`GET /metadata`): libphonenumber-js's
// "min" (or "mobile") metadata cut down to the countries this server allows, so the
// browser downloads a few KB for the countries it can use instead of every country's.

import { createHash } from 'node:crypto';
import type { MetadataJson } from 'libphonenumber-js/core';
import minMetadata from 'libphonenumber-js/metadata.min.json';
import mobileMetadata from 'libphonenumber-js/metadata.mobile.json';
import type { MetadataType } from './protocol.js';

/** libphonenumber-js metadata, `nonGeographic` (+800 …) left out unless every country is allowed. */
export type PhoneMetadata = Omit<MetadataJson, 'nonGeographic'> & Partial<Pick<MetadataJson, 'nonGeographic'>>;

const SOURCES: Record<MetadataType, MetadataJson> = { min: minMetadata, mobile: mobileMetadata };

/**
 * `metadata` with only the countries in `allowed` (all of it when `'*'`). A calling
 * code's main country (the first listed, e.g. US for +1, GB for +44) stays whenever
 * any country of that code is allowed: libphonenumber-js reads and formats numbers of
 * the code with the main country's plan, and smaller territories (JE, GG) reuse it.
 */
export function trimMetadata(metadata: MetadataJson, allowed: Iterable<string> | '*'): PhoneMetadata {
  if (allowed === '*') return metadata;
  const wanted = new Set(allowed);
  const callingCodes: MetadataJson['country_calling_codes'] = {};
  const kept = new Set<string>();
  for (const [code, countries] of Object.entries(metadata.country_calling_codes)) {
    if (!countries.some((country) => wanted.has(country))) continue;
    const chosen = countries.filter((country, index) => index === 0 || wanted.has(country));
    callingCodes[code] = chosen;
    for (const country of chosen) kept.add(country);
  }
  const countries = Object.fromEntries(Object.entries(metadata.countries).filter(([country]) => kept.has(country)));
  return { version: metadata.version, country_calling_codes: callingCodes, countries: countries as MetadataJson['countries'] };
}

/** One answer of `GET /metadata`: the JSON text and its strong ETag. */
export interface MetadataAnswer {
  body: string;
  etag: string;
}

/** The `GET /metadata` answers for one configuration, each computed on first use and kept. */
export function metadataAnswers(allowed: Iterable<string> | '*'): (type: MetadataType) => MetadataAnswer {
  const countries = allowed === '*' ? '*' : [...allowed];
  const answers = new Map<MetadataType, MetadataAnswer>();
  return (type) => {
    let answer = answers.get(type);
    if (!answer) {
      const body = JSON.stringify(trimMetadata(SOURCES[type], countries));
      answer = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      answers.set(type, answer);
    }
    return answer;
  };
}
