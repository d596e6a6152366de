// widget/src/flow/flow-controller.ts
// Owns every request of the flow, one AbortSignal each (as @lit/task does), and
// feeds their outcomes to the pure state machine in flow.ts. Tells the page through
// the element's events; never puts the number or the code in them.

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Channel, ConfigResponse, StartRequest, StartResponse } from '@phone-verify/server-plugin/protocol';
import { PhoneVerifyClient, PhoneVerifyRequestError } from '../client.js';
import { CountdownController } from '../code/countdown.js';
import { PhoneVerifyChallengeEvent, PhoneVerifyErrorEvent, PhoneVerifySentEvent, PhoneVerifySuccessEvent, type PhoneVerifySuccessDetail } from '../events.js';
import { isBusy, transition, type FlowEvent, type FlowState, type ShownError } from './flow.js';

export interface FlowHost extends ReactiveControllerHost, EventTarget {
  /** Where the server plugin's router is mounted. */
  readonly endpoint: string;
  /** The language tag sent with each code request. */
  readonly locale: string;
  /** Where the state's focus target is looked up, by id. */
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** What the flow needs from the element around it. */
export interface FlowHooks {
  /** Awaited before the phone step first shows (the language's messages). */
  ready(): Promise<unknown>;
  /** The configuration arrived. */
  configured(config: ConfigResponse): void;
  /** A code went out (first time or again): the code field starts empty. */
  sent(): void;
  /** Follows the server's `redirect` after sign-in. */
  navigate(url: string): void;
}

/** The request a `challenge_required` answer stopped, to send again with the page's token. */
type Challenged = (token: string) => void;

const toError = (error: unknown): PhoneVerifyRequestError =>
  error instanceof PhoneVerifyRequestError ? error : new PhoneVerifyRequestError('internal_error', String(error));

export class FlowController implements ReactiveController {
  state: FlowState = { step: 'loading' };
  config: ConfigResponse | undefined;
  readonly countdown: CountdownController;
  /** Seconds until the code expires ("Code expires in 4:12"). */
  readonly expiry: CountdownController;
  readonly #host: FlowHost;
  readonly #hooks: FlowHooks;
  readonly #pending = new Set<AbortController>();
  #configRequest: AbortController | undefined;
  #challenged: Challenged | undefined;
  /** The state whose focus target was applied. */
  #focused: FlowState | undefined;

  constructor(host: FlowHost, hooks: FlowHooks) {
    this.#host = host;
    this.#hooks = hooks;
    host.addController(this);
    this.countdown = new CountdownController(host, () => this.apply({ type: 'ready' }));
    this.expiry = new CountdownController(host, () => {
      this.countdown.stop();
      this.apply({ type: 'expired' });
    });
  }

  /** A request of the flow is pending: buttons are off. */
  get busy(): boolean {
    return isBusy(this.state.step);
  }

  get client(): PhoneVerifyClient {
    return new PhoneVerifyClient(this.#host.endpoint);
  }

  get codeLength(): number {
    return this.config?.codeLength ?? 6;
  }

  hostConnected(): void {
    if (this.state.step === 'loading' || this.state.step === 'error') void this.load();
  }

  /** Moves focus where the new state says, once per state. */
  hostUpdated(): void {
    const state = this.state;
    if (!state.focus || state === this.#focused) return;
    this.#focused = state;
    const target = state.focus;
    const element = this.#host.renderRoot.querySelector<HTMLElement>(`#${target === 'code-select' ? 'code' : target}`);
    element?.focus();
    if (target === 'code-select' && element instanceof HTMLInputElement) element.select();
  }

  hostDisconnected(): void {
    // Only the configuration is asked again on reconnect; a pending send or check finishes.
    this.#configRequest?.abort();
  }

  /** Feeds one event to the machine; false when the current state does not take it. */
  apply(event: FlowEvent): boolean {
    const next = transition(this.state, event);
    if (next === this.state) return false;
    this.state = next;
    if (!('sent' in next) || next.expired) {
      this.countdown.stop();
      this.expiry.stop();
    }
    this.#host.requestUpdate();
    return true;
  }

  /** `GET /config`, again on `retry` after it failed; a newer load replaces an older one. */
  async load(retry = false): Promise<void> {
    if (!this.apply({ type: retry ? 'retry' : 'load' })) return;
    // Another endpoint is another server: what the old one answers no longer counts.
    this.#abortAll();
    this.#configRequest?.abort();
    const request = (this.#configRequest = new AbortController());
    try {
      const config = await this.client.config(request.signal);
      await this.#hooks.ready();
      if (request.signal.aborted) return;
      this.config = config;
      this.#hooks.configured(config);
      this.apply({ type: 'loaded' });
    } catch (error) {
      if (!request.signal.aborted) this.#fail(error, 'load-failed');
    }
  }

  /** `POST /start`. `shown` turns the server's E.164 into what the code step shows; `prepare` runs first (the code step's chunk). */
  start(body: StartRequest, shown: (e164: string) => string, prepare: () => Promise<unknown>): void {
    this.#challenged = (challengeToken) => this.start({ ...body, challengeToken }, shown, prepare);
    const locale = this.#host.locale;
    this.#run(
      'send',
      async (signal) => {
        await prepare();
        return this.#startOnFirstChannelThatReaches(locale ? { ...body, locale } : body, signal);
      },
      (answer) => this.#sent(answer, shown(answer.phone)),
    );
  }

  /**
   * Starts on the server's default channel; when that cannot reach the number
   * (`channel_unavailable`: Telegram for someone not on Telegram), on the next one offered.
   */
  async #startOnFirstChannelThatReaches(body: StartRequest, signal: AbortSignal): Promise<StartResponse> {
    try {
      return await this.client.start(body, signal);
    } catch (error) {
      const next = this.config?.channels[1];
      if (!next || body.channel || toError(error).code !== 'channel_unavailable') throw error;
      return this.client.start({ ...body, channel: next }, signal);
    }
  }

  /** `POST /resend`, on the same channel or another. */
  resend(channel: Channel, challengeToken?: string): void {
    const sent = 'sent' in this.state ? this.state.sent : undefined;
    if (!sent) return;
    this.#challenged = (token) => this.resend(channel, token);
    const body = { channel, locale: this.#host.locale, ...(challengeToken ? { challengeToken } : {}) };
    this.#run(
      'resend',
      (signal) => this.client.resend(body, signal),
      (answer) => this.#sent(answer, sent.phone),
    );
  }

  /** `POST /verify`; the cancelable success event may stop the redirect. */
  verify(code: string): void {
    this.#run(
      'verify',
      (signal) => this.client.verify(code, signal),
      (answer) => {
        this.apply({ type: 'verified', user: answer.user, phone: answer.phone, ...(answer.proof ? { proof: answer.proof } : {}) });
        const detail: PhoneVerifySuccessDetail = { user: answer.user, intent: answer.intent ?? 'signin' };
        if (answer.redirect) detail.redirect = answer.redirect;
        if (answer.proof) detail.proof = answer.proof;
        if (this.#host.dispatchEvent(new PhoneVerifySuccessEvent(detail)) && answer.redirect) this.#hooks.navigate(answer.redirect);
      },
    );
  }

  /** `POST /cancel`, then the phone step whatever the answer: a new start replaces the pending verification anyway. */
  cancel(): void {
    this.#run(
      'cancel',
      (signal) => this.client.cancel(signal).catch(() => undefined),
      () => this.apply({ type: 'restart' }),
    );
  }

  /** Sends the request the server stopped with `challenge_required` again, with the page's token. */
  submitChallenge(token: string): void {
    if ('challenge' in this.state && this.state.challenge) this.#challenged?.(token);
  }

  /** Back to the phone step with nothing pending: in-flight answers are dropped, the pending verification canceled. */
  reset(): void {
    this.#abortAll();
    if ('sent' in this.state) void this.client.cancel().catch(() => undefined);
    this.#challenged = undefined;
    this.apply({ type: 'restart' });
  }

  #abortAll(): void {
    for (const request of this.#pending) request.abort();
    this.#pending.clear();
  }

  #sent(answer: StartResponse, phone: string): void {
    if (this.config && answer.codeLength !== this.config.codeLength) this.config = { ...this.config, codeLength: answer.codeLength };
    const { channel, resendAfter, sameCode } = answer;
    if (
      !this.apply({ type: 'sent', sent: { phone, e164: answer.phone, channel, expiresIn: answer.expiresIn, resendAfter, ...(sameCode ? { sameCode } : {}) } })
    )
      return;
    this.countdown.start(resendAfter);
    this.expiry.start(answer.expiresIn);
    this.#hooks.sent();
    this.#host.dispatchEvent(new PhoneVerifySentEvent({ channel, resendAfter }));
  }

  async #run<T>(begin: 'send' | 'resend' | 'verify' | 'cancel', call: (signal: AbortSignal) => Promise<T>, done: (answer: T) => void): Promise<void> {
    if (!this.apply({ type: begin })) return;
    const request = new AbortController();
    this.#pending.add(request);
    try {
      const answer = await call(request.signal);
      if (!request.signal.aborted) done(answer);
    } catch (error) {
      if (!request.signal.aborted) this.#fail(error, begin === 'resend' ? 'resend' : 'failed');
    } finally {
      this.#pending.delete(request);
    }
  }

  /** Shows a failed request's message and tells the page (the code only, never the number). */
  #fail(caught: unknown, kind: 'load-failed' | 'failed' | 'resend'): void {
    const failure = toError(caught);
    const { code, attemptsLeft, retryAfter, country } = failure;
    const error: ShownError = { code };
    if (country) error.country = country;
    if (attemptsLeft !== undefined) error.attemptsLeft = attemptsLeft;
    if (retryAfter !== undefined) error.retryAfter = retryAfter;
    const challenge = code === 'challenge_required';
    this.apply({ type: kind === 'load-failed' ? kind : challenge ? 'challenge' : 'failed', error });
    if (kind === 'resend' && retryAfter !== undefined && (code === 'resend_too_soon' || code === 'rate_limited')) this.countdown.start(retryAfter);
    this.#host.dispatchEvent(new PhoneVerifyErrorEvent({ code }));
    if (challenge) this.#host.dispatchEvent(new PhoneVerifyChallengeEvent({ step: kind === 'resend' ? 'resend' : 'start' }));
  }
}
