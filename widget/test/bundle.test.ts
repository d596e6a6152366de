// widget/test/bundle.test.ts
// Which widget the suite is testing: the source, or (the `bundle` launch) the built
// widget/dist/phone-verify.js the package's entry points map to there.

import { expect } from '@open-wc/testing';
import { PhoneVerify } from '../src/index.js';
import { PhoneVerify as SourcePhoneVerify } from '../src/phone-verify.js';
import { launch } from './helpers.js';

describe('the widget under test', () => {
  it(launch.bundle ? 'should be the built bundle, registered as <phone-verify>' : 'should be the source, registered as <phone-verify>', () => {
    expect(customElements.get('phone-verify')).to.equal(PhoneVerify);
    // The entry module is the bundle in the bundle launch: its class is not the source's.
    expect(PhoneVerify === SourcePhoneVerify).to.equal(!launch.bundle);
  });
});
