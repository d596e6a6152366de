// server-plugin/src/testing/telegram.ts
// A Telegram Gateway sandbox (core.telegram.org/gateway/api): sendVerificationMessage,
// checkSendAbility, checkVerificationStatus, revokeVerificationMessage; the `ok`/`result`/
// `error` envelope; Bearer token or `access_token`; query, JSON or form parameters;
// ttl 30–3600 with refunds for messages not delivered in time; and a list of the
// numbers that are Telegram users (every other number is refused).

import { randomBytes } from 'node:crypto';
import { isRecord, parseJson, ProviderSandbox, type SandboxOptions, type SandboxRequest, type SandboxResponse } from './sandbox.js';

export interface TelegramSandboxOptions extends SandboxOptions {
  /** The only token accepted (`Authorization: Bearer …` or the `access_token` parameter). */
  token: string;
  /** Numbers registered on Telegram, E.164 with `+`. Sends to any other number are refused. */
  users: readonly string[];
  /** Credits on the account. Default 10. */
  balance?: number;
  /** Price of one request (checkSendAbility or a send without its request_id). Default 0.01, the published price per code. */
  price?: number;
  /**
   * Wrong codes after which the verification status is `code_max_attempts_exceeded`.
   * Telegram's number is UNCONFIRMED; default 5.
   */
  maxAttempts?: number;
}

/** Error strings. The docs name ACCESS_TOKEN_INVALID only; the others are UNCONFIRMED (Telegram's usual SCREAMING_CASE). */
export const TELEGRAM_ERRORS = {
  tokenRequired: 'ACCESS_TOKEN_REQUIRED',
  tokenInvalid: 'ACCESS_TOKEN_INVALID',
  phoneInvalid: 'PHONE_NUMBER_INVALID',
  notUser: 'PHONE_NUMBER_NOT_FOUND',
  requestIdInvalid: 'REQUEST_ID_INVALID',
  requestIdUsed: 'REQUEST_ID_ALREADY_USED',
  codeInvalid: 'CODE_INVALID',
  codeLengthInvalid: 'CODE_LENGTH_INVALID',
  ttlInvalid: 'TTL_INVALID',
  callbackInvalid: 'CALLBACK_URL_INVALID',
  payloadInvalid: 'PAYLOAD_INVALID',
  balance: 'BALANCE_NOT_ENOUGH',
  method: 'METHOD_NOT_FOUND',
} as const;

type Delivery = 'sent' | 'delivered' | 'read' | 'expired' | 'revoked';
type Verification = 'code_valid' | 'code_invalid' | 'code_max_attempts_exceeded' | 'expired';

interface GatewayRequest {
  requestId: string;
  phone: string;
  cost: number;
  /** The `request_id` came from checkSendAbility and has not been sent under yet. */
  awaitingSend: boolean;
  code?: string;
  /** Milliseconds; absent when no ttl was given (the message then stays). */
  expiresAt?: number;
  payload?: string;
  delivery?: { status: Delivery; at: number };
  verification?: { status: Verification; at: number; codeEntered?: string };
  attempts: number;
  refunded: boolean;
}

const E164 = /^\+?[1-9]\d{6,14}$/;
const seconds = (ms: number): number => Math.floor(ms / 1000);

function fail(status: number, error: string): SandboxResponse {
  return { status, body: { ok: false, error } };
}

const ok = (result: unknown): SandboxResponse => ({ status: 200, body: { ok: true, result } });

/** A faithful stand-in for `https://gatewayapi.telegram.org`. */
export class TelegramSandbox extends ProviderSandbox {
  readonly #token: string;
  readonly #users: Set<string>;
  readonly #price: number;
  readonly #maxAttempts: number;
  #balance: number;
  readonly #requests = new Map<string, GatewayRequest>();

  constructor(options: TelegramSandboxOptions) {
    super(options);
    this.#token = options.token;
    this.#users = new Set(options.users.map((u) => (u.startsWith('+') ? u : `+${u}`)));
    this.#balance = options.balance ?? 10;
    this.#price = options.price ?? 0.01;
    this.#maxAttempts = options.maxAttempts ?? 5;
  }

  /** Credits left. */
  get balance(): number {
    return Math.round(this.#balance * 100) / 100;
  }

  /** The fake phone opens the chat: the message is read (it is then neither revoked nor refunded). */
  read(requestId: string): void {
    const r = this.#requests.get(requestId);
    if (r?.delivery && (r.delivery.status === 'sent' || r.delivery.status === 'delivered')) r.delivery = { status: 'read', at: this.clock() };
  }

  protected errorBody(status: number, message: string): unknown {
    // UNCONFIRMED: the envelope of a rate-limited or failed call; the documented one is used.
    return { ok: false, error: status === 429 ? 'TOO_MANY_REQUESTS' : `INTERNAL_SERVER_ERROR: ${message}` };
  }

  /** Messages past their ttl: deleted if unread, and the fee refunded if not delivered ("ttl" in sendVerificationMessage). */
  protected override tick(): void {
    const now = this.clock();
    for (const r of this.#requests.values()) {
      if (r.expiresAt === undefined || now < r.expiresAt || !r.delivery) continue;
      if (r.delivery.status === 'sent') {
        r.delivery = { status: 'expired', at: r.expiresAt };
        if (!r.refunded && r.cost > 0) {
          this.#balance += r.cost;
          r.refunded = true;
        }
      }
      if (!r.verification || r.verification.status === 'code_invalid') r.verification = { status: 'expired', at: r.expiresAt };
    }
  }

  protected route(req: SandboxRequest): SandboxResponse {
    const params = this.#params(req);
    if (!params) return fail(400, 'BAD_REQUEST');
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof params.access_token === 'string' ? params.access_token : undefined);
    if (token === undefined) return fail(401, TELEGRAM_ERRORS.tokenRequired);
    // UNCONFIRMED: the HTTP status of Gateway errors; 401 for the token, 400 for the rest, as Telegram's Bot API does.
    if (token !== this.#token) return fail(401, TELEGRAM_ERRORS.tokenInvalid);
    if (req.method !== 'GET' && req.method !== 'POST') return fail(405, 'METHOD_NOT_ALLOWED');
    // "All methods in the Gateway API are case-insensitive."
    switch (req.path.replace(/^\/+/, '').toLowerCase()) {
      case 'sendverificationmessage':
        return this.#send(params);
      case 'checksendability':
        return this.#ability(params);
      case 'checkverificationstatus':
        return this.#status(params);
      case 'revokeverificationmessage':
        return this.#revoke(params);
      default:
        return fail(404, TELEGRAM_ERRORS.method);
    }
  }

  /** Parameters from the query string, a JSON object or a form ("three ways of passing parameters"). */
  #params(req: SandboxRequest): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = Object.fromEntries(req.query);
    if (req.raw === '') return out;
    if (req.contentType === 'application/json') {
      const body = parseJson(req.raw);
      return isRecord(body) ? { ...out, ...body } : undefined;
    }
    if (req.contentType === 'application/x-www-form-urlencoded') return { ...out, ...Object.fromEntries(new URLSearchParams(req.raw)) };
    return undefined;
  }

  /** A phone number parameter, normalised to `+digits`, or undefined when it is not E.164. */
  #phone(value: unknown): string | undefined {
    if (typeof value !== 'string' || !E164.test(value)) return undefined;
    return value.startsWith('+') ? value : `+${value}`;
  }

  /** An integer parameter (JSON number, or digits from a query or form). */
  #integer(value: unknown): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);
    return undefined;
  }

  #charge(): boolean {
    if (this.#balance + 1e-9 < this.#price) return false;
    this.#balance -= this.#price;
    return true;
  }

  #ability(params: Record<string, unknown>): SandboxResponse {
    const phone = this.#phone(params.phone_number);
    if (!phone) return fail(400, TELEGRAM_ERRORS.phoneInvalid);
    // Not a Telegram user: nothing can be sent, nothing is charged.
    if (!this.#users.has(phone)) return fail(400, TELEGRAM_ERRORS.notUser);
    if (!this.#charge()) return fail(400, TELEGRAM_ERRORS.balance);
    const r: GatewayRequest = { requestId: randomBytes(12).toString('hex'), phone, cost: this.#price, awaitingSend: true, attempts: 0, refunded: false };
    this.#requests.set(r.requestId, r);
    return ok({ ...this.#view(r), remaining_balance: this.balance });
  }

  #send(params: Record<string, unknown>): SandboxResponse {
    const phone = this.#phone(params.phone_number);
    if (!phone) return fail(400, TELEGRAM_ERRORS.phoneInvalid);
    const { code, sender_username: sender, callback_url: callback, payload } = params;
    const codeLength = params.code_length === undefined ? undefined : this.#integer(params.code_length);
    const ttl = params.ttl === undefined ? undefined : this.#integer(params.ttl);
    if (code !== undefined && !(typeof code === 'string' && /^\d{4,8}$/.test(code))) return fail(400, TELEGRAM_ERRORS.codeInvalid);
    // code_length is ignored when code is given ("If this parameter is set, code_length is ignored").
    if (code === undefined && params.code_length !== undefined && !(codeLength !== undefined && codeLength >= 4 && codeLength <= 8)) {
      return fail(400, TELEGRAM_ERRORS.codeLengthInvalid);
    }
    if (params.ttl !== undefined && !(ttl !== undefined && ttl >= 30 && ttl <= 3600)) return fail(400, TELEGRAM_ERRORS.ttlInvalid);
    if (callback !== undefined && !(typeof callback === 'string' && /^https:\/\/\S+$/.test(callback) && Buffer.byteLength(callback) <= 256)) {
      return fail(400, TELEGRAM_ERRORS.callbackInvalid);
    }
    if (payload !== undefined && !(typeof payload === 'string' && Buffer.byteLength(payload) <= 128)) return fail(400, TELEGRAM_ERRORS.payloadInvalid);
    // UNCONFIRMED: which senders are accepted; any name Telegram allows for a channel here.
    if (sender !== undefined && !(typeof sender === 'string' && /^@?[A-Za-z][A-Za-z0-9_]{4,31}$/.test(sender))) return fail(400, 'SENDER_USERNAME_INVALID');
    if (!this.#users.has(phone)) return fail(400, TELEGRAM_ERRORS.notUser);

    let r: GatewayRequest;
    if (params.request_id !== undefined) {
      const found = typeof params.request_id === 'string' ? this.#requests.get(params.request_id) : undefined;
      if (!found || found.phone !== phone) return fail(400, TELEGRAM_ERRORS.requestIdInvalid);
      // "Calling sendVerificationMessage once with the returned request_id will be free of charge, while repeated calls will result in an error."
      if (!found.awaitingSend) return fail(400, TELEGRAM_ERRORS.requestIdUsed);
      found.awaitingSend = false;
      r = found;
    } else {
      if (!this.#charge()) return fail(400, TELEGRAM_ERRORS.balance);
      r = { requestId: randomBytes(12).toString('hex'), phone, cost: this.#price, awaitingSend: false, attempts: 0, refunded: false };
      this.#requests.set(r.requestId, r);
    }
    const now = this.clock();
    r.code = typeof code === 'string' ? code : this.generateCode(codeLength ?? 5);
    if (ttl !== undefined) r.expiresAt = now + ttl * 1000;
    if (typeof payload === 'string') r.payload = payload;
    r.delivery = { status: 'sent', at: now };
    const from = typeof sender === 'string' ? sender.replace(/^@?/, '@') : 'Verification Codes';
    this.deliver({ to: phone, channel: 'telegram', text: `[telegram] ${from}: Your code is ${r.code}`, at: now });
    const charged = params.request_id === undefined;
    return ok({ ...this.#view(r), ...(charged ? { remaining_balance: this.balance } : {}) });
  }

  #status(params: Record<string, unknown>): SandboxResponse {
    const r = typeof params.request_id === 'string' ? this.#requests.get(params.request_id) : undefined;
    if (!r || !r.delivery) return fail(400, TELEGRAM_ERRORS.requestIdInvalid);
    const { code } = params;
    if (code !== undefined) {
      if (typeof code !== 'string') return fail(400, TELEGRAM_ERRORS.codeInvalid);
      const now = this.clock();
      const final = r.verification && r.verification.status !== 'code_invalid';
      // UNCONFIRMED: a settled status (valid, exhausted, expired) stays; a revoked message's code is dead (expired).
      if (!final) {
        if (r.delivery.status === 'revoked') r.verification = { status: 'expired', at: now };
        else if (code === r.code) r.verification = { status: 'code_valid', at: now, codeEntered: code };
        else {
          r.attempts += 1;
          r.verification = { status: r.attempts >= this.#maxAttempts ? 'code_max_attempts_exceeded' : 'code_invalid', at: now, codeEntered: code };
        }
      }
    }
    return ok(this.#view(r));
  }

  #revoke(params: Record<string, unknown>): SandboxResponse {
    const r = typeof params.request_id === 'string' ? this.#requests.get(params.request_id) : undefined;
    if (!r || !r.delivery) return fail(400, TELEGRAM_ERRORS.requestIdInvalid);
    // "A message will not be removed if it has already been delivered or read" — the request is still received.
    if (r.delivery.status === 'sent') r.delivery = { status: 'revoked', at: this.clock() };
    return ok(true);
  }

  /** A RequestStatus object. */
  #view(r: GatewayRequest): Record<string, unknown> {
    const out: Record<string, unknown> = { request_id: r.requestId, phone_number: r.phone, request_cost: r.cost };
    if (r.refunded) out.is_refunded = true;
    if (r.delivery) out.delivery_status = { status: r.delivery.status, updated_at: seconds(r.delivery.at) };
    if (r.verification) {
      const v: Record<string, unknown> = { status: r.verification.status, updated_at: seconds(r.verification.at) };
      if (r.verification.codeEntered !== undefined) v.code_entered = r.verification.codeEntered;
      out.verification_status = v;
    }
    if (r.payload !== undefined) out.payload = r.payload;
    return out;
  }
}
