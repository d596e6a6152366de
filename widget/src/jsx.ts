// widget/src/jsx.ts
// `@phone-verify/widget/jsx`: types <phone-verify> in React 19's JSX, where the bare
// element works (React 19 sets props the element has as properties, `strings` included,
// and `on` + an event's name adds a listener). Types only: `import type {} from
// '@phone-verify/widget/jsx'` once in the app. Its own entry, so apps without React
// never see an augmentation of a module they do not have.

import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { PhoneVerifyChallengeEvent, PhoneVerifyErrorEvent, PhoneVerifySentEvent, PhoneVerifySuccessEvent } from './events.js';
import type { PhoneVerifyStrings } from './messages.js';
import type { PhoneVerify } from './phone-verify.js';

/** What `<phone-verify>` takes in JSX: its attributes, its `strings` property, its events. */
export interface PhoneVerifyJsxProps extends DetailedHTMLProps<HTMLAttributes<PhoneVerify>, PhoneVerify> {
  endpoint?: string;
  'default-country'?: string;
  'mobile-only'?: boolean;
  /** `signin` (default), `verify`, `link` or `stepup`. */
  intent?: 'signin' | 'verify' | 'link' | 'stepup';
  /** With `intent="verify"`: what the phone proof is for. */
  purpose?: string;
  name?: string;
  disabled?: boolean;
  /** Replacements for any message (an object: React 19 sets it as the property). */
  strings?: PhoneVerifyStrings;
  'onphone-verify-sent'?: (event: PhoneVerifySentEvent) => void;
  /** Call `event.preventDefault()` to stay on the page when the server sent a redirect. */
  'onphone-verify-success'?: (event: PhoneVerifySuccessEvent) => void;
  'onphone-verify-error'?: (event: PhoneVerifyErrorEvent) => void;
  /** The server asks for the page's challenge: show it in the `challenge` slot, then call `submitChallenge(token)`. */
  'onphone-verify-challenge'?: (event: PhoneVerifyChallengeEvent) => void;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'phone-verify': PhoneVerifyJsxProps;
    }
  }
}
