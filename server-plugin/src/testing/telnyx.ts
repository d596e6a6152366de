// server-plugin/src/testing/telnyx.ts
// A Telnyx Verify v2 sandbox: verify profiles, the per-channel start endpoints (a
// flashcall rings from a number whose last digits are the code), check by phone number
// or by verification id, list by phone number, Bearer auth and Telnyx's error shape.

import { randomInt, randomUUID } from 'node:crypto';
import type { Channel } from '../protocol.js';
import { isRecord, parseJson, ProviderSandbox, type SandboxOptions, type SandboxRequest, type SandboxResponse } from './sandbox.js';
import { paged, readPage, telnyxError, telnyxStamp as stamp, TelnyxProfiles, type TelnyxProfileChannel } from './telnyx-profiles.js';

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
  /**
   * Whether the sandbox's own profile has flashcall configured. Default false, like a
   * new Telnyx profile: a flashcall start on a profile without it is refused (400).
   */
  flashcall?: boolean;
}

interface TelnyxVerification {
  id: string;
  type: 'sms' | 'call' | 'flashcall' | 'whatsapp';
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

const CHANNEL: Record<TelnyxVerification['type'], Channel> = { sms: 'sms', call: 'voice', flashcall: 'flashcall', whatsapp: 'whatsapp' };
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The number a simulated flashcall rings from: its last `code.length` digits are the
 * code. A fictional +1 555 number (NANP reserves 555-01XX for fiction), longer when the
 * code needs more than its seven subscriber digits.
 */
function flashcallCaller(code: string): string {
  let filler = '';
  for (let i = code.length; i < 7; i++) filler += String(randomInt(0, 10));
  return `+1555${filler}${code}`;
}

/** A faithful stand-in for `https://api.telnyx.com/v2` Verify. */
export class TelnyxSandbox extends ProviderSandbox {
  /** The id of the sandbox's own profile (sms, call and whatsapp configured; flashcall when asked). */
  readonly verifyProfileId: string;
  /** Every verify profile of the account: the sandbox's own and those created over the API. */
  readonly profiles: TelnyxProfiles;
  readonly #apiKey: string;
  readonly #maxAttempts: number;
  readonly #verifications = new Map<string, TelnyxVerification>();

  constructor(options: TelnyxSandboxOptions) {
    super(options);
    this.#apiKey = options.apiKey;
    this.#maxAttempts = options.maxAttempts ?? Infinity;
    this.profiles = new TelnyxProfiles(this.clock);
    const codes = { code_length: options.codeLength ?? 5, default_verification_timeout_secs: options.defaultTimeoutSecs ?? 300 };
    this.verifyProfileId = this.profiles.add({
      ...(options.verifyProfileId ? { id: options.verifyProfileId } : {}),
      name: 'sandbox',
      sms: { ...codes },
      call: { ...codes },
      whatsapp: { default_verification_timeout_secs: codes.default_verification_timeout_secs },
      flashcall: options.flashcall ? { default_verification_timeout_secs: codes.default_verification_timeout_secs } : null,
    }).id;
  }

  protected errorBody(status: number, message: string): unknown {
    return { errors: [{ code: status === 429 ? '10011' : '10007', title: message, detail: message }] };
  }

  protected route(req: SandboxRequest): SandboxResponse {
    if (req.headers.authorization !== `Bearer ${this.#apiKey}`) {
      return telnyxError(401, '10009', 'Authentication failed', 'The API key is missing or wrong.');
    }
    const profileAnswer = this.profiles.route(req, this.#json(req));
    if (profileAnswer) return profileAnswer;
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/v2\/verifications\/(sms|call|flashcall|whatsapp)$/.exec(req.path))) {
      return this.#start(m[1]!, req);
    }
    if (req.method === 'POST' && (m = /^\/v2\/verifications\/by_phone_number\/([^/]+)\/actions\/verify$/.exec(req.path))) {
      return this.#check(m[1]!, req);
    }
    if (req.method === 'GET' && (m = /^\/v2\/verifications\/by_phone_number\/([^/]+)$/.exec(req.path))) {
      return this.#listByPhone(m[1]!, req);
    }
    if (req.method === 'POST' && (m = /^\/v2\/verifications\/([^/]+)\/actions\/verify$/.exec(req.path))) {
      return this.#checkById(m[1]!, req);
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
    const { phone_number, verify_profile_id, timeout_secs, custom_code } = body;
    if (phone_number === undefined) return telnyxError(400, '10004', 'Missing required parameter', 'phone_number is required.', '/phone_number');
    if (typeof phone_number !== 'string' || !E164.test(phone_number)) {
      return telnyxError(400, '10016', 'Phone number must be in +E.164 format', 'phone_number must be in +E.164 format.', '/phone_number');
    }
    if (verify_profile_id === undefined) return telnyxError(400, '10004', 'Missing required parameter', 'verify_profile_id is required.', '/verify_profile_id');
    const profile = this.profiles.get(verify_profile_id);
    if (!profile) {
      return telnyxError(400, '10015', 'Bad Request', 'verify_profile_id does not name a verify profile of this account.', '/verify_profile_id');
    }
    // UNCONFIRMED: Telnyx's answer to a start on a channel the profile has not configured.
    if (!TelnyxProfiles.has(profile, type as TelnyxProfileChannel)) {
      return telnyxError(400, '10015', 'Bad Request', `The verify profile has no ${type} settings; configure ${type} on it first.`, '/verify_profile_id');
    }
    // The flashcall body has no custom_code: the code is the caller's number (OpenAPI CreateVerificationRequest).
    if (type === 'flashcall' && custom_code !== undefined && custom_code !== null) {
      return telnyxError(400, '10015', 'Bad Request', 'custom_code is not accepted for flashcall verifications.', '/custom_code');
    }
    if (timeout_secs !== undefined && !(Number.isInteger(timeout_secs) && (timeout_secs as number) > 0)) {
      return telnyxError(400, '10015', 'Bad Request', 'timeout_secs must be a positive integer.', '/timeout_secs');
    }
    if (custom_code !== undefined && custom_code !== null && (typeof custom_code !== 'string' || !/^[0-9A-Za-z]{4,10}$/.test(custom_code))) {
      return telnyxError(400, '10015', 'Bad Request', 'custom_code must be a string of 4 to 10 characters.', '/custom_code');
    }
    const now = this.clock();
    const channelType = type as TelnyxProfileChannel;
    const code = typeof custom_code === 'string' ? custom_code : this.generateCode(TelnyxProfiles.codeLength(profile, channelType));
    const v: TelnyxVerification = {
      id: randomUUID(),
      type: channelType,
      phone_number,
      verify_profile_id: profile.id,
      custom_code: typeof custom_code === 'string' ? custom_code : null,
      timeout_secs: (timeout_secs as number | undefined) ?? TelnyxProfiles.defaultTimeout(profile, channelType),
      status: 'pending',
      createdAt: now,
      updatedAt: now,
      code,
      failedAttempts: 0,
    };
    this.#verifications.set(v.id, v);
    const channel = CHANNEL[v.type];
    // UNCONFIRMED: how many of the caller's digits make the code; the profile's code_length here.
    const text =
      channel === 'voice'
        ? `[call] Your verification code is ${code}. Again: ${code}.`
        : channel === 'flashcall'
          ? `[flashcall] Missed call from ${flashcallCaller(code)}`
          : `Your verification code is ${code}.`;
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
    const latest = [...this.#verifications.values()].filter((v) => v.phone_number === phone && v.verify_profile_id === verify_profile_id).at(-1);
    return latest ? this.#judge(latest, code) : this.#notFound();
  }

  /**
   * `POST /v2/verifications/{id}/actions/verify`: `code`, or for a custom_code verification
   * `status` (`accepted`/`rejected`), which settles it without a code (the app checked it).
   */
  #checkById(id: string, req: SandboxRequest): SandboxResponse {
    const body = this.#json(req);
    if (!body) return this.#badBody();
    const v = this.#verifications.get(id);
    if (!v) return this.#notFound();
    const { code, status } = body;
    if (code !== undefined && status !== undefined) return telnyxError(400, '10015', 'Bad Request', 'Send either code or status, not both.', '/status');
    if (status !== undefined) {
      if (status !== 'accepted' && status !== 'rejected') return telnyxError(400, '10015', 'Bad Request', 'status must be accepted or rejected.', '/status');
      if (v.custom_code === null) return telnyxError(400, '10015', 'Bad Request', 'status is only accepted for custom_code verifications.', '/status');
      if (!this.#live(v)) return this.#notFound();
      v.status = status === 'accepted' ? 'accepted' : 'invalid';
      v.updatedAt = this.clock();
      return { status: 200, body: { data: { phone_number: v.phone_number, response_code: status } } };
    }
    if (code === undefined) return telnyxError(400, '10004', 'Missing required parameter', 'code is required.', '/code');
    if (typeof code !== 'string') return telnyxError(400, '10015', 'Bad Request', 'code must be a string.', '/code');
    return this.#judge(v, code);
  }

  /** Whether `v` can still be checked (pending and in time); marks it expired when its time is up. */
  #live(v: TelnyxVerification): boolean {
    if (v.status !== 'pending') return false;
    if (this.clock() >= v.createdAt + v.timeout_secs * 1000) {
      v.status = 'expired';
      return false;
    }
    return true;
  }

  /** One code against one verification: 200 accepted or rejected; 404 when it cannot be checked any more. */
  #judge(v: TelnyxVerification, code: string): SandboxResponse {
    if (!this.#live(v)) return this.#notFound();
    v.updatedAt = this.clock();
    if (code === v.code) {
      v.status = 'accepted';
      return { status: 200, body: { data: { phone_number: v.phone_number, response_code: 'accepted' } } };
    }
    v.failedAttempts += 1;
    if (v.failedAttempts >= this.#maxAttempts) v.status = 'invalid';
    return { status: 200, body: { data: { phone_number: v.phone_number, response_code: 'rejected' } } };
  }

  /** `GET /v2/verifications/by_phone_number/{phone}`: the number's verifications, newest first (UNCONFIRMED order), paged. */
  #listByPhone(phone: string, req: SandboxRequest): SandboxResponse {
    if (!E164.test(phone)) return telnyxError(400, '10016', 'Phone number must be in +E.164 format', 'The phone number must be in +E.164 format.');
    const page = readPage(req.query);
    if (!('number' in page)) return page;
    const mine = [...this.#verifications.values()]
      .filter((v) => v.phone_number === phone)
      .reverse()
      .map((v) => this.#view(v));
    return paged(mine, page);
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
