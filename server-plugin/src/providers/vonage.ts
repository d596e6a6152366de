// server-plugin/src/providers/vonage.ts
// Vonage Verify v2: a request with a one-step workflow per send, checked by request id,
// cancelled with DELETE. Errors are RFC 7807 problem+json; a wrong code is a 400 and
// too many of them a 410. Codes are made and kept by Vonage.
//
// Auth is either HTTP Basic `api_key:api_secret` or Vonage's application auth: a JWT
// Bearer signed RS256 with the application's private key, a new one per call
// (vonage-jwt.ts). Vonage documents both for Verify v2; its Node SDK uses the JWT.

import type { KeyObject } from 'node:crypto';
import { errors } from '../errors.js';
import { Deadlines } from './deadlines.js';
import { consoleLogger } from '../logger.js';
import type { Channel } from '../protocol.js';
import { vonageJwtSigner } from './vonage-jwt.js';
import { HttpClient, pickLanguage, requireString, timeoutMs, type HttpProviderOptions, type HttpResponse } from './http.js';
import type { CheckResult, PendingVerification, StartRequest, Started, VerifyProvider } from './types.js';

/** Locales Vonage Verify v2 writes and reads messages in (the Node SDK's `VerifyLocale`). */
export const VONAGE_LOCALES = ['en-us', 'en-gb', 'es-es', 'es-mx', 'es-us', 'it-it', 'fr-fr', 'de-de', 'ru-ru', 'hi-in', 'pt-br', 'pt-pt', 'id-id'] as const;

/** `channel_timeout` bounds. The old v0.0.15 spec says 60–900 (the Java SDK allows 15–900); we keep to 60–900. */
export const VONAGE_MIN_CHANNEL_TIMEOUT = 60;
export const VONAGE_MAX_CHANNEL_TIMEOUT = 900;
/** Wrong codes after which Vonage terminates a request. */
export const VONAGE_MAX_ATTEMPTS = 3;

/**
 * Credentials: either `apiKey` + `apiSecret` (HTTP Basic) or `applicationId` +
 * `privateKey` (application JWTs), not both.
 */
export interface VonageProviderOptions extends HttpProviderOptions {
  /** Account API key (HTTP Basic user). */
  apiKey?: string;
  /** Account API secret (HTTP Basic password). Never logged. */
  apiSecret?: string;
  /** The Vonage application's id, for application auth (`Authorization: Bearer <JWT>`). */
  applicationId?: string;
  /** The application's private key (PEM or KeyObject), for application auth. Never logged. */
  privateKey?: string | KeyObject;
  /** Shown in the message ("Your {brand} code is …"). Required by Vonage; its length limit is UNCONFIRMED, so only emptiness is refused here. */
  brand: string;
  /** Channels offered, in preference order: `sms`, `voice`, `whatsapp`. Default `['sms', 'voice']`. */
  channels?: readonly Channel[];
  /** Always use this locale (one of `VONAGE_LOCALES`) instead of the user's. */
  locale?: string;
  /**
   * Senders per channel: `sms` an alphanumeric sender id or number (optional), `whatsapp`
   * the WhatsApp Business number. Whether Vonage requires `from` for WhatsApp is
   * UNCONFIRMED; we assume it does and refuse `whatsapp` in `channels` without it.
   */
  from?: { sms?: string; whatsapp?: string };
}

/** Our channel → the Vonage workflow `channel`. One to one for the channels that carry a code. */
export const VONAGE_CHANNEL: Readonly<Partial<Record<Channel, string>>> = { sms: 'sms', voice: 'voice', whatsapp: 'whatsapp' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The problem `type` of an RFC 7807 body, reduced to its name: Vonage writes
 * `https://developer.vonage.com/api-errors#throttled` (generic) and, for Verify's own
 * errors, a URL ending `#invalid-code` and the like. The exact URL prefix of the Verify
 * ones is UNCONFIRMED, so only the part after `#` (else the last path segment) is read.
 */
export function problemType(body: unknown): string | undefined {
  const type = isObject(body) ? body.type : undefined;
  if (typeof type !== 'string' || type === '') return undefined;
  const hash = type.lastIndexOf('#');
  return (hash >= 0 ? type.slice(hash + 1) : type.replace(/\/+$/, '').split('/').pop()!).toLowerCase();
}

/** The names of the parameters a 422 complains about (`invalid_parameters[].name`; its use by Verify is UNCONFIRMED). */
function invalidParameters(body: unknown): string[] {
  const list = isObject(body) && Array.isArray(body.invalid_parameters) ? body.invalid_parameters : [];
  return list.filter(isObject).map((p) => String(p.name ?? ''));
}

/** Title, detail and invalid parameters of a problem body, for the log (the HttpClient scrubs and shortens it). */
function errorText(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const parts = [body.title, body.detail].filter((x): x is string => typeof x === 'string' && x !== '');
  const params = isObject(body) && Array.isArray(body.invalid_parameters) ? body.invalid_parameters.filter(isObject) : [];
  for (const p of params) parts.push(`${String(p.name)}: ${String(p.reason ?? '')}`);
  return parts.length ? parts.join(' ') : undefined;
}

/** `to`, `workflow[0].to`, `workflow.0.to`, `workflow[0][to]`: the name forms we accept for the recipient (UNCONFIRMED). */
const RECIPIENT_PARAM = /(^|[.[\]])to\]?$/;

/** Our ttl as a Vonage `channel_timeout`, within its 60–900 s. */
export function channelTimeout(ttlSeconds: number): number {
  return Math.min(VONAGE_MAX_CHANNEL_TIMEOUT, Math.max(VONAGE_MIN_CHANNEL_TIMEOUT, Math.round(ttlSeconds)));
}

/** Create a provider that proxies to Vonage Verify v2. */
export function vonageProvider(options: VonageProviderOptions): VerifyProvider {
  const name = 'vonage';
  const byApplication = options?.applicationId !== undefined || options?.privateKey !== undefined;
  if (byApplication && (options.apiKey !== undefined || options.apiSecret !== undefined)) {
    throw new TypeError(`${name}: give either apiKey and apiSecret or applicationId and privateKey, not both`);
  }
  let auth: { headers: Record<string, string>; authorize?: () => Promise<string> };
  if (byApplication) {
    if (options.privateKey === undefined) throw new TypeError(`${name}: options.privateKey is required with applicationId`);
    const sign = vonageJwtSigner(name, { applicationId: options.applicationId!, privateKey: options.privateKey }, options.clock ?? Date.now);
    auth = { headers: {}, authorize: async () => `Bearer ${await sign()}` };
  } else {
    const apiKey = requireString(name, 'apiKey', options?.apiKey);
    const apiSecret = requireString(name, 'apiSecret', options.apiSecret);
    auth = { headers: { authorization: `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}` } };
  }
  const brand = requireString(name, 'brand', options.brand);
  const channels = options.channels ?? (['sms', 'voice'] as const);
  if (channels.length === 0) throw new TypeError(`${name}: options.channels must name at least one channel`);
  for (const channel of channels) {
    if (!Object.hasOwn(VONAGE_CHANNEL, channel)) throw new TypeError(`${name}: Vonage delivers codes by sms, voice or whatsapp, not ${String(channel)}`);
  }
  if (channels.includes('whatsapp') && !options.from?.whatsapp) {
    throw new TypeError(`${name}: options.from.whatsapp (the WhatsApp Business number) is required to offer whatsapp`);
  }
  if (options.locale !== undefined && !(VONAGE_LOCALES as readonly string[]).includes(options.locale)) {
    throw new TypeError(`${name}: options.locale must be one of ${VONAGE_LOCALES.join(', ')}`);
  }
  const logger = options.logger ?? consoleLogger;
  const clock = options.clock ?? Date.now;
  const http = new HttpClient({
    provider: name,
    baseUrl: options.baseUrl ?? 'https://api.nexmo.com',
    timeoutMs: timeoutMs(name, options.timeout),
    logger,
    ...auth,
  });
  // Vonage sends 4–10; 4 is its default and 4 and 5 are below NIST 800-63B-4's 6.
  const codeLengths = [6, 7, 8, 9, 10] as const;

  /**
   * Requests this process started and when each stops being live at Vonage: a second
   * start for the number is answered 409 `concurrent` (naming the live request) until
   * then, and this is how we know how long that is. Other processes' requests are unknown.
   * Bounded: abandoned requests are forgotten when they would have ended.
   */
  const live = new Deadlines<string>(clock);
  const forget = (requestId: string): void => live.delete(requestId);
  const requestIdOf = (pending: PendingVerification): string => String(pending.state.requestId);

  async function start(request: StartRequest, signal?: AbortSignal, superseding = true): Promise<Started> {
    const what = `start (${request.channel})`;
    if (!channels.includes(request.channel)) {
      throw errors.channelNotByProvider(request.channel);
    }
    if (!(codeLengths as readonly number[]).includes(request.codeLength)) {
      throw new TypeError(`${name}: codes are 6 to 10 digits here (Vonage's default of 4 is below NIST's 6), not ${request.codeLength}`);
    }
    // One step per request: our own resend limit is then the real number of messages, and a
    // channel switch is the user's choice, not a timer's. Voice is the toll-fraud channel,
    // so it is never sent unasked as a fallback.
    const step: Record<string, unknown> = { channel: VONAGE_CHANNEL[request.channel]!, to: request.phone.replace(/^\+/, '') };
    const from = request.channel === 'sms' ? options.from?.sms : request.channel === 'whatsapp' ? options.from?.whatsapp : undefined;
    if (from) step.from = from;
    // With a single step, channel_timeout is how long the code lives (the request expires
    // when its last step times out). The service's ttl (60–600 s) fits Vonage's 60–900 as is;
    // the clamp only guards other callers. Vonage's overall request lifetime beyond the last
    // step is UNCONFIRMED; our service expires the verification at its own ttl regardless.
    const timeout = channelTimeout(request.ttlSeconds);
    const body: Record<string, unknown> = {
      brand,
      workflow: [step],
      channel_timeout: timeout,
      // Always sent: Vonage's default is 4 digits.
      code_length: request.codeLength,
    };
    const locale = options.locale ?? pickLanguage(request.locale, VONAGE_LOCALES, { en: 'en-gb', es: 'es-es', pt: 'pt-pt' });
    if (locale) body.locale = locale;

    const res = await http.send({ method: 'POST', path: '/v2/verify', json: body, what, signal });
    const type = problemType(res.body);
    // 409 is the documented "concurrent"; the SDK fixtures model it as a 422 `#conflict`,
    // which we read the same way (UNCONFIRMED legacy).
    if (res.status === 409 || (res.status === 422 && (type === 'conflict' || type === 'concurrent'))) {
      // A request to this number is still live: another process's, or one whose answer we
      // lost (so we never knew its id). A new start supersedes any other pending verification
      // of the number (the service has dropped ours already), so the request named in the 409
      // is cancelled and the start made once more. If that fails too, it is not a provider
      // fault, so not provider_unavailable (a chain would fail over and make a second live
      // code): rate_limited with the time left when we know it, else the longest it can live.
      const other = isObject(res.body) && typeof res.body.request_id === 'string' ? res.body.request_id : undefined;
      if (other !== undefined && superseding) {
        const cancelled = await cancelRequest(other, signal).then(
          () => true,
          () => false,
        );
        if (cancelled) return start(request, signal, false);
      }
      const endsAt = other === undefined ? undefined : live.get(other);
      throw errors.numberBusy(endsAt === undefined ? timeout * 1000 : endsAt - clock());
    }
    if (res.status === 422 && invalidParameters(res.body).some((p) => RECIPIENT_PARAM.test(p))) {
      // We only send numbers libphonenumber calls valid; Vonage refusing one is about the
      // number (unsupported destination, landline for sms), not our configuration.
      throw errors.invalidPhone();
    }
    // 401 → provider_error + one log line; 402 low balance and other 4xx → provider_error +
    // log; 429 (Retry-After honoured), 5xx → provider_unavailable.
    if (res.status !== 202) throw http.unexpected(res, what, errorText(res.body));
    // A start whose answer we cannot read may have created a request we would meet as a 409: the retry above cancels it.
    const requestId = isObject(res.body) ? res.body.request_id : undefined;
    if (typeof requestId !== 'string' || requestId === '') throw http.malformed(what);
    live.set(requestId, clock() + timeout * 1000);
    return { state: { requestId } };
  }

  async function cancel(pending: PendingVerification, signal?: AbortSignal): Promise<void> {
    await cancelRequest(requestIdOf(pending), signal);
  }

  async function cancelRequest(requestId: string, signal?: AbortSignal): Promise<void> {
    const what = 'cancel';
    const res: HttpResponse = await http.send({ method: 'DELETE', path: `/v2/verify/${encodeURIComponent(requestId)}`, what, signal });
    // 404: not found, already verified, cancelled or expired. The goal is reached.
    if (res.status === 204 || res.status === 404) {
      forget(requestId);
      return;
    }
    throw http.unexpected(res, what, errorText(res.body));
  }

  return {
    name,
    channels,
    codeLengths,
    // A request ends at the third wrong code (410 "expired"), as legacy v1 documented; v2's count is UNCONFIRMED.
    maxAttempts: VONAGE_MAX_ATTEMPTS,
    // channel_timeout's ceiling; the service's own limit (600 s) is lower.
    maxTtlSeconds: VONAGE_MAX_CHANNEL_TIMEOUT,
    start,

    /**
     * Cancel, then start again on the requested channel. A plain second start would be
     * answered 409 `concurrent` while ours is live. `next_workflow` only moves along the
     * workflow given at start, so it cannot send on a channel the user picks now (and a
     * start with every channel in it would hand Vonage the fallback timer, calls included).
     * A failed cancel is thrown, not ignored: the start after it could only meet the 409.
     * v2 documents no "too early to cancel" rule (legacy v1 had 30 s).
     */
    async resend(pending: PendingVerification, request: StartRequest, signal?: AbortSignal): Promise<Started> {
      await cancel(pending, signal);
      return start(request, signal);
    },

    async check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
      const what = 'check';
      const requestId = requestIdOf(pending);
      const res = await http.send({ method: 'POST', path: `/v2/verify/${encodeURIComponent(requestId)}`, json: { code }, what, signal });
      const type = problemType(res.body);
      if (res.status === 200) {
        const status = isObject(res.body) ? res.body.status : undefined;
        // The Java SDK's enum says `completed`; a Node SDK fixture shows `complete`. Both are
        // success (UNCONFIRMED which the live API sends); anything else is not.
        if (status === 'completed' || status === 'complete') {
          forget(requestId);
          return { status: 'approved' };
        }
        throw http.malformed(what);
      }
      // Wrong code, retry allowed. A 400 of another problem type is not a wrong code.
      if (res.status === 400 && (type === undefined || type === 'invalid-code')) return { status: 'wrong' };
      // `expired` is Vonage's name for "too many wrong codes, workflow terminated".
      if (res.status === 410) {
        forget(requestId);
        return { status: 'exhausted' };
      }
      // Not found, cancelled, timed out, or already verified: Vonage cannot say which, and
      // the service keeps its own record of success, so this is "ask for a new code".
      if (res.status === 404) {
        forget(requestId);
        return { status: 'expired' };
      }
      if (res.status === 409 && type === 'no-code') {
        // The current step takes no code (silent auth, WhatsApp interactive). We never start
        // such steps, so the request is not one this adapter can complete: it is cancelled
        // (best effort, so the number is free for a new start) and reported expired, which
        // tells the user to ask for a new code. The operator hears of it once.
        logger.warn(`${name} check answered 409 no-code: the request's current step takes no code; it was cancelled`);
        await cancel(pending, signal).catch(() => undefined);
        return { status: 'expired' };
      }
      throw http.unexpected(res, what, errorText(res.body), code);
    },

    cancel,
  };
}
