// widget/src/form/form-controller.ts
// Form association through ElementInternals: the verified number as the form value,
// `valueMissing` until then, the disabled state a form or fieldset gives, and the
// custom states pages style with `:state(…)`.

import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the form sees of the element. */
export interface FormOptions {
  /** The verified number in E.164, `''` before. */
  value(): string;
  /** The custom states that are on (`:state(…)`); `disabled` is added when disabled. */
  states(): readonly string[];
  /** The validation message while nothing is verified, and the field the browser points at. */
  missing(): [message: string, anchor: HTMLElement | undefined];
}

export class FormController implements ReactiveController {
  readonly internals: ElementInternals | undefined;
  /** Disabled as a form control: its own `disabled` or a disabled `<fieldset>`. */
  disabled = false;
  readonly #host: ReactiveControllerHost;
  readonly #options: FormOptions;
  #shown = new Set<string>();

  constructor(host: ReactiveControllerHost & HTMLElement, options: FormOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
    try {
      this.internals = host.attachInternals();
    } catch {
      // Not upgraded through the registry (e.g. `new` before define): no form value or custom states.
      this.internals = undefined;
    }
  }

  /** From the element's `formDisabledCallback`. */
  disabledChanged(disabled: boolean): void {
    this.disabled = disabled;
    this.#host.requestUpdate();
  }

  hostUpdated(): void {
    const internals = this.internals;
    if (!internals) return;
    const states = new Set(this.#options.states());
    if (this.disabled) states.add('disabled');
    for (const state of this.#shown) if (!states.has(state)) internals.states?.delete(state);
    for (const state of states) internals.states?.add(state);
    this.#shown = states;
    const value = this.#options.value();
    internals.setFormValue(value || null);
    if (value) internals.setValidity({});
    else internals.setValidity({ valueMissing: true }, ...this.#options.missing());
  }
}
