// widget/src/country/combobox.ts
// The country picker's behaviour: an ARIA 1.2 editable combobox with list autocomplete
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/), and the options of its list.
// The input, the list and `aria-activedescendant` stay in the element's one shadow
// root: country-template.ts renders the box, this controller its state and options.
// Not needed for the first render, so it is its own chunk, fetched right after it and
// awaited before the phone step shows (like code/code-step.ts, it imports nothing at
// run time: Lit's `html` and `css` come in through the options).

import type { css, CSSResult, html as litHtml, ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import type { Country } from '../countries.js';
import { filterCountries } from './search.js';
import { comboboxStyles } from './combobox.styles.js';

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
  html: typeof litHtml;
  css: typeof css;
  /** Adds the list's rules to the element's styles. */
  adopt(styles: CSSResult): void;
}

/** How the element names a country in the list and the box: "Germany (+49)". */
export interface OptionsProps {
  label: (country: Country) => string;
  /** "No country matches". */
  none: string;
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
  /** The box shows the chosen country's label again: select it, so typing searches anew instead of appending. */
  #selectLabel = false;

  constructor(host: ReactiveControllerHost, options: ComboboxOptions) {
    this.#host = host;
    this.#options = options;
    options.adopt(comboboxStyles(options.css));
    host.addController(this);
  }

  /** The countries the list shows for the current filter. */
  get shown(): Country[] {
    return filterCountries(this.#options.countries(), this.filter);
  }

  /** The highlighted country, if the list is open and one is. */
  get highlighted(): Country | undefined {
    return this.open ? this.shown[this.active] : undefined;
  }

  /** The list's options (none while it is closed). */
  renderOptions(p: OptionsProps): TemplateResult[] {
    if (!this.open) return [];
    const html = this.#options.html;
    const shown = this.shown;
    const active = shown[this.active];
    const selected = this.#options.selected();
    if (!shown.length) return [html`<li role="option" aria-disabled="true" aria-selected="false">${p.none}</li>`];
    return shown.map(
      (c) =>
        html`<li
          id=${'c-' + c.country}
          part=${c === active ? 'country-option active' : 'country-option'}
          role="option"
          aria-selected=${c.country === selected ? 'true' : 'false'}
          data-country=${c.country}
        >
          <span class="flag" aria-hidden="true">${c.country}</span><span>${p.label(c)}</span>
        </li>`,
    );
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  hostUpdated(): void {
    if (this.#selectLabel) {
      this.#selectLabel = false;
      const box = this.#options.root().querySelector<HTMLInputElement>('[role="combobox"]');
      if (box?.matches(':focus')) box.select();
    }
    // Keeps the highlighted option in view as the arrows move it.
    if (this.active === this.#scrolledTo) return;
    this.#scrolledTo = this.active;
    this.#options.root().querySelector('[part~="active"]')?.scrollIntoView({ block: 'nearest' });
  }

  show(): void {
    this.#set(
      true,
      '',
      this.#options.countries().findIndex((c) => c.country === this.#options.selected()),
    );
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
      case 'Tab':
        // Tab accepts the highlighted option (as Enter does), then moves on as usual.
        if (this.open && this.shown[this.active]) this.#pick(this.shown[this.active]);
        return;
      case 'Escape':
        if (!this.open) return;
        event.preventDefault();
        event.stopPropagation();
        this.close();
        this.#selectLabel = true;
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
    this.#selectLabel = true;
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
