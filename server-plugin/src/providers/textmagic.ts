// server-plugin/src/providers/textmagic.ts
// Textmagic Verify (REST API v2): start, check and cancel one verification per
// number. Codes live 300 s at Textmagic whatever we ask; cancel waits 30 s.

import { errors, mayHaveActed } from '../errors.js';
import { Deadlines } from './deadlines.js';
import { consoleLogger } from '../logger.js';
import { HttpClient, pickLanguage, requireString, timeoutMs, type HttpProviderOptions, type HttpResponse } from './http.js';
import type { CheckResult, PendingVerification, StartRequest, Started, VerifyProvider } from './types.js';

/** Seconds a Textmagic code lives, fixed for every workflow. Our `ttl` must be at most this. */
export const TEXTMAGIC_TTL_SECONDS = 300;
/** Seconds after a send before Textmagic lets it be cancelled. */
export const TEXTMAGIC_CANCEL_AFTER_SECONDS = 30;
const TTL_MS = TEXTMAGIC_TTL_SECONDS * 1000;

/** Workflows that begin with an SMS: 1 SMS→TTS→TTS, 2 SMS→SMS→TTS, 4 SMS→SMS, 5 SMS→TTS, 6 SMS only. */
export type TextmagicSmsWorkflow = '1' | '2' | '4' | '5' | '6';
/** Workflows that begin with a call: 3 TTS→TTS, 7 TTS only. */
export type TextmagicVoiceWorkflow = '3' | '7';

/** Languages Textmagic reads and writes messages in. */
export const TEXTMAGIC_LANGUAGES = [
  'de-de',
  'en-au',
  'en-gb',
  'en-us',
  'en-in',
  'es-es',
  'es-mx',
  'es-us',
  'fr-ca',
  'fr-fr',
  'is-is',
  'it-it',
  'ja-jp',
  'ko-kr',
  'nl-nl',
  'pl-pl',
  'pt-pt',
  'pt-br',
  'ro-ro',
  'ru-ru',
  'sv-se',
  'tr-tr',
  'zh-cn',
  'zh-tw',
] as const;

export interface TextmagicProviderOptions extends HttpProviderOptions {
  /** Textmagic account username (HTTP Basic user). */
  username: string;
  /** Textmagic API key (HTTP Basic password). */
  apiKey: string;
  /** Shown in the message, "Your {brand} PIN is …": 1–18 letters, digits or spaces. */
  brand: string;
  /** Channels offered, in preference order. Default `['sms', 'voice']`. */
  channels?: readonly ('sms' | 'voice')[];
  /**
   * The workflow per channel. Default: `sms: '6'` (one SMS) and `voice: '7'` (one
   * call): one message per send, so our resend limit is the real one. Opt in to
   * Textmagic's own fallback chains (e.g. `sms: '1'`, SMS then two calls 60 s apart)
   * knowing that calls are the costlier, toll-fraud-prone channel: the country
   * allow-list must suit voice too.
   */
  workflows?: { sms?: TextmagicSmsWorkflow; voice?: TextmagicVoiceWorkflow };
  /** Always use this language (one of `TEXTMAGIC_LANGUAGES`) instead of the user's locale. */
  language?: string;
  /** One of the sender settings on the account. */
  senderId?: string;
  /**
   * How `code` is sent on check. The spec types it as an integer, but an integer
   * cannot carry a leading zero (`012345` would arrive as `12345`, 5 digits). Whether
   * the server accepts a string is UNCONFIRMED; we send the digits as a string by
   * default, which cannot lose information. `'integer'` follows the spec literally.
   */
  codeAs?: 'string' | 'integer';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Textmagic's message and field errors, for the log. */
function errorText(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const parts: string[] = [];
  if (typeof body.message === 'string') parts.push(body.message);
  const errors = isObject(body.errors) ? body.errors : undefined;
  if (errors && Array.isArray(errors.common)) parts.push(...errors.common.filter((x): x is string => typeof x === 'string'));
  if (errors && isObject(errors.fields)) {
    for (const [field, messages] of Object.entries(errors.fields)) parts.push(`${field}: ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

/** The fields a Textmagic 400 complains about. */
function fieldsOf(body: unknown): string[] {
  const errors = isObject(body) && isObject(body.errors) ? body.errors : undefined;
  return errors && isObject(errors.fields) ? Object.keys(errors.fields) : [];
}

/** Create a provider that proxies to Textmagic Verify. */
export function textmagicProvider(options: TextmagicProviderOptions): VerifyProvider {
  const name = 'textmagic';
  const username = requireString(name, 'username', options?.username);
  const apiKey = requireString(name, 'apiKey', options.apiKey);
  const brand = requireString(name, 'brand', options.brand);
  if (brand.length > 18 || !/^[A-Za-z0-9 ]+$/.test(brand)) {
    // "Alphanumeric string with up to 18 characters"; spaces allowed as brands often have them (UNCONFIRMED).
    throw new TypeError(`${name}: options.brand must be 1–18 letters, digits or spaces, got ${JSON.stringify(brand)}`);
  }
  const channels = options.channels ?? (['sms', 'voice'] as const);
  for (const channel of channels) {
    if (channel !== 'sms' && channel !== 'voice') throw new TypeError(`${name}: Textmagic delivers by sms or voice, not ${String(channel)}`);
  }
  const workflows = { sms: options.workflows?.sms ?? '6', voice: options.workflows?.voice ?? '7' };
  if (!['1', '2', '4', '5', '6'].includes(workflows.sms))
    throw new TypeError(`${name}: workflows.sms must be '1', '2', '4', '5' or '6' (a workflow that starts with SMS)`);
  if (!['3', '7'].includes(workflows.voice)) throw new TypeError(`${name}: workflows.voice must be '3' or '7' (a workflow that starts with a call)`);
  if (options.language !== undefined && !(TEXTMAGIC_LANGUAGES as readonly string[]).includes(options.language)) {
    throw new TypeError(`${name}: options.language must be one of ${TEXTMAGIC_LANGUAGES.join(', ')}`);
  }
  const codeAs = options.codeAs ?? 'string';
  const logger = options.logger ?? consoleLogger;
  const clock = options.clock ?? Date.now;
  const http = new HttpClient({
    provider: name,
    baseUrl: options.baseUrl ?? 'https://rest.textmagic.com',
    timeoutMs: timeoutMs(name, options.timeout),
    logger,
    headers: { authorization: `Basic ${Buffer.from(`${username}:${apiKey}`).toString('base64')}` },
  });

  /**
   * Numbers with a verification live at Textmagic that this process started (or may have:
   * a start whose answer was lost), and until when: a second start answers 409 until then,
   * and this is how we know how long that is. Other processes' sends are unknown. Bounded.
   */
  const live = new Deadlines<string>(clock);
  const remember = (phone: string, sentAt: number): void => live.set(phone, sentAt + TTL_MS);
  const forget = (phone: string): void => live.delete(phone);

  async function start(request: StartRequest, signal?: AbortSignal): Promise<Started> {
    const what = `start (${request.channel})`;
    if (request.channel !== 'sms' && request.channel !== 'voice') {
      throw errors.channelNotByProvider(request.channel);
    }
    if (request.codeLength !== 6) throw new TypeError(`${name}: codes are 6 digits here (Textmagic sends 4 or 6; NIST asks for 6), not ${request.codeLength}`);
    const body: Record<string, unknown> = {
      // E.164 digits without '+', as in Textmagic's examples.
      phone: request.phone.replace(/^\+/, ''),
      brand,
      codeLength: 6,
      // workflowId is a string in the spec ("1"…"7").
      workflowId: workflows[request.channel],
    };
    const language = options.language ?? pickLanguage(request.locale, TEXTMAGIC_LANGUAGES, { en: 'en-gb', es: 'es-es', fr: 'fr-fr', pt: 'pt-pt', zh: 'zh-cn' });
    if (language) body.language = language;
    if (options.senderId) body.senderId = options.senderId;

    const attemptedAt = clock();
    let res: HttpResponse;
    try {
      res = await http.send({ method: 'POST', path: '/api/v2/verify', json: body, what, signal });
    } catch (error) {
      // It may have been sent, so a start for the number may meet a 409 for up to 300 s.
      if (mayHaveActed(error)) remember(request.phone, attemptedAt);
      throw error;
    }
    if (res.status === 409) {
      // A verification for this number is still live (another tab, a cancel refused as too
      // early, another process). Not a provider fault, so not provider_unavailable (no
      // failover to another provider either: that would be a second live code). It clears
      // when the live one expires: rate_limited with the time left when we know it, else 300 s.
      const until = live.get(request.phone);
      throw errors.numberBusy(until === undefined ? TTL_MS : until - clock());
    }
    if (res.status === 400 && fieldsOf(res.body).includes('phone')) {
      // We only send numbers libphonenumber calls valid; Textmagic refusing one (landline,
      // unsupported destination) is about the number, not our configuration.
      throw errors.invalidPhone();
    }
    if (res.status !== 200) {
      const failure = http.unexpected(res, what, errorText(res.body));
      if (mayHaveActed(failure)) remember(request.phone, attemptedAt);
      throw failure;
    }
    const verifyId = isObject(res.body) ? res.body.verifyId : undefined;
    remember(request.phone, attemptedAt);
    if (typeof verifyId !== 'string' || verifyId === '') throw http.malformed(what);
    const sentAt = clock();
    return { state: { verifyId, sentAt } };
  }

  async function cancel(pending: PendingVerification, signal?: AbortSignal): Promise<void> {
    const what = 'cancel';
    const verifyId = String(pending.state.verifyId);
    const res: HttpResponse = await http.send({ method: 'DELETE', path: `/api/v2/verify/${encodeURIComponent(verifyId)}`, what, signal });
    // 404: already expired, verified or cancelled; the goal is reached.
    if (res.status === 204 || res.status === 404) {
      forget(pending.phone);
      return;
    }
    if (res.status === 400 || res.status === 409) {
      // "Not earlier than 30 seconds after the initial request"; the status of that refusal
      // is UNCONFIRMED, so a 400/409 on cancel is read as it, the only documented cancel rule.
      const sentAt = typeof pending.state.sentAt === 'number' ? pending.state.sentAt : pending.createdAt;
      const leftMs = TEXTMAGIC_CANCEL_AFTER_SECONDS * 1000 - (clock() - sentAt);
      throw errors.replaceTooSoon(leftMs > 0 ? leftMs : 5000);
    }
    throw http.unexpected(res, what, errorText(res.body));
  }

  return {
    name,
    channels,
    // Textmagic sends 4 or 6 digits; 4 is below NIST 800-63B-4's minimum, so only 6.
    codeLengths: [6],
    // The service refuses a longer ttl at start-up (ERR_PV_TTL).
    maxTtlSeconds: TEXTMAGIC_TTL_SECONDS,
    start,

    /**
     * A second start for the number would be answered 409 while the first is live,
     * so a resend (or channel switch) cancels first, which Textmagic allows only 30 s
     * after the send: earlier, `resend_too_soon` says when.
     */
    async resend(pending: PendingVerification, request: StartRequest, signal?: AbortSignal): Promise<Started> {
      await cancel(pending, signal);
      return start(request, signal);
    },

    async check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
      const what = 'check';
      const verifyId = String(pending.state.verifyId);
      const res = await http.send({
        method: 'PUT',
        path: '/api/v2/verify',
        json: { code: codeAs === 'integer' ? Number(code) : code, verifyId },
        what,
        signal,
      });
      // Only the documented 204 approves: a 200 (or any other 2xx) is not Textmagic's answer.
      if (res.status === 204) {
        forget(pending.phone);
        return { status: 'approved' };
      }
      // UNCONFIRMED: an unknown (expired, cancelled, used) verifyId. We read a 404, or a 400
      // about verifyId, as expired; Textmagic's own attempt limit (if any) ends the same way.
      if (res.status === 404 || (res.status === 400 && fieldsOf(res.body).includes('verifyId'))) {
        forget(pending.phone);
        return { status: 'expired' };
      }
      // UNCONFIRMED: a wrong code is presumably a 400 (the only non-auth error listed for check).
      if (res.status === 400 && isObject(res.body)) return { status: 'wrong' };
      throw http.unexpected(res, what, errorText(res.body), code);
    },

    cancel,
  };
}
