// widget/src/code/code-input.ts
// The code field's behaviour: digits only (other digit scripts too), a pasted message
// reduced to its code, a full code submitted at once; and the code step's template,
// a lazy chunk (code-step.ts) fetched after the first render.

import type { ReactiveControllerHost } from 'lit';
import { PhoneVerifyRequestError } from '../client.js';
import { toAsciiDigits } from '../text.js';
import type { renderCodeStep } from './code-step.js';

/**
 * The code in a pasted text: a run of exactly `length` digits if there is one
 * ("Your code is 123456. @example.com #123456"), else all the digits in order.
 * Arabic-Indic and full-width digits count as digits.
 */
export function extractCode(text: string, length: number): string {
  const runs = toAsciiDigits(text).match(/\d+/g) ?? [];
  return runs.find((run) => run.length === length) ?? runs.join('').slice(0, length);
}

export type CodeStepModule = { renderCodeStep: typeof renderCodeStep };

let chunk: Promise<CodeStepModule> | undefined;

export class CodeInputController {
  /** What the field holds: digits only. */
  value = '';
  /** The code step's template, once its chunk has arrived. */
  module: CodeStepModule | undefined;
  private readonly host: ReactiveControllerHost;
  private readonly length: () => number;
  private readonly complete: () => void;

  /** `length`: digits in a code; `complete`: the field holds a whole code. */
  constructor(host: ReactiveControllerHost, length: () => number, complete: () => void) {
    this.host = host;
    this.length = length;
    this.complete = complete;
  }

  /** The template's chunk, fetched once per page; a failure to fetch is a `network_error`, tried again next time. */
  load(): Promise<CodeStepModule> {
    chunk ??= import('./code-step.js').catch(() => {
      chunk = undefined;
      throw new PhoneVerifyRequestError('network_error', 'code step did not load');
    });
    return chunk.then((module) => (this.module = module));
  }

  /** Sets the code (`''` when a new one went out), or what a text message holds. */
  set(text: string, extract = false): void {
    this.value = extract ? extractCode(text, this.length()) : text;
    this.host.requestUpdate();
  }

  readonly handleInput = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const digits = toAsciiDigits(input.value).replace(/\D/g, '').slice(0, this.length());
    if (digits !== input.value) input.value = digits;
    this.set(digits);
    if (digits.length === this.length()) this.complete();
  };

  readonly handlePaste = (event: ClipboardEvent): void => {
    const input = event.target as HTMLInputElement;
    const length = this.length();
    event.preventDefault();
    const pasted = extractCode(event.clipboardData?.getData('text') ?? '', length);
    if (!pasted) return;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    const merged = pasted.length >= length ? pasted : input.value.slice(0, start) + pasted + input.value.slice(end);
    input.value = merged.replace(/\D/g, '').slice(0, length);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
}
