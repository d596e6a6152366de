// widget/src/i18n/flow-text.ts
// The sentences the flow's state shows in the element's language: the error (with the
// attempts left or the time to wait when the server said). The code step's status
// notices are in its chunk (code/code-step.ts).

import { formatDuration, isRightToLeft } from '../i18n.js';
import { format, type PhoneVerifyMessages } from '../messages.js';
import type { ShownError } from '../flow/flow.js';

/** A number inside right-to-left text, kept left to right (Unicode bidi isolates). */
export function isolate(phone: string, locale: string): string {
  return isRightToLeft(locale) ? `\u2066${phone}\u2069` : phone;
}

export function errorText(
  error: ShownError | undefined,
  m: PhoneVerifyMessages,
  locale: string,
  /** The name of a country, for `phone_invalid` and `country_not_allowed`. */
  countryName: (code: string) => string,
  /** The configuration could not load: the sentence says so first. */
  unavailable: boolean,
  codeLength: number,
): string {
  if (!error) return '';
  switch (error.code) {
    case 'phone_required':
      return m.phoneRequired;
    case 'phone_too_short':
      return m.phoneTooShort;
    case 'phone_too_long':
      return m.phoneTooLong;
    case 'phone_not_mobile':
      return m.phoneNotMobile;
    case 'phone_invalid':
      return format(m.phoneInvalid, { country: countryName(error.country ?? '') });
    case 'code_incomplete':
      return format(m.codeIncomplete, { count: codeLength });
    case 'country_not_allowed':
      if (error.country) return format(m.countryNotAllowed, { country: countryName(error.country) });
  }
  let text = m.errors[error.code] ?? m.errors.internal_error;
  // When the server says when, one sentence says so instead of "later" (English has it once the code step's chunk is in).
  const timed = error.code === 'rate_limited' ? m.rateLimitedIn : error.code === 'provider_unavailable' && m.unavailableIn;
  if (timed && error.retryAfter !== undefined) text = format(timed, { time: formatDuration(error.retryAfter, locale) });
  if (unavailable) text = `${m.configFailed} ${text}`;
  if (error.code === 'invalid_code' && error.attemptsLeft !== undefined) {
    const plural = new Intl.PluralRules(locale).select(error.attemptsLeft);
    text += ' ' + format(plural === 'one' ? m.attemptsLeftOne : m.attemptsLeftOther, { count: error.attemptsLeft });
  }
  return text;
}
