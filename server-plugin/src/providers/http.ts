// server-plugin/src/providers/http.ts
// The one way provider adapters talk HTTP: platform fetch with a deadline, and the
// mapping of transport failures and generic statuses onto protocol errors.

import { errors, type PhoneVerifyError, type ProviderOutcome } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskPhonesIn } from '../phone.js';

/** What every HTTP adapter accepts besides its credentials. */
export interface HttpProviderOptions {
  /** Scheme, host and optional port of the API (a sandbox in tests). Default: the provider's real host. */
  baseUrl?: string;
  /**
   * Seconds one HTTP request may take. Default 10. The service's `providerTimeout` is the
   * deadline of a whole call (which may be several requests: cancel then start, check then
   * a status read) and aborts the request in flight when it passes.
   */
  timeout?: number;
  /** Where the operator-facing lines go (bad credentials, rejected configuration). Default: the console. */
  logger?: Logger;
  /** Milliseconds since the epoch; only for rules that depend on time (Textmagic's 30 s cancel rule). For tests. */
  clock?: () => number;
}

export interface HttpClientConfig {
  /** The provider's name, for messages. */
  provider: string;
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
  /** Headers sent on every call: authorization, accept. Never logged. */
  headers: Record<string, string>;
  /** Makes the `Authorization` header anew for each call (Vonage's application JWTs are single-use). Never logged. */
  authorize?: () => Promise<string>;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead (Twilio reads nothing else). */
  form?: Record<string, string>;
  /** Shown in log lines and errors instead of the path (which may hold a phone number). */
  what: string;
  /** The service's deadline for the whole call; aborts this request too. */
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  body: unknown;
}

/**
 * A provider's text as it may be logged: phone numbers masked, the code being checked
 * (if the provider echoed it) removed, one line, at most 300 characters.
 */
export function scrub(text: string, code?: string): string {
  const withoutCode = code ? text.split(code).join('[code]') : text;
  return maskPhonesIn(withoutCode).replace(/\s+/g, ' ').slice(0, 300);
}

/** Seconds from a `Retry-After` header (delta-seconds or HTTP-date), if it has a usable one. */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

export function unavailable(provider: string, detail: string, outcome: ProviderOutcome, retryAfter = 5): PhoneVerifyError {
  return errors.providerUnavailable(
    'The verification service is not answering; try again shortly.',
    new Error(`${provider}: ${detail}`),
    retryAfter * 1000,
    outcome,
  );
}

/**
 * Network errors that happen before a request is written (no connection, no such host):
 * the provider cannot have acted. Everything else after `fetch` was called (a reset, a
 * socket closed mid-answer, a timeout) may come after the provider acted.
 */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

/** A small fetch client bound to one provider's host, credentials and deadline. */
export class HttpClient {
  constructor(readonly config: HttpClientConfig) {
    if (!/^https?:\/\/[^/]+/.test(config.baseUrl)) {
      throw new TypeError(`${config.provider}: baseUrl must be an http(s) URL, got ${JSON.stringify(config.baseUrl)}`);
    }
    if (!(config.timeoutMs > 0)) throw new TypeError(`${config.provider}: timeout must be a positive number of seconds`);
  }

  /**
   * Make one call. Transport failures (refused, reset, timed out) throw
   * `provider_unavailable`; every HTTP status comes back for the adapter to read.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const { provider, baseUrl, timeoutMs, headers, authorize } = this.config;
    const init: RequestInit = {
      method: request.method,
      headers: { accept: 'application/json', ...headers, ...(authorize ? { authorization: await authorize() } : {}) },
      signal: request.signal ? AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    };
    if (request.json !== undefined) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
      init.body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(request.form).toString();
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(baseUrl.replace(/\/+$/, '') + request.path, init);
      // The deadline covers the body too: a server that sends headers and then stalls is still down.
      text = await response.text();
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        const reason = request.signal?.aborted ? 'the call ran out of time' : `no answer within ${timeoutMs / 1000} s`;
        throw unavailable(provider, `${request.what}: ${reason}`, 'unknown');
      }
      const code = networkCode(error);
      throw unavailable(provider, `${request.what} failed: ${describeNetworkError(error)}`, code && NOT_SENT.has(code) ? 'refused' : 'unknown');
    }
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  /**
   * The error for an answer the adapter did not expect: credentials (401/403) and
   * other refusals become `provider_error` with one log line for the operator;
   * 429, 5xx and anything else become `provider_unavailable`. An error status is the
   * provider saying no (`refused`), except 502 and 504: a gateway answered for a backend
   * that may have acted. A 2xx or 3xx we cannot read may be a send that happened.
   */
  unexpected(response: HttpResponse, what: string, providerText?: string, code?: string): PhoneVerifyError {
    const { provider, logger } = this.config;
    const detail = providerText ? `: ${scrub(providerText, code)}` : '';
    if (response.status === 401 || response.status === 403) {
      logger.error(`${provider} refused the credentials (HTTP ${response.status}) on ${what}${detail}; check the API key in the provider options`);
      return errors.providerRefused();
    }
    if (response.status === 429) {
      return unavailable(provider, `${what} was rate limited (HTTP 429)${detail}`, 'refused', retryAfterSeconds(response.headers) ?? 5);
    }
    if (response.status >= 500) {
      const outcome = response.status === 502 || response.status === 504 ? 'unknown' : 'refused';
      return unavailable(provider, `${what} failed with HTTP ${response.status}${detail}`, outcome, retryAfterSeconds(response.headers) ?? 5);
    }
    if (response.status >= 400) {
      logger.error(`${provider} rejected ${what} (HTTP ${response.status})${detail}; check the provider options`);
      return errors.providerRefused();
    }
    return unavailable(provider, `${what} answered HTTP ${response.status} with a body that is not the documented one`, 'unknown');
  }

  /** The error for a 2xx answer whose body is not the documented JSON: the provider may well have acted. */
  malformed(what: string): PhoneVerifyError {
    return unavailable(this.config.provider, `${what} answered with a body that is not the documented JSON`, 'unknown');
  }
}

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}

/** Seconds → milliseconds for the `timeout` option, defaulting to 10 s. */
export function timeoutMs(provider: string, timeout: number | undefined): number {
  const seconds = timeout ?? 10;
  if (typeof seconds !== 'number' || !(seconds > 0) || seconds > 120) {
    throw new TypeError(`${provider}: timeout must be a number of seconds from 0 to 120, got ${String(timeout)}`);
  }
  return Math.round(seconds * 1000);
}

/** Throw a TypeError naming the option when a required string option is missing. */
export function requireString(provider: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`${provider}: options.${name} is required`);
  }
  return value;
}

/** Pick a language from a provider's list for a BCP 47 tag: exact match, else the first with the same primary language. */
export function pickLanguage(locale: string | undefined, supported: readonly string[], preferred: Record<string, string> = {}): string | undefined {
  if (!locale) return undefined;
  const tag = locale.toLowerCase().replace(/_/g, '-');
  if (supported.includes(tag)) return tag;
  const primary = tag.split('-')[0]!;
  return preferred[primary] ?? supported.find((l) => l.split('-')[0] === primary);
}
