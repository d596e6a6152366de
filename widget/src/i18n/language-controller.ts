// widget/src/i18n/language-controller.ts
// Follows the language the element is in (its own `lang`, the nearest ancestor's, the
// document's) and loads that language's messages; one MutationObserver for the page.

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { loadMessages, resolveLocale } from '../i18n.js';
import { english, type PhoneVerifyMessages } from '../messages.js';

export interface LanguageHost extends ReactiveControllerHost {
  /** The language tag in effect. */
  readonly locale: string;
}

/** Controllers whose host follows a `lang` attribute somewhere in the document. */
const watching = new Set<LanguageController>();
let observer: MutationObserver | undefined;

export class LanguageController implements ReactiveController {
  /** The tag the messages were asked for. */
  tag = '';
  /** The messages of that language (English until they arrive, or when none ship). */
  messages: PhoneVerifyMessages = english;
  /** The shipped locale `messages` are in. */
  shipped = 'en';
  /** Settles once the messages of the current language are in. */
  ready: Promise<void> = Promise.resolve();
  readonly #host: LanguageHost;

  constructor(host: LanguageHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    watching.add(this);
    observer ??= new MutationObserver(() => watching.forEach((language) => language.follow()));
    observer.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['lang'] });
    this.follow();
  }

  hostDisconnected(): void {
    watching.delete(this);
  }

  hostUpdate(): void {
    this.follow();
  }

  /** Loads the messages of the language in effect when it changed. */
  follow(): void {
    const tag = this.#host.locale;
    if (tag === this.tag) return;
    this.tag = tag;
    this.#host.requestUpdate();
    const locale = resolveLocale(tag);
    this.ready = loadMessages(locale).then((messages) => {
      if (resolveLocale(this.tag) !== locale) return;
      this.shipped = messages === english ? 'en' : locale;
      this.messages = messages;
      this.#host.requestUpdate();
    });
  }
}
