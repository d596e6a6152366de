// server-plugin/src/providers/twilio.ts
// Twilio Verify v2: form-encoded PascalCase requests under one Verify Service, check
// by VerificationSid, a wrong code is a 200 "pending", and every terminal state
// (approved, expired, max attempts, canceled) collapses to a 404 afterwards.

import { errors } from '../errors.js';
import { consoleLogger } from '../logger.js';
import type { Channel } from '../protocol.js';
import { HttpClient, requireString, retryAfterSeconds, timeoutMs, type HttpProviderOptions } from './http.js';
import type { CheckResult, PendingVerification, ProviderState, StartRequest, Started, VerifyProvider } from './types.js';

/**
 * Locales Twilio Verify reads an SMS, WhatsApp message or call in (the `Locale`
 * parameter's list in twilio_verify_v2.json). The spec writes `pr-BR`, an evident
 * typo: we send `pt-BR` (UNCONFIRMED which one Twilio accepts; probably both).
 */
export const TWILIO_LOCALES = [
  'af',
  'ar',
  'ca',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'en-GB',
  'es',
  'fi',
  'fr',
  'he',
  'hi',
  'hr',
  'hu',
  'id',
  'it',
  'ja',
  'ko',
  'ms',
  'nb',
  'nl',
  'pl',
  'pt',
  'pt-BR',
  'ro',
  'ru',
  'sv',
  'th',
  'tl',
  'tr',
  'vi',
  'zh',
  'zh-CN',
  'zh-HK',
] as const;

/** How long Twilio keeps a code: 10 minutes unless Twilio Support changed it for the account (2 min to 24 h). */
export const TWILIO_TTL_SECONDS = 600;

export interface TwilioProviderOptions extends HttpProviderOptions {
  /**
   * Account SID (`AC…`), sent as the HTTP Basic user. An API key SID (`SK…`) works
   * the same way, with its secret as `authToken` (Twilio's recommendation for production).
   */
  accountSid: string;
  /** Auth token (or API key secret), the HTTP Basic password. Never logged. */
  authToken: string;
  /** The Verify Service (`VA…`) that sends the codes; its settings decide code length and message. */
  serviceSid: string;
  /** Channels enabled for the Service, in preference order. Default `['sms', 'voice']`. */
  channels?: readonly Channel[];
  /**
   * The Service's `CodeLength` (4–10, set on the Service, not per request). Default 6,
   * which this adapter assumes is Twilio's default (UNCONFIRMED): set the Service to
   * the same value as the plugin's `codeLength`, or no code will ever match.
   */
  codeLength?: number;
}

/** Our channel → Twilio's `Channel` parameter. */
export const TWILIO_CHANNEL: Readonly<Partial<Record<Channel, string>>> = { sms: 'sms', voice: 'call', whatsapp: 'whatsapp' };

/** Twilio error codes this adapter reads. */
const INVALID_PARAMETER = 60200;
const MAX_CHECK_ATTEMPTS = 60202;
const MAX_SEND_ATTEMPTS = 60203;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Twilio's `{code, message, more_info, status}`. */
function errorOf(body: unknown): { code?: number | undefined; message?: string | undefined } {
  if (!isObject(body)) return {};
  return {
    code: typeof body.code === 'number' ? body.code : undefined,
    message: typeof body.message === 'string' ? body.message : undefined,
  };
}

function errorText(body: unknown): string | undefined {
  const { code, message } = errorOf(body);
  if (code === undefined && message === undefined) return undefined;
  return [code, message].filter((x) => x !== undefined).join(' ');
}

/** Twilio SIDs: two letters and 32 hex digits. */
const sid = (prefix: string): RegExp => new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);

/** Twilio's spelling of a BCP 47 tag: exact (case-insensitive), else the primary language. */
function twilioLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  const tag = locale.replace(/_/g, '-').toLowerCase();
  const exact = TWILIO_LOCALES.find((l) => l.toLowerCase() === tag);
  if (exact) return exact;
  const primary = tag.split('-')[0]!;
  return TWILIO_LOCALES.find((l) => l === primary);
}

/** Create a provider that proxies to Twilio Verify v2. */
export function twilioProvider(options: TwilioProviderOptions): VerifyProvider {
  const name = 'twilio';
  const accountSid = requireString(name, 'accountSid', options?.accountSid);
  const authToken = requireString(name, 'authToken', options.authToken);
  const serviceSid = requireString(name, 'serviceSid', options.serviceSid);
  if (!sid('(AC|SK)').test(accountSid)) throw new TypeError(`${name}: options.accountSid must be an Account SID (AC…) or an API key SID (SK…)`);
  // A Messaging Service (MG…) or an account SID here is the classic mistake: say so at start-up.
  if (!sid('VA').test(serviceSid)) throw new TypeError(`${name}: options.serviceSid must be a Verify Service SID (VA…)`);
  const channels = options.channels ?? (['sms', 'voice'] as const);
  for (const channel of channels) {
    if (!(channel in TWILIO_CHANNEL)) throw new TypeError(`${name}: Twilio Verify delivers by sms, voice or whatsapp, not ${String(channel)}`);
  }
  const codeLength = options.codeLength ?? 6;
  if (!Number.isInteger(codeLength) || codeLength < 4 || codeLength > 10) {
    throw new TypeError(`${name}: options.codeLength must be the Service's CodeLength, 4 to 10, got ${String(options.codeLength)}`);
  }
  const clock = options.clock ?? Date.now;
  const http = new HttpClient({
    provider: name,
    baseUrl: options.baseUrl ?? 'https://verify.twilio.com',
    timeoutMs: timeoutMs(name, options.timeout),
    logger: options.logger ?? consoleLogger,
    headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
  });
  const base = `/v2/Services/${encodeURIComponent(serviceSid)}`;

  /**
   * One create. A repeat create for the same `To` within the validity is not a new
   * verification: Twilio resends the same code under the same SID (on the channel
   * asked for now) and counts it against 5 sends per 10 minutes.
   */
  async function create(request: StartRequest, previous?: ProviderState, signal?: AbortSignal): Promise<Started> {
    const what = `start (${request.channel})`;
    const channel = TWILIO_CHANNEL[request.channel];
    if (!channel || !channels.includes(request.channel)) {
      throw errors.channelNotByProvider(request.channel);
    }
    // Code length and validity are Service settings: request.codeLength and ttlSeconds cannot be sent.
    // The plugin checks codeLength against codeLengths and ttl against maxTtlSeconds at start-up.
    const form: Record<string, string> = { To: request.phone, Channel: channel };
    const locale = twilioLocale(request.locale);
    if (locale) form.Locale = locale;
    const res = await http.send({ method: 'POST', path: `${base}/Verifications`, form, what, signal });
    // Documented: 201. Any 2xx with a VE… sid is taken (a reused verification might answer 200: UNCONFIRMED).
    if (res.status >= 200 && res.status < 300) {
      const body = isObject(res.body) ? res.body : undefined;
      if (!body || typeof body.sid !== 'string' || !sid('VE').test(body.sid)) throw http.malformed(what);
      const created = typeof body.date_created === 'string' ? Date.parse(body.date_created) : NaN;
      return { state: { verificationSid: body.sid, ...(Number.isNaN(created) ? {} : { createdAt: created }) } };
    }
    const { code, message } = errorOf(res.body);
    if (res.status === 429 && code === MAX_SEND_ATTEMPTS) {
      // 5 sends to this number within the 10-minute life of an unfinished verification. Whether
      // Twilio sends Retry-After with it is UNCONFIRMED: else we count from the verification's
      // date_created when we know it (a resend), else the full 10 minutes.
      const since = typeof previous?.createdAt === 'number' ? (clock() - previous.createdAt) / 1000 : 0;
      throw errors.providerSendLimit(1000 * (retryAfterSeconds(res.headers) ?? Math.max(1, TWILIO_TTL_SECONDS - since)));
    }
    // 60200 names the parameter in its message ("Invalid parameter `To`: …" / "Invalid parameter: To").
    if (res.status === 400 && code === INVALID_PARAMETER && /\bTo\b/.test(message ?? '')) {
      throw errors.invalidPhone();
    }
    throw http.unexpected(res, what, errorText(res.body));
  }

  return {
    name,
    channels,
    codeLengths: [codeLength],
    maxTtlSeconds: TWILIO_TTL_SECONDS,
    // Five checks per verification, then 60202 (the plugin's own ceiling is the same).
    maxAttempts: 5,
    // "If you send a new verification to the same number within the validity period, the same code is sent" (Twilio Verify docs).
    resendKeepsCode: true,

    start: (request, signal) => create(request, undefined, signal),

    /** Just another create, perhaps with another Channel; Twilio keeps the SID and the code. */
    resend: (pending, request, signal) => create(request, pending.state, signal),

    async check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
      const what = 'check';
      // By VerificationSid rather than To: it names exactly the verification we started.
      const res = await http.send({
        method: 'POST',
        path: `${base}/VerificationCheck`,
        form: { VerificationSid: String(pending.state.verificationSid), Code: code },
        what,
        signal,
      });
      // 20404: deleted once approved, expired or max attempts reached (or canceled) — which one
      // cannot be told; the plugin keeps its own record of success, so "expired" is the answer.
      if (res.status === 404) return { status: 'expired' };
      if (res.status === 429 && errorOf(res.body).code === MAX_CHECK_ATTEMPTS) return { status: 'exhausted' };
      // The spec lists 200 and 201 for VerificationCheck; 200 is what Twilio answers.
      if (res.status !== 200 && res.status !== 201) throw http.unexpected(res, what, errorText(res.body), code);
      const status = isObject(res.body) ? res.body.status : undefined;
      switch (status) {
        // Only "approved" approves (the legacy `valid` flag is not read).
        case 'approved':
          return { status: 'approved' };
        // A wrong code: 200 with "pending" (UNCONFIRMED in Twilio's own text, but widely observed).
        case 'pending':
          return { status: 'wrong' };
        case 'max_attempts_reached':
          return { status: 'exhausted' };
        case 'canceled':
        case 'expired':
        case 'deleted':
        case 'failed':
          return { status: 'expired' };
        default:
          throw http.malformed(what);
      }
    },

    async cancel(pending: PendingVerification, signal?: AbortSignal): Promise<void> {
      const what = 'cancel';
      const res = await http.send({
        method: 'POST',
        path: `${base}/Verifications/${encodeURIComponent(String(pending.state.verificationSid))}`,
        form: { Status: 'canceled' },
        what,
        signal,
      });
      // 404: already approved, expired, exhausted or canceled — gone either way.
      if (res.status === 200 || res.status === 404) return;
      throw http.unexpected(res, what, errorText(res.body));
    },
  };
}
