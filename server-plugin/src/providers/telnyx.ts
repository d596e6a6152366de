// server-plugin/src/providers/telnyx.ts
// Telnyx Verify v2: one start endpoint per channel, check by phone number, a wrong
// code is a 200 "rejected". Codes are made and kept by Telnyx.

import { mayHaveActed } from '../errors.js';
import { consoleLogger } from '../logger.js';
import type { Channel } from '../protocol.js';
import { HttpClient, requireString, timeoutMs, type HttpProviderOptions } from './http.js';
import type { CheckResult, PendingVerification, StartRequest, Started, VerifyProvider } from './types.js';

export interface TelnyxProviderOptions extends HttpProviderOptions {
  /** API key (v2), sent as `Authorization: Bearer …`. */
  apiKey: string;
  /** The Verify profile to send with. Its `code_length` must match the service's `codeLength`. */
  verifyProfileId: string;
  /** Channels the profile has configured, in preference order. Default `['sms', 'voice']`. */
  channels?: readonly Channel[];
  /**
   * The `code_length` set on the Verify profile (Telnyx's default is 5, below NIST's
   * 6: set the profile to 6). Default 6. A code of another length never matches.
   */
  codeLength?: number;
}

/** Our channel → the Telnyx endpoint (`POST /v2/verifications/{type}`). */
const TELNYX_TYPE: Readonly<Record<Channel, string>> = { sms: 'sms', voice: 'call', whatsapp: 'whatsapp' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first error title and detail of a Telnyx error body, for the log. */
function errorText(body: unknown): string | undefined {
  const first = isObject(body) && Array.isArray(body.errors) ? body.errors[0] : undefined;
  if (!isObject(first)) return undefined;
  return [first.code, first.title, first.detail].filter((x) => typeof x === 'string' && x !== '').join(' ');
}

/** Create a provider that proxies to Telnyx Verify. */
export function telnyxProvider(options: TelnyxProviderOptions): VerifyProvider {
  const name = 'telnyx';
  const apiKey = requireString(name, 'apiKey', options?.apiKey);
  const verifyProfileId = requireString(name, 'verifyProfileId', options.verifyProfileId);
  const channels = options.channels ?? (['sms', 'voice'] as const);
  const codeLength = options.codeLength ?? 6;
  const http = new HttpClient({
    provider: name,
    baseUrl: options.baseUrl ?? 'https://api.telnyx.com',
    timeoutMs: timeoutMs(name, options.timeout),
    logger: options.logger ?? consoleLogger,
    headers: { authorization: `Bearer ${apiKey}` },
  });

  return {
    name,
    channels,
    codeLengths: [codeLength],

    async start(request: StartRequest, signal?: AbortSignal): Promise<Started> {
      const what = `start (${request.channel})`;
      const res = await http.send({
        method: 'POST',
        path: `/v2/verifications/${TELNYX_TYPE[request.channel]}`,
        // timeout_secs overrides the profile's default (300 s) so Telnyx and we agree on expiry.
        json: { phone_number: request.phone, verify_profile_id: verifyProfileId, timeout_secs: request.ttlSeconds },
        what,
        signal,
      });
      if (res.status !== 200) throw http.unexpected(res, what, errorText(res.body));
      const data = isObject(res.body) ? res.body.data : undefined;
      if (!isObject(data) || typeof data.id !== 'string') throw http.malformed(what);
      return { state: { verificationId: data.id } };
    },

    // No resend: Telnyx has no cancel, and a new start for the number is what a resend is.
    // Which code a by-phone check matches after a second start is UNCONFIRMED; we assume
    // the latest (the sandbox does the same), which is what the user was just sent.

    async check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
      try {
        return await checkByPhone(pending, code, signal);
      } catch (error) {
        // This very check may have been judged (its answer lost or late): ask Telnyx, don't
        // guess. Only here: a verification found accepted later is never approved again.
        if (mayHaveActed(error) && (await statusOf(pending, signal).catch(() => undefined)) === 'accepted') return { status: 'approved' };
        throw error;
      }
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

  async function checkByPhone(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
    const what = 'check';
    const res = await http.send({
      method: 'POST',
      path: `/v2/verifications/by_phone_number/${encodeURIComponent(pending.phone)}/actions/verify`,
      // verify_profile_id is mandatory on this endpoint since 2022-04-02; code is a string (keeps leading zeros).
      json: { code, verify_profile_id: verifyProfileId },
      what,
      signal,
    });
    // UNCONFIRMED: what Telnyx answers for a number with no pending verification (expired,
    // already accepted, never started). We read 404 (its generic "not found", 10005) as expired.
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
