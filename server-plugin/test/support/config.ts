// server-plugin/test/support/config.ts
// What GET /config (VerificationService.describe()) answers with the default options, and
// the country list of the test apps' allowedCountries ['GB', 'DE', 'US']: one spelling
// for the router's and the service's tests.

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
