// consumer/apps/vite-ts/main.ts — a Vite + TypeScript page as the README shows it: the
// tag registered by `@phone-verify/widget/define`, the events typed without a cast.

import '@phone-verify/widget/define';
import type { Channel, PhoneVerify } from '@phone-verify/widget';

const element = document.querySelector('phone-verify');
if (!element) throw new Error('no <phone-verify> on the page');
const typed: PhoneVerify = element; // HTMLElementTagNameMap['phone-verify']
typed.endpoint = '/auth/phone';

const seen: string[] = [];
(window as unknown as { seen: string[] }).seen = seen;
element.addEventListener('phone-verify-sent', (e) => {
  const channel: Channel = e.detail.channel;
  const wait: number = e.detail.resendAfter;
  seen.push(`sent:${channel}:${wait > 0}`);
});
element.addEventListener('phone-verify-success', (e) => {
  // @ts-expect-error: the detail is typed, so a property it does not have is an error.
  void e.detail.code;
  seen.push(`success:${String(e.detail.user.id)}:${e.detail.redirect ?? ''}`);
});
document.addEventListener('phone-verify-error', (e) => seen.push(`error:${e.detail.code}`));
