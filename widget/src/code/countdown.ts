// widget/src/code/countdown.ts
// A reactive controller that counts seconds down to zero and re-renders its host on
// each tick; used for "Send again in 0:27".

import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class CountdownController implements ReactiveController {
  /** Whole seconds left, `0` when not running. */
  remaining = 0;
  // Private fields (#), not TypeScript's `private`: the minifier shortens their names (this is in the first render).
  #endsAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #host: ReactiveControllerHost;
  readonly #onDone: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, onDone?: () => void) {
    this.#host = host;
    this.#onDone = onDone;
    host.addController(this);
  }

  /** True while counting. */
  get running(): boolean {
    return this.remaining > 0;
  }

  /** (Re)start from `seconds`. Zero or less stops it. */
  start(seconds: number): void {
    // An end in the past leaves `remaining` at 0 (see #tick).
    this.#endsAt = Date.now() + seconds * 1000;
    this.#tick(true);
  }

  /** Stop without calling `onDone`. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.remaining = 0;
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    if (this.#endsAt > Date.now()) this.#tick(true);
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Updates `remaining`; at zero calls `onDone`, unless `quiet` (a start or reconnection, not a tick). */
  #tick(quiet?: boolean): void {
    clearTimeout(this.#timer);
    const left = this.#endsAt - Date.now();
    this.remaining = Math.max(0, Math.ceil(left / 1000));
    this.#host.requestUpdate();
    if (this.remaining > 0) {
      // Wake at the next whole-second boundary so the display never skips or lingers.
      this.#timer = setTimeout(() => this.#tick(), left - (this.remaining - 1) * 1000);
    } else {
      this.#timer = undefined;
      if (!quiet) this.#onDone?.();
    }
  }
}

/** `27` → `"0:27"`, `125` → `"2:05"`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
