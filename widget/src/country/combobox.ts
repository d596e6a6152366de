// widget/src/country/combobox.ts
// The country picker's behaviour and its popup. The badge button at the start of the
// number field (country-template.ts, in the first render) opens a popup under the field
// row: a search box that is an ARIA 1.2 editable combobox with list autocomplete
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/) and its listbox. The popup is a
// non-modal dialog (it holds a text box and a list, not a list alone), so the button
// says `aria-haspopup="dialog"`. Everything stays in the element's one shadow root, so
// `aria-activedescendant` and `aria-controls` resolve.
// Not needed for the first render, so it is its own chunk, fetched right after it and
// awaited before the phone step shows (like code/code-step.ts, it imports nothing at
// run time: Lit's `html` and `css` come in through the options).

import type { css, CSSResult, html as litHtml, nothing as litNothing, ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import type { Country } from '../countries.js';
import type { PhoneVerifyMessages } from '../messages.js';
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
  /** Where the popup is rendered (the shadow root). */
  root(): ParentNode;
  html: typeof litHtml;
  css: typeof css;
  nothing: typeof litNothing;
  /** Adds the list's rules to the element's styles. */
  adopt(styles: CSSResult): void;
  /** Renders what is pending now, not at the next microtask. */
  updateNow(): void;
}

/** How the element names a country in the list: "Germany (+49)". */
export interface OptionsProps {
  label: (country: Country) => string;
  /** "No country matches". */
  none: string;
}

/** What the popup says: each option (`countryOption`, "Germany (+49)"), "No country matches", and the name of the popup, its search box and its list ("Country"). */
export type PopupMessages = Pick<PhoneVerifyMessages, 'countryOption' | 'countryNone' | 'countryLabel'>;

/** The ids the popup's parts have (the button's `aria-controls`, the search box's `aria-controls`). */
const POPUP = 'country-popup';
const LIST = 'countries';

/** Keeps focus in the search box when the list is pressed. */
const stay = (event: Event): void => event.preventDefault();

export class ComboboxController implements ReactiveController {
  open = false;
  /** What was typed in the search box while the popup is open. */
  filter = '';
  /** The index of the highlighted option in `shown`, `-1` for none. */
  active = -1;
  /** The status region's text: how many countries match. */
  notice = '';
  readonly #host: ReactiveControllerHost;
  readonly #options: ComboboxOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #scrolledTo = -1;
  /** The popup has just opened: its search box takes focus once it has rendered. */
  #focusBox = false;

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

  /**
   * The popup under the field row while it is open (nothing while closed): the search
   * box (empty on open, so typing searches at once) and the list. The field row reads
   * left to right like the number; the popup takes the element's own direction.
   */
  renderPopup(m: PopupMessages): TemplateResult | string {
    if (!this.open) return '';
    const name = m.countryLabel;
    const label = (c: Country): string => m.countryOption.replace('{name}', c.name).replace('{code}', c.callingCode);
    const html = this.#options.html;
    const active = this.highlighted;
    const base = this.#options.root().querySelector('[part~="base"]');
    const dir = base ? getComputedStyle(base).direction : 'ltr';
    return html`<div id=${POPUP} part="country-popup" class="popup" role="dialog" aria-label=${name} dir=${dir} @focusout=${this.handleFocusOut}>
      <input
        id="country-search"
        part="country-input"
        role="combobox"
        type="text"
        autocomplete="off"
        spellcheck="false"
        aria-label=${name}
        aria-autocomplete="list"
        aria-expanded="true"
        aria-controls=${LIST}
        aria-activedescendant=${active ? 'c-' + active.country : this.#options.nothing}
        .value=${this.filter}
        @input=${this.handleInput}
        @keydown=${this.handleKeydown}
      />
      <ul id=${LIST} part="country-list" role="listbox" aria-label=${name} @mousedown=${stay} @click=${this.handleOptionClick}>
        ${this.renderOptions({ label, none: m.countryNone })}
      </ul>
    </div>`;
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  hostUpdated(): void {
    const root = this.#options.root();
    if (this.#focusBox) {
      this.#focusBox = false;
      root.querySelector<HTMLInputElement>('#country-search')?.focus();
      // On a phone the list may start below the fold: bring the popup into view.
      root.querySelector(`#${POPUP}`)?.scrollIntoView({ block: 'nearest' });
    }
    // Keeps the highlighted option in view as the arrows move it.
    if (this.active === this.#scrolledTo) return;
    this.#scrolledTo = this.active;
    root.querySelector('[part~="active"]')?.scrollIntoView({ block: 'nearest' });
  }

  /** Opens the popup on the selected country (or searching `filter`), its search box focused. */
  show(filter = ''): void {
    this.#focusBox = true;
    this.#set(true, filter, filter ? 0 : this.#options.countries().findIndex((c) => c.country === this.#options.selected()));
    // Rendered and focused within the tap itself: iOS raises the keyboard only for a focus
    // made during the user's gesture, not for one in a later microtask.
    this.#options.updateNow();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.notice = '';
    this.#set(false, '', -1);
  }

  toggle(): void {
    if (this.open) this.#back('country');
    else this.show();
  }

  /** The badge button: a click (Enter and Space are clicks) opens or closes the popup. */
  readonly handleButtonClick = (): void => {
    if (!this.#options.busy()) this.toggle();
  };

  /** The badge button: the arrows open the popup, and a letter or digit opens it searching for what was typed. */
  readonly handleButtonKeydown = (event: KeyboardEvent): void => {
    if (this.#options.busy() || this.open || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      this.show();
    } else if (event.key.length === 1 && event.key !== ' ') {
      event.preventDefault();
      this.show(event.key);
    }
  };

  /** The button keeps focus out of its way: the popup's search box stays focused while it is pressed. */
  readonly handleButtonMousedown = stay;

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
        if (count) this.#highlight(Math.max(0, Math.min(count - 1, this.active + (event.key === 'ArrowDown' ? 1 : -1))));
        return;
      case 'Home':
      case 'End':
        if (!count) return;
        event.preventDefault();
        this.#highlight(event.key === 'Home' ? 0 : count - 1);
        return;
      case 'Enter':
        // Picks a country; never submits the form.
        event.preventDefault();
        this.#pick(this.shown[this.active]);
        return;
      case 'Tab':
        // Tab accepts the highlighted option (as Enter does) and moves on to the number;
        // Shift+Tab goes back to the button, the country as it was. Focus is moved here,
        // not left to the browser: the popup (and the focused box) goes with this update.
        event.preventDefault();
        if (event.shiftKey) this.#back('country');
        else this.#pick(this.shown[this.active], true);
        return;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.#back('country');
    }
  };

  /** Focus leaving the popup (for the number, the button or the page) closes it. */
  readonly handleFocusOut = (event: FocusEvent): void => {
    if (!(event.currentTarget as HTMLElement).contains(event.relatedTarget as Node | null)) this.close();
  };

  readonly handleOptionClick = (event: Event): void => {
    const id = (event.target as HTMLElement).closest('[data-country]')?.getAttribute('data-country');
    const chosen = this.#options.countries().find((c) => c.country === id);
    if (chosen) this.#pick(chosen);
  };

  /** Accepts `country`: the number field next (focus there); with none (nothing matched), back to the button unless `onward`. */
  #pick(country: Country | undefined, onward = false): void {
    this.#back(country || onward ? 'phone' : 'country');
    if (country) this.#options.choose(country);
  }

  /** Closes the popup, focus on `#target` first (the focused search box goes with the popup). */
  #back(target: 'phone' | 'country'): void {
    this.#options
      .root()
      .querySelector<HTMLElement>('#' + target)
      ?.focus();
    this.close();
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
