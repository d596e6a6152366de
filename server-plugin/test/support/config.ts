// server-plugin/test/support/config.ts
// The protocol's answers under the default options, spelled once for the router's and the
// service's tests: GET /config (VerificationService.describe()), the country list of the
// test apps' allowedCountries ['GB', 'DE', 'US'], and a first start's pending answer.

/** describe() with every default option; a test spreads it and names what it changed. */
export const DEFAULT_CONFIG = {
  channels: ['sms', 'voice'],
  codeLength: 6,
  resendAfter: 30,
  expiresIn: 300,
  maxAttempts: 5,
} as const;

/** allowedCountries GB, DE and US as described: sorted by country, with calling codes. */
export const GB_DE_US_COUNTRIES = [
  { country: 'DE', callingCode: '49' },
  { country: 'GB', callingCode: '44' },
  { country: 'US', callingCode: '1' },
] as const;

/** The answer to a first SMS start for +447400123456 under the default options. */
export const FIRST_PENDING_GB = {
  status: 'pending',
  phone: '+447400123456',
  channel: 'sms',
  codeLength: 6,
  expiresIn: 300,
  resendAfter: 30,
  sendsLeft: 2,
  attemptsLeft: 5,
} as const;
