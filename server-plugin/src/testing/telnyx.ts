// server-plugin/src/testing/telnyx.ts
// A Telnyx Verify v2 sandbox: one verify profile, the per-channel start endpoints,
// check by phone number, Bearer auth and Telnyx's error shape.

import { randomUUID } from 'node:crypto';
import type { Channel } from '../protocol.js';
import { isRecord, parseJson, ProviderSandbox, type SandboxOptions, type SandboxRequest, type SandboxResponse } from './sandbox.js';

export interface TelnyxSandboxOptions extends SandboxOptions {
  /** The only API key accepted (`Authorization: Bearer …`). */
  apiKey: string;
  /** The id of the one verify profile. Default: a random UUID (read it from `sandbox.verifyProfileId`). */
  verifyProfileId?: string;
  /**
   * The profile's `code_length`. Default 5, Telnyx's own default: like a real
   * profile, set it to 6 for NIST-length codes (the adapter expects 6 unless told).
   */
  codeLength?: number;
  /** The profile's `default_verification_timeout_secs`. Default 300. */
  defaultTimeoutSecs?: number;
  /**
   * Wrong codes after which a verification is closed (status `invalid`; later checks
   * answer 404). Telnyx's limit is UNCONFIRMED, so by default there is none.
   */
  maxAttempts?: number;
}

interface TelnyxVerification {
  id: string;
  type: 'sms' | 'call' | 'whatsapp';
  phone_number: string;
  verify_profile_id: string;
  custom_code: string | null;
  timeout_secs: number;
  status: 'pending' | 'accepted' | 'invalid' | 'expired';
  createdAt: number;
  updatedAt: number;
  code: string;
  failedAttempts: number;
}

const CHANNEL: Record<TelnyxVerification['type'], Channel> = { sms: 'sms', call: 'voice', whatsapp: 'whatsapp' };
const E164 = /^\+[1-9]\d{6,14}$/;

/** Telnyx timestamps: ISO without a zone suffix. */
const stamp = (ms: number): string => new Date(ms).toISOString().slice(0, -1);

function telnyxError(status: number, code: string, title: string, detail: string, pointer?: string): SandboxResponse {
  const error: Record<string, unknown> = { code, title, detail, meta: { url: `https://developers.telnyx.com/docs/overview/errors/${code}` } };
  if (pointer) error.source = { pointer };
  return { status, body: { errors: [error] } };
}

/** A faithful stand-in for `https://api.telnyx.com/v2` Verify. */
export class TelnyxSandbox extends ProviderSandbox {
  readonly verifyProfileId: string;
  readonly #apiKey: string;
  readonly #codeLength: number;
  readonly #defaultTimeout: number;
  readonly #maxAttempts: number;
  readonly #verifications = new Map<string, TelnyxVerification>();

  constructor(options: TelnyxSandboxOptions) {
    super(options);
    this.#apiKey = options.apiKey;
    this.verifyProfileId = options.verifyProfileId ?? randomUUID();
    this.#codeLength = options.codeLength ?? 5;
    this.#defaultTimeout = options.defaultTimeoutSecs ?? 300;
    this.#maxAttempts = options.maxAttempts ?? Infinity;
  }

  protected errorBody(status: number, message: string): unknown {
    return { errors: [{ code: status === 429 ? '10011' : '10007', title: message, detail: message }] };
  }

  protected route(req: SandboxRequest): SandboxResponse {
    if (req.headers.authorization !== `Bearer ${this.#apiKey}`) {
      return telnyxError(401, '10009', 'Authentication failed', 'The API key is missing or wrong.');
    }
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/v2\/verifications\/(sms|call|flashcall|whatsapp)$/.exec(req.path))) {
      return this.#start(m[1]!, req);
    }
    if (req.method === 'POST' && (m = /^\/v2\/verifications\/by_phone_number\/([^/]+)\/actions\/verify$/.exec(req.path))) {
      return this.#check(m[1]!, req);
    }
    if (req.method === 'GET' && (m = /^\/v2\/verifications\/([^/]+)$/.exec(req.path))) {
      const v = this.#verifications.get(m[1]!);
      return v ? { status: 200, body: { data: this.#view(v) } } : this.#notFound();
    }
    return this.#notFound();
  }

  #notFound(): SandboxResponse {
    return telnyxError(404, '10005', 'Resource not found', 'The requested resource or URL could not be found.');
  }

  /** The JSON object body, or undefined when the body is not one (Telnyx takes JSON only). */
  #json(req: SandboxRequest): Record<string, unknown> | undefined {
    const body = req.contentType === 'application/json' ? parseJson(req.raw) : undefined;
    return isRecord(body) ? body : undefined;
  }

  #badBody(): SandboxResponse {
    return telnyxError(400, '10015', 'Bad Request', 'The request body must be a JSON object.');
  }

  #start(type: string, req: SandboxRequest): SandboxResponse {
    const body = this.#json(req);
    if (!body) return this.#badBody();
    if (type === 'flashcall') return telnyxError(400, '10015', 'Bad Request', 'flashcall is not simulated by this sandbox.');
    const { phone_number, verify_profile_id, timeout_secs, custom_code } = body;
    if (phone_number === undefined) return telnyxError(400, '10004', 'Missing required parameter', 'phone_number is required.', '/phone_number');
    if (typeof phone_number !== 'string' || !E164.test(phone_number)) {
      return telnyxError(400, '10016', 'Phone number must be in +E.164 format', 'phone_number must be in +E.164 format.', '/phone_number');
    }
    if (verify_profile_id === undefined) return telnyxError(400, '10004', 'Missing required parameter', 'verify_profile_id is required.', '/verify_profile_id');
    if (verify_profile_id !== this.verifyProfileId) {
      return telnyxError(400, '10015', 'Bad Request', 'verify_profile_id does not name a verify profile of this account.', '/verify_profile_id');
    }
    if (timeout_secs !== undefined && !(Number.isInteger(timeout_secs) && (timeout_secs as number) > 0)) {
      return telnyxError(400, '10015', 'Bad Request', 'timeout_secs must be a positive integer.', '/timeout_secs');
    }
    if (custom_code !== undefined && custom_code !== null && (typeof custom_code !== 'string' || !/^[0-9A-Za-z]{4,10}$/.test(custom_code))) {
      return telnyxError(400, '10015', 'Bad Request', 'custom_code must be a string of 4 to 10 characters.', '/custom_code');
    }
    const now = this.clock();
    const code = typeof custom_code === 'string' ? custom_code : this.generateCode(this.#codeLength);
    const v: TelnyxVerification = {
      id: randomUUID(),
      type: type as TelnyxVerification['type'],
      phone_number,
      verify_profile_id,
      custom_code: typeof custom_code === 'string' ? custom_code : null,
      timeout_secs: (timeout_secs as number | undefined) ?? this.#defaultTimeout,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
      code,
      failedAttempts: 0,
    };
    this.#verifications.set(v.id, v);
    const channel = CHANNEL[v.type];
    const text = channel === 'voice' ? `[call] Your verification code is ${code}. Again: ${code}.` : `Your verification code is ${code}.`;
    this.deliver({ to: phone_number, channel, text, at: now });
    return { status: 200, body: { data: this.#view(v) } };
  }

  #check(phone: string, req: SandboxRequest): SandboxResponse {
    const body = this.#json(req);
    if (!body) return this.#badBody();
    const { code, verify_profile_id } = body;
    if (code === undefined) return telnyxError(400, '10004', 'Missing required parameter', 'code is required.', '/code');
    if (typeof code !== 'string') return telnyxError(400, '10015', 'Bad Request', 'code must be a string.', '/code');
    // Mandatory since 2022-04-02.
    if (verify_profile_id === undefined) return telnyxError(400, '10004', 'Missing required parameter', 'verify_profile_id is required.', '/verify_profile_id');
    if (!E164.test(phone)) return telnyxError(400, '10016', 'Phone number must be in +E.164 format', 'The phone number must be in +E.164 format.');
    // The latest verification for the number and profile is the one checked (UNCONFIRMED; see the adapter).
    const latest = [...this.#verifications.values()]
      .filter((v) => v.phone_number === phone && v.verify_profile_id === verify_profile_id)
      .at(-1);
    if (!latest || latest.status !== 'pending') return this.#notFound();
    if (this.clock() >= latest.createdAt + latest.timeout_secs * 1000) {
      latest.status = 'expired';
      return this.#notFound();
    }
    latest.updatedAt = this.clock();
    if (code === latest.code) {
      latest.status = 'accepted';
      return { status: 200, body: { data: { phone_number: phone, response_code: 'accepted' } } };
    }
    latest.failedAttempts += 1;
    if (latest.failedAttempts >= this.#maxAttempts) latest.status = 'invalid';
    return { status: 200, body: { data: { phone_number: phone, response_code: 'rejected' } } };
  }

  #view(v: TelnyxVerification): Record<string, unknown> {
    if (v.status === 'pending' && this.clock() >= v.createdAt + v.timeout_secs * 1000) v.status = 'expired';
    return {
      id: v.id,
      record_type: 'verification',
      type: v.type,
      phone_number: v.phone_number,
      verify_profile_id: v.verify_profile_id,
      custom_code: v.custom_code,
      timeout_secs: v.timeout_secs,
      status: v.status,
      created_at: stamp(v.createdAt),
      updated_at: stamp(v.updatedAt),
    };
  }
}
