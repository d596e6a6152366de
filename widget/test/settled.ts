// widget/test/settled.ts
// Waits for the element's CSS transitions to end (a button fading back from disabled),
// so axe measures the colours a person sees, not a frame in between (a busy machine
// stretches that frame).

import type { PhoneVerify } from '../src/index.js';

export async function settled(el: PhoneVerify): Promise<void> {
  await el.updateComplete;
  await Promise.all(el.shadowRoot!.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
}
