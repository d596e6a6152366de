// widget/src/define.ts
// The one side effect of the package: registers <phone-verify>. Also the entry of the
// self-contained build. Only where a custom-element registry exists: in Node (SSR)
// importing it must not throw; Lit's Node build provides a shim registry, which Lit's
// server renderer reads, so the tag is registered there too.

import { PhoneVerify } from './phone-verify.js';

export * from './index.js';

if (typeof customElements !== 'undefined' && !customElements.get('phone-verify')) customElements.define('phone-verify', PhoneVerify);
