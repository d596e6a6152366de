// widget/src/country/combobox.ts
// The country picker's behaviour: an ARIA 1.2 editable combobox with list autocomplete
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/). The input, the list and
// `aria-activedescendant` stay in the element's one shadow root, so this controller
// keeps only state and handles events; country-template.ts renders it.

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { filterCountries, type Country } from '../countries.js';

/** What the combobox reads from and tells the element around it. */
export interface ComboboxOptions {
  /** The allowed countries, named in the element's language. */
  countries(): Country[];
  /** The selected country (ISO 3166-1 alpha-2). */
  selected(): string;
  /** A country was chosen from the list. */
  choose(country: Country): void;
  /** "Countries found: {count}", announced once typing pauses. */
  results(count: number): string;
  /** Keys do nothing while a request is pending. */
  busy(): boolean;
  /** Where the options are rendered (the shadow root). */
  root(): ParentNode;
}

export class ComboboxController implements ReactiveController {
  open = false;
  /** What was typed in the box while the list is open. */
  filter = '';
  /** The index of the highlighted option in `shown`, `-1` for none. */
  active = -1;
  /** The status region's text: how many countries match. */
  notice = '';
  readonly #host: ReactiveControllerHost;
  readonly #options: ComboboxOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #scrolledTo = -1;

  constructor(host: ReactiveControllerHost, options: ComboboxOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The countries the list shows for the current filter. */
  get shown(): Country[] {
    return filterCountries(this.#options.countries(), this.filter);
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  hostUpdated(): void {
    // Keeps the highlighted option in view as the arrows move it.
    if (this.active === this.#scrolledTo) return;
    this.#scrolledTo = this.active;
    this.#options.root().querySelector('[part~="active"]')?.scrollIntoView({ block: 'nearest' });
  }

  show(): void {
    this.#set(true, '', this.#options.countries().findIndex((c) => c.country === this.#options.selected()));
  }

  close(): void {
    clearTimeout(this.#timer);
    this.notice = '';
    this.#set(false, '', -1);
  }

  toggle(): void {
    if (this.open) this.close();
    else this.show();
  }

  readonly handleInput = (event: Event): void => {
    const filter = (event.target as HTMLInputElement).value;
    this.#set(true, filter, filter.trim() ? 0 : -1);
    // Say how many countries match once typing pauses, not on every key.
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (!this.open) return;
      this.notice = this.#options.results(this.shown.length);
      this.#host.requestUpdate();
    }, 600);
  };

  readonly handleKeydown = (event: KeyboardEvent): void => {
    if (this.#options.busy()) return;
    const count = this.shown.length;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        event.preventDefault();
        if (!this.open) this.show();
        else if (count) this.#highlight(Math.min(count - 1, Math.max(0, this.active + (event.key === 'ArrowDown' ? 1 : -1))));
        return;
      case 'Home':
      case 'End':
        if (!this.open || !count) return;
        event.preventDefault();
        this.#highlight(event.key === 'Home' ? 0 : count - 1);
        return;
      case 'Enter': {
        if (!this.open) return;
        event.preventDefault();
        this.#pick(this.shown[this.active]);
        return;
      }
      case 'Escape':
        if (!this.open) return;
        event.preventDefault();
        event.stopPropagation();
        this.close();
    }
  };

  /** Leaving the box, its button and its list closes the list. */
  readonly handleFocusOut = (event: FocusEvent): void => {
    if (!(event.currentTarget as HTMLElement).contains(event.relatedTarget as Node | null)) this.close();
  };

  readonly handleOptionClick = (event: Event): void => {
    const id = (event.target as HTMLElement).closest('[data-country]')?.getAttribute('data-country');
    const chosen = this.#options.countries().find((c) => c.country === id);
    if (chosen) this.#pick(chosen);
  };

  #pick(country: Country | undefined): void {
    this.close();
    if (country) this.#options.choose(country);
  }

  #highlight(index: number): void {
    this.active = index;
    this.#host.requestUpdate();
  }

  #set(open: boolean, filter: string, active: number): void {
    this.open = open;
    this.filter = filter;
    this.active = active;
    this.#host.requestUpdate();
  }
}
