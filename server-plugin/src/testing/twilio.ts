// server-plugin/src/testing/twilio.ts
// A Twilio Verify v2 sandbox: one Verify Service, form-encoded PascalCase requests,
// HTTP Basic auth, a pending verification reused (same SID, same code) by repeat
// creates, 5 checks and 5 sends, and deletion of every finished verification.

import { randomBytes } from 'node:crypto';
import type { Channel } from '../protocol.js';
import { basicCredentials, ProviderSandbox, type SandboxOptions, type SandboxRequest, type SandboxResponse } from './sandbox.js';

export interface TwilioSandboxOptions extends SandboxOptions {
  /** The Basic user accepted (an Account SID, or an API key SID). */
  accountSid: string;
  /** The Basic password accepted. */
  authToken: string;
  /** The one Verify Service's SID. Default: a random `VA…` (read it from `sandbox.serviceSid`). */
  serviceSid?: string;
  /** The Service's `CodeLength`, 4–10. Default 6. */
  codeLength?: number;
  /** The Service's `FriendlyName`, shown in messages. Default `phone-verify`. */
  friendlyName?: string;
  /** Checks allowed per verification; the next one answers 429 / 60202. Default 5, Twilio's. */
  maxChecks?: number;
  /** Sends allowed to one number per 10 minutes without an approval; the next answers 429 / 60203. Default 5. */
  maxSends?: number;
}

/** Twilio's validity for a code (changeable only by Twilio Support). */
const VALIDITY_MS = 10 * 60 * 1000;
/** The window of the send limit (60203). */
const SEND_WINDOW_MS = 10 * 60 * 1000;

const CHANNELS: Readonly<Record<string, Channel>> = { sms: 'sms', call: 'voice', whatsapp: 'whatsapp' };
/** Accepted by Twilio but not simulated here. */
const OTHER_CHANNELS = new Set(['email', 'sna', 'auto']);
const LOCALES = new Set([
  'af',
  'ar',
  'ca',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'en-gb',
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
  'pt-br',
  'pr-br',
  'ro',
  'ru',
  'sv',
  'th',
  'tl',
  'tr',
  'vi',
  'zh',
  'zh-cn',
  'zh-hk',
]);
const E164 = /^\+[1-9]\d{6,14}$/;

type Status = 'pending' | 'approved' | 'canceled' | 'max_attempts_reached' | 'expired';

interface Verification {
  sid: string;
  to: string;
  channel: string;
  status: Status;
  code: string;
  createdAt: number;
  updatedAt: number;
  checks: number;
  sendAttempts: Array<{ time: number; channel: string; attempt_sid: string }>;
}

const newSid = (prefix: string): string => prefix + randomBytes(16).toString('hex');
/** Twilio's timestamps: ISO 8601 in UTC without fractions. */
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function twilioError(status: number, code: number, message: string): SandboxResponse {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

const invalid = (parameter: string, detail = ''): SandboxResponse =>
  twilioError(400, 60200, `Invalid parameter \`${parameter}\`${detail ? `: ${detail}` : ''}`);

/** A faithful stand-in for `https://verify.twilio.com/v2` (Verifications, VerificationCheck). */
export class TwilioSandbox extends ProviderSandbox {
  readonly serviceSid: string;
  readonly accountSid: string;
  readonly #authToken: string;
  readonly #codeLength: number;
  readonly #friendlyName: string;
  readonly #maxChecks: number;
  readonly #maxSends: number;
  /** Live verifications by SID; finished ones are deleted (Twilio answers 20404 for them). */
  readonly #verifications = new Map<string, Verification>();
  /** Send times per number within the window, cleared by an approval. */
  readonly #sends = new Map<string, number[]>();

  constructor(options: TwilioSandboxOptions) {
    super(options);
    this.accountSid = options.accountSid;
    this.#authToken = options.authToken;
    this.serviceSid = options.serviceSid ?? newSid('VA');
    this.#codeLength = options.codeLength ?? 6;
    if (!Number.isInteger(this.#codeLength) || this.#codeLength < 4 || this.#codeLength > 10) {
      throw new RangeError('TwilioSandbox: codeLength is a Service CodeLength, 4 to 10');
    }
    this.#friendlyName = options.friendlyName ?? 'phone-verify';
    this.#maxChecks = options.maxChecks ?? 5;
    this.#maxSends = options.maxSends ?? 5;
  }

  protected errorBody(status: number, message: string): unknown {
    // 20429 "Too many requests" and 20500 "Internal server error" are Twilio's generic codes.
    return twilioError(status, status === 429 ? 20429 : 20500, message).body;
  }

  /** Finished verifications are soft-deleted: gone from every later lookup. */
  protected override tick(): void {
    const now = this.clock();
    for (const [key, v] of this.#verifications) {
      if (now >= v.createdAt + VALIDITY_MS) {
        v.status = 'expired';
        this.#verifications.delete(key);
      }
    }
  }

  protected route(req: SandboxRequest): SandboxResponse {
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials || credentials.user !== this.accountSid || credentials.password !== this.#authToken) {
      return twilioError(401, 20003, 'Authenticate');
    }
    const notFound = twilioError(404, 20404, `The requested resource ${req.path.replace(/^\/v2/, '')} was not found`);
    const m = /^\/v2\/Services\/([^/]+)(\/.*)$/.exec(req.path);
    if (!m || m[1] !== this.serviceSid) return notFound;
    const rest = m[2]!;
    // Only form fields are parameters: a JSON body carries none (so the required ones are "invalid").
    const params = req.contentType === 'application/x-www-form-urlencoded' ? new URLSearchParams(req.raw) : new URLSearchParams();
    if (rest === '/Verifications' && req.method === 'POST') return this.#create(params);
    if (rest === '/VerificationCheck' && req.method === 'POST') return this.#check(params, notFound);
    const one = /^\/Verifications\/([^/]+)$/.exec(rest);
    if (one) {
      const v = this.#verifications.get(one[1]!);
      if (!v) return notFound;
      if (req.method === 'GET') return { status: 200, body: this.#view(v) };
      if (req.method === 'POST') return this.#update(v, params);
    }
    return notFound;
  }

  #pendingFor(to: string): Verification | undefined {
    for (const v of this.#verifications.values()) if (v.to === to) return v;
    return undefined;
  }

  #create(p: URLSearchParams): SandboxResponse {
    const to = p.get('To');
    if (!to || !E164.test(to)) return invalid('To', to ?? '');
    const channelName = p.get('Channel') ?? '';
    if (OTHER_CHANNELS.has(channelName)) return invalid('Channel', `${channelName} is not simulated by this sandbox`);
    const channel = CHANNELS[channelName];
    if (!channel) return invalid('Channel', channelName);
    const locale = p.get('Locale');
    // UNCONFIRMED: whether an unknown Locale is refused (60200) or ignored; refused here.
    if (locale !== null && !LOCALES.has(locale.toLowerCase())) return invalid('Locale', locale);
    // UNCONFIRMED code: a custom code needs CustomCodeEnabled on the Service, which this one has not.
    if (p.has('CustomCode')) return invalid('CustomCode', 'custom codes are not enabled for this Service');

    const now = this.clock();
    const sends = (this.#sends.get(to) ?? []).filter((t) => now - t < SEND_WINDOW_MS);
    this.#sends.set(to, sends);
    if (sends.length >= this.#maxSends) return twilioError(429, 60203, 'Max send attempts reached');

    // A repeat create within the validity is the same verification: same SID, same code, resent.
    let v = this.#pendingFor(to);
    if (!v) {
      v = {
        sid: newSid('VE'),
        to,
        channel: channelName,
        status: 'pending',
        code: this.generateCode(this.#codeLength),
        createdAt: now,
        updatedAt: now,
        checks: 0,
        sendAttempts: [],
      };
      this.#verifications.set(v.sid, v);
    }
    v.channel = channelName;
    v.updatedAt = now;
    v.sendAttempts.push({ time: now, channel: channelName, attempt_sid: newSid('VL') });
    sends.push(now);
    const words = `Your ${this.#friendlyName} verification code is: ${v.code}`;
    this.deliver({ to, channel, text: channel === 'voice' ? `[call] ${words}` : words, at: now });
    return { status: 201, body: this.#view(v) };
  }

  #check(p: URLSearchParams, notFound: SandboxResponse): SandboxResponse {
    const code = p.get('Code');
    if (!code || code.length < 4 || code.length > 10) return invalid('Code', 'must be 4 to 10 characters');
    const to = p.get('To');
    const verificationSid = p.get('VerificationSid');
    if ((to === null) === (verificationSid === null)) return twilioError(400, 60200, 'Invalid parameter: either To or VerificationSid must be specified');
    const v = verificationSid !== null ? this.#verifications.get(verificationSid) : this.#pendingFor(to!);
    if (!v) return notFound;
    const now = this.clock();
    if (v.checks >= this.#maxChecks) {
      // The check after the last allowed one: refused, and the verification is deleted (then 20404).
      v.status = 'max_attempts_reached';
      this.#verifications.delete(v.sid);
      return twilioError(429, 60202, 'Max check attempts reached');
    }
    v.checks += 1;
    v.updatedAt = now;
    if (code === v.code) {
      v.status = 'approved';
      this.#verifications.delete(v.sid);
      // Completion ends the send limit for the number.
      this.#sends.delete(v.to);
    }
    // A wrong code: 200 with status "pending" and valid false.
    return { status: 200, body: this.#checkView(v) };
  }

  #update(v: Verification, p: URLSearchParams): SandboxResponse {
    const status = p.get('Status');
    if (status === 'canceled') {
      v.status = 'canceled';
      v.updatedAt = this.clock();
      this.#verifications.delete(v.sid);
      return { status: 200, body: this.#view(v) };
    }
    // `approved` is only for custom-code verifications, which this Service does not allow (UNCONFIRMED code).
    return invalid('Status', status ?? '');
  }

  #common(v: Verification): Record<string, unknown> {
    return {
      sid: v.sid,
      service_sid: this.serviceSid,
      account_sid: this.accountSid.startsWith('AC') ? this.accountSid : 'AC' + '0'.repeat(32),
      to: v.to,
      channel: v.channel,
      status: v.status,
      valid: v.status === 'approved',
      amount: null,
      payee: null,
      date_created: stamp(v.createdAt),
      date_updated: stamp(v.updatedAt),
      sna: null,
    };
  }

  #view(v: Verification): Record<string, unknown> {
    return {
      ...this.#common(v),
      lookup: { carrier: null },
      send_code_attempts: v.sendAttempts.map((a) => ({ ...a, time: stamp(a.time) })),
      url: `https://verify.twilio.com/v2/Services/${this.serviceSid}/Verifications/${v.sid}`,
    };
  }

  #checkView(v: Verification): Record<string, unknown> {
    return { ...this.#common(v), sna_attempts_error_codes: [] };
  }
}
