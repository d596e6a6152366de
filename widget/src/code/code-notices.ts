// widget/src/code/code-notices.ts
// What the code step says about its code: the status region's notices (sent, another may
// be asked for, expires in a minute, expired) and the field's expiry hint, with the English
// of those sentences. Part of the code step's chunk (only code-step.ts and its template
// import it), so it imports nothing at run time.

import type { CodeStepOptions } from './code-step.js';
import type { Sent } from '../flow/flow.js';
import type { PhoneVerifyMessages } from '../messages.js';

/**
 * The English of the code step's expiry sentences: they travel with this chunk, not the
 * first render (each shipped language has its own in its locale file).
 */
export const codeStepEnglish = {
  expiresIn: 'Code expires in {time}',
  expiresSoon: 'The code expires in {time}.',
  codeExpired: 'This code has expired. Ask for a new one.',
  sendNewCode: 'Send a new code',
  newestCode: 'Use the newest code we sent.',
  newestCodeNth: 'Use the newest code we sent ({nth}).',
  ordinal: { one: '{count}st', two: '{count}nd', few: '{count}rd', other: '{count}th' } as NonNullable<PhoneVerifyMessages['ordinal']>,
};

export type CodeMessages = PhoneVerifyMessages & typeof codeStepEnglish;

export const withEnglish = (m: PhoneVerifyMessages): CodeMessages => ({ ...codeStepEnglish, ...m }) as CodeMessages;

/** Which code the step shows (a first one, or one a resend brought) and when its expiry is said. */
export class CodeNotices {
  #options: CodeStepOptions;
  /** The code last shown, and the one a resend brought (a second code in one code step): see `see`. */
  #seen: unknown;
  #resent: unknown;
  /**
   * Codes this code step has sent, the first and each resend (a new code after expiry too: its message is
   * one more on the phone); 0 when not known: a reload resumed a code the server sent after who knows how many.
   */
  #sends = 0;
  /** The next code seen is the one a reload resumed (see `resuming`). */
  #resuming = false;
  /** The code whose last minute was announced. */
  #warned: unknown;

  constructor(options: CodeStepOptions) {
    this.#options = options;
  }

  /** After each update: forgets the code once the step has none; a minute before it expires, says so once. */
  follow(): void {
    const flow = this.#options.flow;
    const state = flow.state;
    if (!('sent' in state)) this.#seen = '';
    // A minute before the code expires, said once (the countdown itself is never read out every second).
    if ('sent' in state && state.sent !== this.#warned && state.sent.expiresIn > 90 && flow.expiry.remaining === 60) {
      this.#warned = state.sent;
      queueMicrotask(() => flow.apply({ type: 'expiring' }));
    }
  }

  /**
   * Notes the code being shown. A second code in one code step came from a resend: most providers sent
   * a new code, so the earlier one may not work; where the server says it is the same code (Twilio), nothing needs saying.
   */
  see(sent: Sent): void {
    if (sent === this.#seen) return;
    if (this.#seen) {
      if (!sent.sameCode) this.#resent = sent;
      if (this.#sends) this.#sends++;
    } else this.#sends = this.#resuming ? 0 : 1;
    this.#resuming = false;
    this.#seen = sent;
  }

  /** The code about to be shown is one a reload resumed: how many were sent before is unknown (no ordinal rather than a guess). */
  resuming(): void {
    this.#resuming = true;
  }

  /**
   * "Use the newest code we sent (3rd)." when this step made every send, else without the ordinal. The
   * ordinal's form follows the rules of the language the messages are in (the step's `lang`), not the
   * page's tag: English forms picked by Swedish rules would say "2st".
   */
  #newest(m: CodeMessages): string {
    if (!this.#sends) return m.newestCode;
    const language = this.#options.root().querySelector<HTMLElement>('[part~="base"]')?.lang || 'en';
    const forms = m.ordinal;
    const form = forms[new Intl.PluralRules(language, { type: 'ordinal' }).select(this.#sends)] ?? forms.other;
    const { format } = this.#options.tools;
    return format(m.newestCodeNth, { nth: format(form, { count: new Intl.NumberFormat(language).format(this.#sends) }) });
  }

  /**
   * What the status region says about the code: it went out (and when another may be
   * asked for), another may be asked for now, it expires in a minute, it has expired.
   * Said at those moments only, never every second of a countdown.
   */
  notice(): string {
    const state = this.#options.flow.state;
    const m = withEnglish(this.#options.messages());
    // A request under way is said too ("Checking…", "Sending…"), not only shown on a button.
    if (state.step === 'verifying') return m.verifying;
    if (state.step === 'resending') return m.sending;
    if (!('sent' in state) || !state.notice) return '';
    const { format, formatDuration, isolate } = this.#options.tools;
    const locale = this.#options.locale();
    if (state.notice === 'ready') return m.resendReady;
    if (state.notice === 'expired') return m.codeExpired;
    if (state.notice === 'expiring') return format(m.expiresSoon, { time: formatDuration(60, locale) });
    const { phone, channel, resendAfter } = state.sent;
    let sent = format(m.sentNotice, { phone: isolate(phone, locale), channel: m.channelName[channel] });
    if (this.#resent === state.sent) sent += ` ${this.#newest(m)}`;
    return resendAfter > 0 ? `${sent} ${format(m.resendNotice, { time: formatDuration(resendAfter, locale) })}` : sent;
  }

  /**
   * The field's description: a live "Code expires in 4:12" (a description, not a live region: the status
   * region speaks a minute before and at the end), "This code has expired…", or how long a code lasts.
   */
  hint(sent: Sent, expired: boolean, m: CodeMessages): string {
    const { flow, tools, locale } = this.#options;
    if (expired) return m.codeExpired;
    if (flow.expiry.running)
      return tools.format(m.expiresIn, { time: tools.formatSeconds(flow.expiry.remaining) }) + (this.#resent === sent ? `. ${this.#newest(m)}` : '');
    return sent.expiresIn > 0 ? tools.format(m.expiresHint, { time: tools.formatDuration(sent.expiresIn, locale()) }) : '';
  }
}
