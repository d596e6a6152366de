// server-plugin/src/providers/telnyx.ts
// Telnyx Verify v2: one start endpoint per channel (flashcall included), check by
// verification id, a wrong code is a 200 "rejected". Codes are made and kept by Telnyx.

import { mayHaveActed, PhoneVerifyError } from '../errors.js';
import { consoleLogger } from '../logger.js';
import type { Channel } from '../protocol.js';
import { HttpClient, pickLanguage, requireString, timeoutMs, type HttpProviderOptions } from './http.js';
import type { CheckResult, PendingVerification, StartRequest, Started, VerifyProvider } from './types.js';

export interface TelnyxProviderOptions extends HttpProviderOptions {
  /** API key (v2), sent as `Authorization: Bearer …`. */
  apiKey: string;
  /** The Verify profile to send with. Its `code_length` must match the service's `codeLength`. */
  verifyProfileId: string;
  /**
   * Verify profiles by language, for messages in the user's language: Telnyx takes no
   * language per request, a profile has one (its `language`). Keys are BCP 47 tags
   * (`de`, `pt-BR`); the user's locale picks one (exact, else the same primary
   * language), else `verifyProfileId`. Each profile needs the same channels and `code_length`.
   */
  verifyProfileIds?: Readonly<Record<string, string>>;
  /**
   * Channels the profile has configured, in preference order: `sms`, `voice`, `flashcall`,
   * `whatsapp`. Default `['sms', 'voice']`. `telnyxProfileChannels()` reads them off the
   * profile, so flashcall is offered only when the profile has it.
   */
  channels?: readonly Channel[];
  /**
   * The `code_length` set on the Verify profile (Telnyx's default is 5, below NIST's
   * 6: set the profile to 6). Default 6. A code of another length never matches.
   */
  codeLength?: number;
}

/**
 * Our channel → the Telnyx endpoint (`POST /v2/verifications/{type}`). A flashcall rings
 * the phone once from a number whose last digits are the code (Telnyx Verify quickstart:
 * "the phone number of the caller is used as the verification code"); the user types
 * them and the check is the same verify call as for a code.
 */
const TELNYX_TYPE: Readonly<Partial<Record<Channel, string>>> = { sms: 'sms', voice: 'call', flashcall: 'flashcall', whatsapp: 'whatsapp' };

/** The profile members (`sms`, `call`, `flashcall`, `whatsapp`) and the channel each gives, in our preference order. */
const PROFILE_CHANNELS: readonly (readonly [string, Channel])[] = [
  ['sms', 'sms'],
  ['call', 'voice'],
  ['flashcall', 'flashcall'],
  ['whatsapp', 'whatsapp'],
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first error title and detail of a Telnyx error body, for the log. */
function errorText(body: unknown): string | undefined {
  const first = isObject(body) && Array.isArray(body.errors) ? body.errors[0] : undefined;
  if (!isObject(first)) return undefined;
  return [first.code, first.title, first.detail].filter((x) => typeof x === 'string' && x !== '').join(' ');
}

/** The HTTP client for Telnyx's v2 API (Bearer API key), shared by the adapter and the profile reader. */
function telnyxClient(apiKey: string, options: HttpProviderOptions): HttpClient {
  return new HttpClient({
    provider: 'telnyx',
    baseUrl: options.baseUrl ?? 'https://api.telnyx.com',
    timeoutMs: timeoutMs('telnyx', options.timeout),
    logger: options.logger ?? consoleLogger,
    headers: { authorization: `Bearer ${apiKey}` },
  });
}

/** Create a provider that proxies to Telnyx Verify. */
export function telnyxProvider(options: TelnyxProviderOptions): VerifyProvider {
  const name = 'telnyx';
  const apiKey = requireString(name, 'apiKey', options?.apiKey);
  const verifyProfileId = requireString(name, 'verifyProfileId', options.verifyProfileId);
  const channels = options.channels ?? (['sms', 'voice'] as const);
  for (const channel of channels) {
    if (!Object.hasOwn(TELNYX_TYPE, channel))
      throw new TypeError(`${name}: Telnyx Verify delivers by sms, voice, flashcall or whatsapp, not ${String(channel)}`);
  }
  const byLanguage = new Map(
    Object.entries(options.verifyProfileIds ?? {}).map(([tag, id]) => [tag.toLowerCase(), requireString(name, `verifyProfileIds.${tag}`, id)] as const),
  );
  const languages = [...byLanguage.keys()];
  /** The profile for the user's language, else the default one. */
  const profileFor = (locale: string | undefined): string => byLanguage.get(pickLanguage(locale, languages) ?? '') ?? verifyProfileId;
  const codeLength = options.codeLength ?? 6;
  const http = telnyxClient(apiKey, options);

  return {
    name,
    channels,
    codeLengths: [codeLength],

    async start(request: StartRequest, signal?: AbortSignal): Promise<Started> {
      const what = `start (${request.channel})`;
      if (!channels.includes(request.channel)) {
        throw new PhoneVerifyError('channel_unavailable', `Codes cannot be sent by ${request.channel} with this provider.`);
      }
      // UNCONFIRMED: how many of the caller's last digits a flashcall's code is. We assume the
      // profile's code_length (the sandbox does the same), so the widget asks for `codeLength`
      // digits whatever the channel; a profile set otherwise never matches.
      const res = await http.send({
        method: 'POST',
        path: `/v2/verifications/${TELNYX_TYPE[request.channel]!}`,
        // timeout_secs overrides the profile's default (300 s) so Telnyx and we agree on expiry.
        json: { phone_number: request.phone, verify_profile_id: profileFor(request.locale), timeout_secs: request.ttlSeconds },
        what,
        signal,
      });
      if (res.status !== 200) throw http.unexpected(res, what, errorText(res.body));
      const data = isObject(res.body) ? res.body.data : undefined;
      if (!isObject(data) || typeof data.id !== 'string') throw http.malformed(what);
      return { state: { verificationId: data.id } };
    },

    // No resend: Telnyx has no cancel, and a new start for the number is what a resend is
    // (the service then stores the new verification id, so the check goes to the new code).

    async check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
      let result: CheckResult;
      try {
        result = await checkById(pending, code, signal);
      } catch (error) {
        // This very check may have been judged (its answer lost or late): ask Telnyx, don't
        // guess. Only here: a verification found accepted later is never approved again.
        if (mayHaveActed(error) && (await statusOf(pending, signal).catch(() => undefined)) === 'accepted') return { status: 'approved' };
        throw error;
      }
      if (result.status === 'approved' || result.status === 'exhausted') return result;
      // A resend is a new start; when its answer was lost we never learnt the new id, and the
      // user holds the new code. Ask Telnyx for the number's newest verification and judge the
      // code there too: it went to this same phone, and the service keeps one live
      // verification per number, so no other session of ours holds it.
      const newer = await newerPendingId(pending, signal).catch(() => undefined);
      return newer ? checkById({ ...pending, state: { ...pending.state, verificationId: newer } }, code, signal) : result;
    },

    // Telnyx has no cancel: a started verification expires by itself (timeout_secs).
  };

  /**
   * The verification's status by a plain read (`GET /v2/verifications/{id}`), the one way
   * to learn what a check whose answer was lost did: "accepted" right after it means this
   * check's code was right (the id is the service's, checked from one session only).
   */
  async function statusOf(pending: PendingVerification, signal?: AbortSignal): Promise<string | undefined> {
    const what = 'check (status read)';
    const id = String(pending.state.verificationId);
    const res = await http.send({ method: 'GET', path: `/v2/verifications/${encodeURIComponent(id)}`, what, signal });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw http.unexpected(res, what, errorText(res.body));
    const data = isObject(res.body) ? res.body.data : undefined;
    const status = isObject(data) ? data.status : undefined;
    if (typeof status !== 'string') throw http.malformed(what);
    return status;
  }

  /**
   * The id of a pending verification for the number newer than ours, if Telnyx has one
   * (`GET /v2/verifications/by_phone_number/{phone}`, newest first: UNCONFIRMED order, the
   * sandbox's).
   */
  async function newerPendingId(pending: PendingVerification, signal?: AbortSignal): Promise<string | undefined> {
    const what = 'check (list by phone)';
    const res = await http.send({ method: 'GET', path: `/v2/verifications/by_phone_number/${encodeURIComponent(pending.phone)}`, what, signal });
    if (res.status !== 200) return undefined;
    const data = isObject(res.body) ? res.body.data : undefined;
    const newest = Array.isArray(data) ? data[0] : undefined;
    if (!isObject(newest) || typeof newest.id !== 'string' || newest.status !== 'pending') return undefined;
    return newest.id !== pending.state.verificationId ? newest.id : undefined;
  }

  /**
   * Check by verification id (`POST /v2/verifications/{id}/actions/verify`), not by phone
   * number: it judges exactly the verification this service started. By number, Telnyx
   * checks "the" verification of the number, which after a second start (another tab, or a
   * stranger typing the same number) is UNCONFIRMED and in the sandbox the latest, so a
   * stranger could make the code the real user holds stop working. By id also keeps the
   * number out of the URL (proxies and access logs) and needs no verify_profile_id.
   */
  async function checkById(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
    const what = 'check';
    const id = pending.state.verificationId;
    if (typeof id !== 'string' || id === '') return { status: 'expired' };
    const res = await http.send({
      method: 'POST',
      path: `/v2/verifications/${encodeURIComponent(id)}/actions/verify`,
      // code is a string (keeps leading zeros).
      json: { code },
      what,
      signal,
    });
    // UNCONFIRMED: what Telnyx answers for a verification that is no longer pending (expired,
    // already accepted). We read 404 (its generic "not found", 10005) as expired.
    if (res.status === 404) return { status: 'expired' };
    if (res.status !== 200) throw http.unexpected(res, what, errorText(res.body), code);
    const data = isObject(res.body) ? res.body.data : undefined;
    const responseCode = isObject(data) ? data.response_code : undefined;
    // A wrong code is a 200 with "rejected", not an HTTP error; only "accepted" approves.
    if (responseCode === 'accepted') return { status: 'approved' };
    if (responseCode === 'rejected') return { status: 'wrong' };
    throw http.malformed(what);
  }
}

export interface TelnyxProfileOptions extends HttpProviderOptions {
  apiKey: string;
  verifyProfileId: string;
}

/**
 * The channels a Verify profile has configured (`GET /v2/verify_profiles/{id}`), in our
 * preference order: pass them as `telnyxProvider({ channels })` so the widget offers
 * flashcall (or WhatsApp) only when the profile has it. A member that is present and not
 * null counts as configured (the quickstart shows `"flashcall": null` for an unset one).
 */
export async function telnyxProfileChannels(options: TelnyxProfileOptions): Promise<Channel[]> {
  const name = 'telnyx';
  const apiKey = requireString(name, 'apiKey', options?.apiKey);
  const verifyProfileId = requireString(name, 'verifyProfileId', options.verifyProfileId);
  const http = telnyxClient(apiKey, options);
  const what = 'read verify profile';
  const res = await http.send({ method: 'GET', path: `/v2/verify_profiles/${encodeURIComponent(verifyProfileId)}`, what });
  if (res.status !== 200) throw http.unexpected(res, what, errorText(res.body));
  const data = isObject(res.body) ? res.body.data : undefined;
  if (!isObject(data)) throw http.malformed(what);
  return PROFILE_CHANNELS.filter(([member]) => isObject(data[member])).map(([, channel]) => channel);
}
