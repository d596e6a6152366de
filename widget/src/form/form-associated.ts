// widget/src/form/form-associated.ts
// Form association through ElementInternals, as a base class (Web Awesome's
// WebAwesomeFormAssociatedElement does the same): the element's value as the form
// value, `valueMissing` until there is one, `disabled` (its own, reflected, or a
// disabled `<fieldset>`'s) and the custom states pages style with `:state(…)`.

import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';

export abstract class FormAssociatedElement extends LitElement {
  /** Takes part in forms through `ElementInternals`. */
  static formAssociated = true;

  static override properties: PropertyDeclarations = {
    name: { reflect: true },
    disabled: { type: Boolean, reflect: true },
  };

  /** The name the value is submitted under in a form. */
  declare name: string | undefined;
  /** Disables the element; reflected as `disabled`. A disabled fieldset disables it too (`:disabled`, `:state(disabled)`). */
  declare disabled: boolean;

  readonly #internals: ElementInternals | undefined;
  /** Disabled through a form or fieldset (or its own attribute), as the browser says. */
  #formDisabled = false;
  #states = new Set<string>();

  constructor() {
    super();
    this.name = undefined;
    this.disabled = false;
    try {
      this.#internals = this.attachInternals();
    } catch {
      // Not upgraded through the registry (e.g. `new` before define): no form value or custom states.
      this.#internals = undefined;
    }
  }

  /** The value the form submits; `''` for none yet. */
  abstract get value(): string;

  /** The form the element belongs to. */
  get form(): HTMLFormElement | null {
    return this.#internals?.form ?? null;
  }

  /** `valueMissing` until there is a value. */
  get validity(): ValidityState | undefined {
    return this.#internals?.validity;
  }

  get validationMessage(): string {
    return this.#internals?.validationMessage ?? '';
  }

  get willValidate(): boolean {
    return this.#internals?.willValidate ?? false;
  }

  checkValidity(): boolean {
    return this.#internals?.checkValidity() ?? true;
  }

  reportValidity(): boolean {
    return this.#internals?.reportValidity() ?? true;
  }

  formDisabledCallback(disabled: boolean): void {
    this.#formDisabled = disabled;
    this.requestUpdate();
  }

  /** Disabled by its own attribute, a form or a fieldset. */
  protected get isDisabled(): boolean {
    return this.disabled || this.#formDisabled;
  }

  /** The custom states that are on now (`disabled` is added when disabled). */
  protected abstract get customStates(): readonly string[];

  /** The message while there is no value, and the field the browser points at. */
  protected abstract get missingValue(): [message: string, anchor: HTMLElement | undefined];

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Reflect `disabled` now rather than after rendering: the browser then calls
    // formDisabledCallback at once, so the controls render with the state it has.
    if (changed.has('disabled')) this.toggleAttribute('disabled', this.disabled);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const internals = this.#internals;
    if (!internals) return;
    const states = new Set(this.customStates);
    if (this.#formDisabled) states.add('disabled');
    for (const state of this.#states) if (!states.has(state)) internals.states?.delete(state);
    for (const state of states) internals.states?.add(state);
    this.#states = states;
    const value = this.value;
    internals.setFormValue(value || null);
    if (value) internals.setValidity({});
    else internals.setValidity({ valueMissing: true }, ...this.missingValue);
  }
}
