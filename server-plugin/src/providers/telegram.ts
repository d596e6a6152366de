// server-plugin/src/providers/telegram.ts
// Telegram Gateway (core.telegram.org/gateway/api): codes delivered as Telegram
// messages to numbers registered on Telegram. Methods are POSTed as JSON to
// https://gatewayapi.telegram.org/{method}, answers are `{ok, result}` or `{ok:false, error}`.
// Telegram makes and checks the code (default), or we make it and Telegram only delivers it.

import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { PhoneVerifyError } from '../errors.js';
import { consoleLogger, type Logger } from '../logger.js';
import { HttpClient, requireString, timeoutMs, type HttpProviderOptions, type HttpResponse } from './http.js';
import type { CheckResult, PendingVerification, StartRequest, Started, VerifyProvider } from './types.js';

/** `ttl` bounds of sendVerificationMessage since the 2025-02-26 change ("30 to 3600 seconds"). */
export const TELEGRAM_MIN_TTL = 30;
export const TELEGRAM_MAX_TTL = 3600;

export interface TelegramProviderOptions extends HttpProviderOptions {
  /** The Gateway API token (account settings), sent as `Authorization: Bearer …`. Never logged. */
  token: string;
  /**
   * Call `checkSendAbility` before the first send of a verification: a number that
   * cannot get Telegram messages is answered `channel_unavailable` before anything is
   * sent, and the send that follows reuses its `request_id`, so it is charged once.
   * Default false (the send itself is refused for such a number, at no charge).
   */
  checkSendAbility?: boolean;
  /**
   * Who makes the code. `telegram` (default): Telegram generates it (`code_length`) and
   * checks it (`checkVerificationStatus` with `code`); it never passes through this server.
   * `own`: we generate it (CSPRNG), keep only an HMAC, check it here, and tell Telegram
   * the right code afterwards so its conversion statistics stay true (as its docs advise).
   */
  code?: 'telegram' | 'own';
  /** With `code: 'own'`: the HMAC key; processes sharing a store must share it. Default: random per process. */
  secret?: string | Buffer;
  /** A verified Telegram channel of the token's owner to send from (`sender_username`). */
  senderUsername?: string;
  /** An HTTPS URL for Telegram's delivery reports (`callback_url`, ≤ 256 bytes). */
  callbackUrl?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What an `error` string means for us. The docs name only ACCESS_TOKEN_INVALID; every
 * other string here is UNCONFIRMED, so the match is by family: `ACCESS_TOKEN_*` is the
 * operator's credentials, `PHONE_NUMBER_*` (and "not a Telegram user" in any wording) is
 * the number — which the widget answers by falling back to another channel.
 */
function meaning(error: string): 'credentials' | 'number' | 'gone' | 'other' {
  if (/^ACCESS_TOKEN/i.test(error)) return 'credentials';
  if (/^PHONE_NUMBER_|NOT_ON_TELEGRAM|USER_NOT_FOUND/i.test(error)) return 'number';
  if (/^REQUEST_ID/i.test(error)) return 'gone';
  return 'other';
}

/** Create a provider that delivers codes through the Telegram Gateway API. */
export function telegramProvider(options: TelegramProviderOptions): VerifyProvider {
  const name = 'telegram';
  const token = requireString(name, 'token', options?.token);
  const mode = options.code ?? 'telegram';
  if (mode !== 'telegram' && mode !== 'own') throw new TypeError(`${name}: options.code must be 'telegram' or 'own'`);
  if (options.callbackUrl !== undefined && !(/^https:\/\/\S+$/.test(options.callbackUrl) && Buffer.byteLength(options.callbackUrl) <= 256)) {
    throw new TypeError(`${name}: options.callbackUrl must be an HTTPS URL of at most 256 bytes`);
  }
  if (options.senderUsername !== undefined) requireString(name, 'senderUsername', options.senderUsername);
  const logger: Logger = options.logger ?? consoleLogger;
  const secret = options.secret ?? randomBytes(32);
  const http = new HttpClient({
    provider: name,
    baseUrl: options.baseUrl ?? 'https://gatewayapi.telegram.org',
    timeoutMs: timeoutMs(name, options.timeout),
    logger,
    headers: { authorization: `Bearer ${token}` },
  });
  // Telegram sends 4–8 digits; 4 and 5 are below NIST 800-63B-4's 6.
  const codeLengths = [6, 7, 8] as const;

  const digest = (verificationId: string, code: string): Buffer => createHmac('sha256', secret).update(`${verificationId}:${code}`).digest();

  /**
   * One method call. Returns `result` of an `ok` answer; throws the protocol error for
   * anything else. `code`, when given, is kept out of log lines.
   */
  async function invoke(method: string, params: Record<string, unknown>, code?: string, signal?: AbortSignal): Promise<unknown> {
    const what = method;
    const res: HttpResponse = await http.send({ method: 'POST', path: `/${method}`, json: params, what, signal });
    // Rate limits and server faults first: their bodies may or may not be the envelope.
    if (res.status === 429 || res.status >= 500) throw http.unexpected(res, what, errorOf(res.body), code);
    const body = res.body;
    if (isObject(body) && body.ok === true && res.status === 200 && 'result' in body) return body.result;
    if (!(isObject(body) && body.ok === false)) throw res.status === 200 ? http.malformed(what) : http.unexpected(res, what, undefined, code);
    const error = errorOf(body) ?? 'UNKNOWN';
    switch (meaning(error)) {
      case 'number':
        // Not a Telegram user (or a number Telegram will not take): another channel may reach it.
        throw new PhoneVerifyError('channel_unavailable', 'Codes cannot be sent to this number by Telegram.');
      case 'credentials':
        logger.error(`${name} refused the token (${error}) on ${what}; check options.token`);
        throw new PhoneVerifyError('provider_error', 'The verification service refused the request.');
      case 'gone':
        throw new TelegramRequestGone(error);
      default:
        // The HTTP status of Gateway errors is UNCONFIRMED (the envelope is what the docs define).
        logger.error(`${name} rejected ${what} (${error}, HTTP ${res.status}); check the provider options and the account balance`);
        throw new PhoneVerifyError('provider_error', 'The verification service refused the request.');
    }
  }

  async function send(request: StartRequest, ability: boolean, signal?: AbortSignal): Promise<Started> {
    if (request.channel !== 'telegram') {
      throw new PhoneVerifyError('channel_unavailable', `Codes cannot be sent by ${request.channel} with this provider.`);
    }
    if (!(codeLengths as readonly number[]).includes(request.codeLength)) {
      throw new TypeError(`${name}: codes are 6 to 8 digits here (Telegram sends 4 to 8; NIST asks for at least 6), not ${request.codeLength}`);
    }
    const params: Record<string, unknown> = {
      phone_number: request.phone,
      // A message not delivered within ttl is refunded and deleted; it also bounds the code's life.
      ttl: Math.min(TELEGRAM_MAX_TTL, Math.max(TELEGRAM_MIN_TTL, Math.round(request.ttlSeconds))),
    };
    if (ability) {
      const checked = await invoke('checkSendAbility', { phone_number: request.phone }, undefined, signal);
      const id = isObject(checked) ? checked.request_id : undefined;
      if (typeof id !== 'string' || id === '') throw http.malformed('checkSendAbility');
      // The send under this request_id is free: one fee per verification.
      params.request_id = id;
    }
    if (options.senderUsername) params.sender_username = options.senderUsername;
    if (options.callbackUrl) params.callback_url = options.callbackUrl;
    let code: string | undefined;
    if (mode === 'own') {
      // NIST 800-63B-4 §3.1.3.2: an approved RBG; randomInt has no modulo bias.
      code = randomInt(0, 10 ** request.codeLength)
        .toString()
        .padStart(request.codeLength, '0');
      params.code = code;
    } else {
      params.code_length = request.codeLength;
    }
    const result = await invoke('sendVerificationMessage', params, code, signal);
    const requestId = isObject(result) ? result.request_id : undefined;
    if (typeof requestId !== 'string' || requestId === '') throw http.malformed('sendVerificationMessage');
    return { state: code === undefined ? { requestId } : { requestId, codeHmac: digest(request.verificationId, code).toString('base64') } };
  }

  async function revoke(pending: PendingVerification, signal?: AbortSignal): Promise<void> {
    const requestId = pending.state.requestId;
    if (typeof requestId !== 'string') return;
    try {
      // `true` means "revocation request received"; a message already read stays (docs).
      await invoke('revokeVerificationMessage', { request_id: requestId }, undefined, signal);
    } catch (error) {
      // An unknown or finished request: nothing left to revoke.
      if (!(error instanceof TelegramRequestGone)) throw error;
    }
  }

  return {
    name,
    channels: ['telegram'],
    codeLengths,
    maxTtlSeconds: TELEGRAM_MAX_TTL,

    start: (request, signal) => send(request, options.checkSendAbility === true, signal),

    /**
     * A new message (Telegram has no "send again"), after revoking the old one so an
     * unread old code disappears from the chat. The number was already found reachable,
     * so no second checkSendAbility (and no second fee for it).
     */
    async resend(pending: PendingVerification, request: StartRequest, signal?: AbortSignal): Promise<Started> {
      await revoke(pending, signal).catch(() => undefined);
      return send(request, false, signal);
    },

    async check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
      const requestId = pending.state.requestId;
      if (typeof requestId !== 'string' || requestId === '') return { status: 'expired' };
      if (typeof pending.state.codeHmac === 'string') {
        const stored = Buffer.from(pending.state.codeHmac, 'base64');
        const given = digest(pending.id, code);
        if (!(stored.length === given.length && timingSafeEqual(stored, given))) return { status: 'wrong' };
        // Our code, our judgement; Telegram is told only so its conversion rate is right.
        await invoke('checkVerificationStatus', { request_id: requestId, code }, code, signal).catch((error: unknown) => {
          logger.warn(`${name} checkVerificationStatus after a right code failed: ${error instanceof PhoneVerifyError ? error.code : 'error'}`);
        });
        return { status: 'approved' };
      }
      let result: unknown;
      try {
        result = await invoke('checkVerificationStatus', { request_id: requestId, code }, code, signal);
      } catch (error) {
        if (error instanceof TelegramRequestGone) return { status: 'expired' };
        throw error;
      }
      const verification = isObject(result) && isObject(result.verification_status) ? result.verification_status.status : undefined;
      switch (verification) {
        case 'code_valid':
          return { status: 'approved' };
        case 'code_invalid':
          return { status: 'wrong' };
        case 'code_max_attempts_exceeded':
          return { status: 'exhausted' };
        case 'expired':
          return { status: 'expired' };
        default:
          throw http.malformed('checkVerificationStatus');
      }
    },

    /** Revoke the message: an unread code vanishes from the user's chat (best effort, per the docs). */
    cancel: revoke,
  };
}

/** A Gateway `error` string of an `{ok: false}` body (any status). */
function errorOf(body: unknown): string | undefined {
  return isObject(body) && typeof body.error === 'string' && body.error !== '' ? body.error : undefined;
}

/** The request_id is unknown or finished (`REQUEST_ID_*`, UNCONFIRMED wording). Internal. */
class TelegramRequestGone extends Error {}
