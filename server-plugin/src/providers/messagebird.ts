// server-plugin/src/providers/messagebird.ts
// MessageBird Verify (legacy REST API): a Verify object per send, checked with
// GET ?token=, deleted with DELETE. Its defaults (30 s, one attempt) are always overridden.

import { errors, mayHaveActed, type PhoneVerifyError } from '../errors.js';
import { consoleLogger } from '../logger.js';
import { HttpClient, pickLanguage, requireString, timeoutMs, type HttpProviderOptions, type HttpResponse } from './http.js';
import type { CheckResult, PendingVerification, StartRequest, Started, VerifyProvider } from './types.js';

/** Languages MessageBird reads a `tts` message in. */
export const MESSAGEBIRD_LANGUAGES = [
  'cy-gb',
  'da-dk',
  'de-de',
  'el-gr',
  'en-au',
  'en-gb',
  'en-gb-wls',
  'en-in',
  'en-us',
  'es-es',
  'es-mx',
  'es-us',
  'fr-ca',
  'fr-fr',
  'id-id',
  'is-is',
  'it-it',
  'ja-jp',
  'ko-kr',
  'ms-my',
  'nb-no',
  'nl-nl',
  'pl-pl',
  'pt-br',
  'pt-pt',
  'ro-ro',
  'ru-ru',
  'sv-se',
  'ta-in',
  'th-th',
  'tr-tr',
  'vi-vn',
  'zh-cn',
  'zh-hk',
] as const;

export interface MessagebirdProviderOptions extends HttpProviderOptions {
  /** Access key, sent as `Authorization: AccessKey …` (test keys start with `test_`). */
  accessKey: string;
  /** Sender: up to 11 letters/digits, or a phone number. Default: MessageBird's (`Code`). */
  originator?: string;
  /** Channels offered, in preference order. Default `['sms', 'voice']`. */
  channels?: readonly ('sms' | 'voice')[];
  /** Send SMS codes as flash messages (`type: flash`), shown at once and not stored. Default false. */
  flash?: boolean;
  /** Message text; must contain `%token`. Default MessageBird's `Your code is: %token`. */
  template?: string;
  /** Voice for calls. */
  voice?: 'male' | 'female';
  /** Always read calls in this language (one of `MESSAGEBIRD_LANGUAGES`) instead of the user's locale. */
  language?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** MessageBird's `{errors: [{code, description, parameter}]}`. */
function errorsOf(body: unknown): Array<{ code?: unknown; description?: unknown; parameter?: unknown }> {
  return isObject(body) && Array.isArray(body.errors) ? body.errors.filter(isObject) : [];
}

function errorText(body: unknown): string | undefined {
  const errors = errorsOf(body);
  if (errors.length === 0) return undefined;
  return errors.map((e) => `${String(e.code)} ${String(e.description ?? '')}${e.parameter ? ` (${String(e.parameter)})` : ''}`).join('; ');
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, Math.round(value)));

/** Create a provider that proxies to MessageBird Verify. */
export function messagebirdProvider(options: MessagebirdProviderOptions): VerifyProvider {
  const name = 'messagebird';
  const accessKey = requireString(name, 'accessKey', options?.accessKey);
  const { originator, template } = options;
  if (originator !== undefined && !/^[A-Za-z0-9 ]{1,11}$/.test(originator) && !/^\+?\d{1,16}$/.test(originator)) {
    throw new TypeError(`${name}: options.originator must be up to 11 letters and digits, or a phone number`);
  }
  if (template !== undefined && !template.includes('%token')) throw new TypeError(`${name}: options.template must contain %token`);
  if (options.language !== undefined && !(MESSAGEBIRD_LANGUAGES as readonly string[]).includes(options.language)) {
    throw new TypeError(`${name}: options.language must be one of ${MESSAGEBIRD_LANGUAGES.join(', ')}`);
  }
  const channels = options.channels ?? (['sms', 'voice'] as const);
  for (const channel of channels) {
    if (channel !== 'sms' && channel !== 'voice') throw new TypeError(`${name}: MessageBird Verify delivers by sms or voice, not ${String(channel)}`);
  }
  const http = new HttpClient({
    provider: name,
    baseUrl: options.baseUrl ?? 'https://rest.messagebird.com',
    timeoutMs: timeoutMs(name, options.timeout),
    logger: options.logger ?? consoleLogger,
    headers: { authorization: `AccessKey ${accessKey}` },
  });

  /** Error code 2 is "request not allowed (incorrect access_key)", whatever the HTTP status. */
  const refusedKey = (res: HttpResponse): boolean => errorsOf(res.body).some((e) => e.code === 2);
  const fail = (res: HttpResponse, what: string, code?: string): PhoneVerifyError =>
    http.unexpected(refusedKey(res) ? { ...res, status: 401 } : res, what, errorText(res.body), code);

  /** The Verify object's `status` by a plain read (no token); undefined once it is gone (404). */
  async function readStatus(pending: PendingVerification, signal?: AbortSignal): Promise<unknown> {
    const what = 'check (status read)';
    const res = await http.send({ method: 'GET', path: `/verify/${encodeURIComponent(String(pending.state.verifyId))}`, what, signal });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw fail(res, what);
    return isObject(res.body) ? res.body.status : null;
  }

  /** What a refused check meant, by a status read. */
  async function statusOf(pending: PendingVerification, signal?: AbortSignal): Promise<CheckResult> {
    const status = await readStatus(pending, signal);
    switch (status) {
      case undefined:
        return { status: 'expired' };
      case 'sent':
        return { status: 'wrong' };
      case 'failed':
        return { status: 'exhausted' };
      // 'verified' after a refused check: another request used the code first. Never approve here.
      case 'verified':
      case 'expired':
      case 'deleted':
        return { status: 'expired' };
      default:
        throw http.malformed('check (status read)');
    }
  }

  async function cancel(pending: PendingVerification, signal?: AbortSignal): Promise<void> {
    const what = 'cancel';
    const res = await http.send({ method: 'DELETE', path: `/verify/${encodeURIComponent(String(pending.state.verifyId))}`, what, signal });
    // 404: already gone.
    if (res.status === 204 || res.status === 404) return;
    throw fail(res, what);
  }

  async function start(request: StartRequest, signal?: AbortSignal): Promise<Started> {
    const what = `start (${request.channel})`;
    if (request.channel !== 'sms' && request.channel !== 'voice') {
      throw errors.channelNotByProvider(request.channel);
    }
    const body: Record<string, unknown> = {
      recipient: request.phone.replace(/^\+/, ''),
      type: request.channel === 'voice' ? 'tts' : options.flash ? 'flash' : 'sms',
      // Both always sent: MessageBird's defaults (30 s, 1 attempt) are far from ours.
      timeout: clamp(request.ttlSeconds, 30, 172_801),
      maxAttempts: clamp(request.maxAttempts, 1, 10),
      tokenLength: request.codeLength,
    };
    if (originator !== undefined) body.originator = originator;
    if (template !== undefined) body.template = template;
    if (request.channel === 'voice') {
      const language =
        options.language ?? pickLanguage(request.locale, MESSAGEBIRD_LANGUAGES, { en: 'en-gb', es: 'es-es', fr: 'fr-fr', pt: 'pt-pt', zh: 'zh-cn' });
      if (language) body.language = language;
      if (options.voice) body.voice = options.voice;
    }
    // JSON, as the official Node SDK sends (the API takes form fields too).
    const res = await http.send({ method: 'POST', path: '/verify', json: body, what, signal });
    // The create status is UNCONFIRMED (probably 201): any 2xx carrying a Verify object will do.
    if (res.status < 200 || res.status > 299) {
      if (res.status === 422 && errorsOf(res.body).some((e) => e.parameter === 'recipient')) {
        throw errors.invalidPhone();
      }
      throw fail(res, what);
    }
    const id = isObject(res.body) ? res.body.id : undefined;
    if (typeof id !== 'string' || id === '') throw http.malformed(what);
    return { state: { verifyId: id } };
  }

  return {
    name,
    channels,
    codeLengths: [6, 7, 8, 9, 10],
    start,

    /**
     * A new Verify object, then the old one deleted so its code dies (best effort). In that
     * order: MessageBird lets two live for one number, so the code the user holds keeps
     * working until the new one exists.
     */
    async resend(pending: PendingVerification, request: StartRequest, signal?: AbortSignal): Promise<Started> {
      let started: Started;
      try {
        started = await start(request, signal);
      } catch (error) {
        // A new object may exist (its answer lost) whose id we will never know: the old one is
        // deleted too, so no code the user holds half-works. Its check says expired, which
        // keeps the verification for a resend without penalty.
        if (mayHaveActed(error)) await cancel(pending, signal).catch(() => undefined);
        throw error;
      }
      // The old object expires by itself if this fails: the new send matters more.
      await cancel(pending, signal).catch(() => undefined);
      return started;
    },

    async check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
      // An empty token turns the call into a plain read that answers "sent" with a 200.
      if (code === '') return { status: 'wrong' };
      const what = 'check';
      let res: HttpResponse;
      try {
        res = await http.send({
          method: 'GET',
          path: `/verify/${encodeURIComponent(String(pending.state.verifyId))}?token=${encodeURIComponent(code)}`,
          what,
          signal,
        });
      } catch (error) {
        // This very check may have been judged and its answer lost: ask, don't guess. Right
        // after it, "verified" means its code was right (the id is the service's, checked
        // from one session only); later, it never approves (see statusOf).
        if (mayHaveActed(error) && (await readStatus(pending, signal).catch(() => undefined)) === 'verified') return { status: 'approved' };
        throw error;
      }
      if (res.status === 200) {
        const status = isObject(res.body) ? res.body.status : undefined;
        // Only "verified" is success; "no error" is not (messagebird-nodejs #122).
        if (status === 'verified') return { status: 'approved' };
        if (typeof status !== 'string') throw http.malformed(what);
        return statusOf(pending, signal);
      }
      if (res.status === 404) return { status: 'expired' };
      if (res.status === 401 || res.status === 403 || res.status === 429 || res.status >= 500 || refusedKey(res)) throw fail(res, what, code);
      // UNCONFIRMED: the status and error code of a wrong, expired or exhausted token. All are a
      // non-2xx with an errors array; the object's status (a plain read) says which it was.
      if (res.status >= 400 && errorsOf(res.body).length > 0) return statusOf(pending, signal);
      throw fail(res, what, code);
    },

    cancel,
  };
}
