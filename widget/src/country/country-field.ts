// widget/src/country/country-field.ts
// The country the number is read in: which one is selected (the page's `default-country`,
// else the server's default, else the browser languages' region), the allowed countries
// named in the element's language, and the combobox once its chunk has arrived.

import { css, html, nothing, type CSSResult, type ReactiveControllerHost } from 'lit';
import type { ConfigResponse } from '@phone-verify/server-plugin/protocol';
import { loadCombobox } from '../chunks.js';
import type { Country } from '../countries.js';
import type { ComboboxController } from './combobox.js';
import { namedCountries, pickCountry } from './country-choice.js';

export interface CountryFieldOptions {
  /** The server's configuration, once loaded. */
  config(): ConfigResponse | undefined;
  /** The page's `default-country`. */
  wanted(): string | undefined;
  /** The language tag the names are in. */
  tag(): string;
  /** A country was chosen from the list. */
  chosen(): void;
  /** "Countries found: {count}". */
  results(count: number): string;
  /** A request is pending: the list's keys do nothing. */
  busy(): boolean;
  root(): ParentNode;
  adopt(styles: CSSResult): void;
  /** Renders what is pending now (the popup and its focused search box, inside a tap). */
  updateNow(): void;
}

export class CountryFieldController {
  /** The country's ISO 3166-1 alpha-2 code, `''` before the configuration loads. */
  #selected = '';
  /** The combobox, once its chunk has arrived. */
  combo: ComboboxController | undefined;
  readonly #host: ReactiveControllerHost;
  readonly #options: CountryFieldOptions;
  readonly #named = namedCountries();

  constructor(host: ReactiveControllerHost, options: CountryFieldOptions) {
    this.#host = host;
    this.#options = options;
  }

  get selected(): string {
    return this.#selected;
  }

  set selected(country: string) {
    if (country === this.#selected) return;
    this.#selected = country;
    this.#host.requestUpdate();
  }

  /** The allowed countries, named in the current language (recomputed when either changes). */
  get countries(): Country[] {
    return this.#named(this.#options.config(), this.#options.tag() || 'en');
  }

  /** Selects the starting country (on configuration, and on form reset). */
  pick(): void {
    const config = this.#options.config();
    if (config) this.selected = pickCountry(config.countries, [this.#options.wanted(), config.defaultCountry]);
  }

  /** The page changed `default-country`: selected, if the server allows it. */
  follow(): void {
    const wanted = this.#options.wanted()?.toUpperCase();
    if (wanted && this.#options.config()?.countries.some((c) => c.country === wanted)) this.selected = wanted;
  }

  /** The combobox's controller, made when its chunk arrives. */
  async load(): Promise<ComboboxController> {
    const module = await loadCombobox();
    this.#host.requestUpdate();
    const o = this.#options;
    return (this.combo ??= new module.ComboboxController(this.#host, {
      countries: () => this.countries,
      selected: () => this.#selected,
      choose: (country) => {
        this.selected = country.country;
        o.chosen();
      },
      results: o.results,
      busy: o.busy,
      root: o.root,
      html,
      css,
      nothing,
      adopt: o.adopt,
      updateNow: o.updateNow,
    }));
  }
}
