// widget/src/define.ts
// The one side effect of the package: registers <phone-verify>. Also the bundle entry.

import { PhoneVerify } from './phone-verify.js';

export * from './index.js';

if (!customElements.get('phone-verify')) customElements.define('phone-verify', PhoneVerify);

declare global {
  interface HTMLElementTagNameMap {
    'phone-verify': PhoneVerify;
  }
}
