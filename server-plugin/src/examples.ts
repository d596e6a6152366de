// server-plugin/src/examples.ts
// An example mobile number per allowed country for `GET /config`, shown by the widget as
// the number field's placeholder (`07400 123456`): libphonenumber-js's examples, taken
// here once so the browser never downloads them.

import { getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import type { ConfigResponse } from './protocol.js';

/** `config` with each country's example mobile number in national format (none where libphonenumber-js has none). */
export function withExamples(config: ConfigResponse): ConfigResponse {
  return {
    ...config,
    countries: config.countries.map((option) => {
      const example = getExampleNumber(option.country as CountryCode, examples)?.formatNational();
      return example ? { ...option, example } : option;
    }),
  };
}
