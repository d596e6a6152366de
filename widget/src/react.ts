// widget/src/react.ts
// `@phone-verify/widget/react`: <phone-verify> as a React component, for React 18
// (which sets every prop as an attribute, so `strings` would arrive as "[object Object]",
// and cannot listen to custom events) and 19 alike. Made with @lit/react, which sets
// props the element declares as properties and wires the `on…` handlers to our events.
// Importing it registers the tag (define.ts).

import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import './define.js';
import type { PhoneVerifyErrorEvent, PhoneVerifySentEvent, PhoneVerifySuccessEvent } from './events.js';
import { PhoneVerify as PhoneVerifyElement } from './phone-verify.js';
import type {} from './jsx.js';

/**
 * `<PhoneVerify endpoint="/auth/phone" strings={…} onPhoneVerifySuccess={(e) => …} />`:
 * the element's properties as props, its three events as `onPhoneVerifySent`,
 * `onPhoneVerifySuccess` (call `e.preventDefault()` to stay on the page) and
 * `onPhoneVerifyError`, and a `ref` to the element.
 */
export const PhoneVerify = createComponent({
  tagName: 'phone-verify',
  elementClass: PhoneVerifyElement,
  react: React,
  events: {
    onPhoneVerifySent: 'phone-verify-sent' as EventName<PhoneVerifySentEvent>,
    onPhoneVerifySuccess: 'phone-verify-success' as EventName<PhoneVerifySuccessEvent>,
    onPhoneVerifyError: 'phone-verify-error' as EventName<PhoneVerifyErrorEvent>,
  },
  displayName: 'PhoneVerify',
});

/** The props `<PhoneVerify>` takes. */
export type PhoneVerifyProps = React.ComponentProps<typeof PhoneVerify>;
