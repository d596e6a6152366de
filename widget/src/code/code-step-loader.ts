// widget/src/code/code-step-loader.ts
// The element's side of the code step's chunk: fetches it (with the intents' steps),
// makes its controller once, and hands it the helpers it shares with the first render
// (`CodeStepTools`: the chunk imports nothing at run time, see code-step.ts). Part of the
// first render (phone-verify.ts imports it); only types come from the chunk.

import { css, html, nothing, type ReactiveControllerHost } from 'lit';
import { loadCodeStep } from '../chunks.js';
import type { CodeStepController, CodeStepOptions } from './code-step.js';
import { formatSeconds } from './countdown.js';
import { formatDuration } from '../i18n.js';
import { isolate } from '../i18n/flow-text.js';
import type * as IntentStepModule from '../intent-step.js';
import { format } from '../messages.js';
import { extractCode, toAsciiDigits } from '../text.js';

/** The code step and the intents' steps, once their chunk has arrived (`load` fetches it, once, and makes the step's controller). */
export class CodeStepLoader {
  /** The code step's controller. */
  step: CodeStepController | undefined;
  /** Step-up's first step and the done step. */
  intents: typeof IntentStepModule | undefined;
  readonly #host: ReactiveControllerHost;
  readonly #options: Omit<CodeStepOptions, 'tools'>;

  constructor(host: ReactiveControllerHost, options: Omit<CodeStepOptions, 'tools'>) {
    this.#host = host;
    this.#options = options;
  }

  async load(): Promise<CodeStepController> {
    const { code, intents } = await loadCodeStep();
    this.intents = intents;
    return (this.step ??= new code.CodeStepController(this.#host, {
      ...this.#options,
      tools: { html, css, nothing, extractCode, toAsciiDigits, format, formatDuration, formatSeconds, isolate },
    }));
  }
}
