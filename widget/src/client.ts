// widget/src/client.ts
// The widget's HTTP client and its only `fetch`: one method per router endpoint, JSON
// in and out, every failure turned into a PhoneVerifyRequestError carrying a protocol
// (or client) code. Paths come from the protocol's `Endpoints`, as the router's do.

import {
  Endpoints,
  type CancelResponse,
  type MetadataType,
  type ConfigResponse,
  type ErrorBody,
  type ErrorCode,
  type ResendRequest,
  type StartRequest,
  type StartResponse,
  type StatusResponse,
  type VerifyRequest,
  type VerifyResponse,
} from '@phone-verify/server-plugin/protocol';

/**
 * Every code a request can fail with: the server's protocol codes, plus two the
 * browser produces itself: `network_error` (no answer at all) and
 * `invalid_response` (an answer that is not the protocol's JSON).
 */
export type ClientErrorCode = ErrorCode | 'network_error' | 'invalid_response';

/** A failed request, as data. Never carries the phone number or the code. */
export class PhoneVerifyRequestError extends Error {
  /** The protocol error code, or a client-side one. */
  readonly code: ClientErrorCode;
  /** HTTP status, `0` when there was no answer. */
  readonly status: number;
  /** Seconds to wait before trying again, when the server said. */
  readonly retryAfter: number | undefined;
  /** Wrong codes left, when the server said. */
  readonly attemptsLeft: number | undefined;
  /** The refused number's country, with `country_not_allowed`. */
  readonly country: string | undefined;

  constructor(code: ClientErrorCode, message: string, details: { status?: number; retryAfter?: number; attemptsLeft?: number; country?: string } = {}) {
    super(message);
    this.name = 'PhoneVerifyRequestError';
    this.code = code;
    this.status = details.status ?? 0;
    this.retryAfter = details.retryAfter;
    this.attemptsLeft = details.attemptsLeft;
    this.country = details.country;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as Partial<ErrorBody> | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string';
}

/** A small fetch wrapper for the router mounted at `endpoint` (e.g. `/auth/phone`). */
export class PhoneVerifyClient {
  /** Where the router is mounted, without a trailing slash. */
  readonly endpoint: string;

  constructor(endpoint: string) {
    this.endpoint = endpoint.replace(/\/+$/, '');
  }

  /** `GET /config`: countries, channels, code length, resend delay. */
  config(signal?: AbortSignal): Promise<ConfigResponse> {
    return this.request<ConfigResponse>('GET', Endpoints.config, undefined, signal);
  }

  /** `POST /start`: send a code to a number. */
  start(body: StartRequest, signal?: AbortSignal): Promise<StartResponse> {
    return this.request<StartResponse>('POST', Endpoints.start, body, signal);
  }

  /** `POST /resend`: send the pending verification again, perhaps on another channel. */
  resend(body: ResendRequest = {}, signal?: AbortSignal): Promise<StartResponse> {
    return this.request<StartResponse>('POST', Endpoints.resend, body, signal);
  }

  /** `POST /verify`: check the code; on success the session is signed in. */
  verify(code: string, signal?: AbortSignal): Promise<VerifyResponse> {
    const body: VerifyRequest = { code };
    return this.request<VerifyResponse>('POST', Endpoints.verify, body, signal);
  }

  /** `GET /status`: whether this session has a code on its way (a reloaded page resumes there). */
  status(): Promise<StatusResponse> {
    return this.request<StatusResponse>('GET', Endpoints.status);
  }

  /** `POST /cancel`: drop the pending verification. */
  cancel(signal?: AbortSignal): Promise<CancelResponse> {
    return this.request<CancelResponse>('POST', Endpoints.cancel, {}, signal);
  }

  /**
   * `GET /metadata`: the formatting metadata for the server's countries, as the raw
   * answer (public and cacheable, so no session headers; the formatting chunk reads it).
   */
  metadata(type?: MetadataType): Promise<Response> {
    return fetch(this.endpoint + Endpoints.metadata + (type ? `?type=${type}` : ''));
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: object, signal?: AbortSignal): Promise<T> {
    const init: RequestInit = {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      // The custom header is the router's CSRF defence: a cross-site form cannot set it.
      headers: { accept: 'application/json', 'x-phone-verify': '1', ...(body ? { 'content-type': 'application/json' } : {}) },
    };
    if (body) init.body = JSON.stringify(body);
    if (signal) init.signal = signal;

    let response: Response;
    try {
      response = await fetch(this.endpoint + path, init);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      throw new PhoneVerifyRequestError('network_error', 'No answer');
    }
    let data: unknown;
    try {
      data = await response.json();
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      throw new PhoneVerifyRequestError('invalid_response', `HTTP ${response.status}, not JSON`, { status: response.status });
    }
    if (response.ok && typeof data === 'object' && data !== null && !isErrorBody(data)) return data as T;
    if (isErrorBody(data)) {
      const { code, message, retryAfter, attemptsLeft, country } = data.error;
      const details: { status: number; retryAfter?: number; attemptsLeft?: number; country?: string } = { status: response.status };
      if (country) details.country = String(country);
      if (typeof retryAfter === 'number') details.retryAfter = retryAfter;
      if (typeof attemptsLeft === 'number') details.attemptsLeft = attemptsLeft;
      throw new PhoneVerifyRequestError(code, String(message), details);
    }
    throw new PhoneVerifyRequestError('invalid_response', `HTTP ${response.status}, unexpected body`, { status: response.status });
  }
}
