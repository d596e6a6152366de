// server-plugin/src/testing/textmagic.ts
// A Textmagic Verify sandbox: start (POST), check (PUT), cancel (DELETE) under
// /api/v2/verify, the seven workflows stepping every 60 s, 300 s validity, 409 for a
// second live verification to a number, and no cancel in the first 30 s.

import { randomUUID } from 'node:crypto';
import type { Channel } from '../protocol.js';
import { basicCredentials, isRecord, parseJson, ProviderSandbox, type SandboxOptions, type SandboxRequest, type SandboxResponse } from './sandbox.js';

export interface TextmagicSandboxOptions extends SandboxOptions {
  /** The account username (HTTP Basic user, or `X-TM-Username`). */
  username: string;
  /** The API key (HTTP Basic password, or `X-TM-Key`). */
  apiKey: string;
  /**
   * Wrong codes after which a verification is closed (later checks answer 404).
   * Textmagic's limit is UNCONFIRMED, so by default there is none.
   */
  maxAttempts?: number;
}

/** The steps of each workflow, 60 s apart. */
const WORKFLOWS: Record<string, readonly Channel[]> = {
  '1': ['sms', 'voice', 'voice'],
  '2': ['sms', 'sms', 'voice'],
  '3': ['voice', 'voice'],
  '4': ['sms', 'sms'],
  '5': ['sms', 'voice'],
  '6': ['sms'],
  '7': ['voice'],
};
const LANGUAGES = new Set([
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
]);
const STEP_MS = 60_000;
const TTL_MS = 300_000;
const CANCEL_AFTER_MS = 30_000;

interface TextmagicVerification {
  verifyId: string;
  /** E.164 with '+'. */
  to: string;
  brand: string;
  code: string;
  steps: readonly Channel[];
  /** Steps delivered so far. */
  sent: number;
  createdAt: number;
  state: 'live' | 'verified' | 'cancelled' | 'closed';
  wrongCodes: number;
}

const error = (status: number, message: string): SandboxResponse => ({ status, body: { code: status, message } });

function validationFailed(fields: Record<string, string[]>, common: string[] = []): SandboxResponse {
  return { status: 400, body: { code: 400, message: 'Validation Failed', errors: { common, fields } } };
}

/** A faithful stand-in for `https://rest.textmagic.com` Verify. */
export class TextmagicSandbox extends ProviderSandbox {
  readonly #username: string;
  readonly #apiKey: string;
  readonly #maxAttempts: number;
  readonly #verifications = new Map<string, TextmagicVerification>();

  constructor(options: TextmagicSandboxOptions) {
    super(options);
    this.#username = options.username;
    this.#apiKey = options.apiKey;
    this.#maxAttempts = options.maxAttempts ?? Infinity;
  }

  protected errorBody(status: number, message: string): unknown {
    return { code: status, message };
  }

  /** Deliver every workflow step the clock has made due, in time order. */
  protected override tick(): void {
    const now = this.clock();
    const due: Array<{ v: TextmagicVerification; at: number; channel: Channel }> = [];
    for (const v of this.#verifications.values()) {
      while (v.state === 'live' && v.sent < v.steps.length) {
        const at = v.createdAt + v.sent * STEP_MS;
        if (at > now || at >= v.createdAt + TTL_MS) break;
        due.push({ v, at, channel: v.steps[v.sent]! });
        v.sent += 1;
      }
    }
    due.sort((a, b) => a.at - b.at);
    for (const { v, at, channel } of due) {
      const text = channel === 'voice' ? `[call] Your ${v.brand} PIN is ${v.code}. Again: ${v.code}.` : `Your ${v.brand} PIN is ${v.code}`;
      this.deliver({ to: v.to, channel, text, at });
    }
  }

  protected route(req: SandboxRequest): SandboxResponse {
    if (!this.#authorized(req)) return error(401, 'Wrong username and token combination.');
    if (req.path === '/api/v2/verify' && req.method === 'POST') return this.#start(req);
    if (req.path === '/api/v2/verify' && req.method === 'PUT') return this.#check(req);
    const m = /^\/api\/v2\/verify\/([^/]+)$/.exec(req.path);
    if (m && req.method === 'DELETE') return this.#cancel(m[1]!);
    return error(404, 'Resource does not exist.');
  }

  #authorized(req: SandboxRequest): boolean {
    const basic = basicCredentials(req.headers.authorization);
    if (basic) return basic.user === this.#username && basic.password === this.#apiKey;
    return req.headers['x-tm-username'] === this.#username && req.headers['x-tm-key'] === this.#apiKey;
  }

  /** The JSON object body, or undefined (`consumes: application/json`; form bodies are UNCONFIRMED, so refused). */
  #json(req: SandboxRequest): Record<string, unknown> | undefined {
    const body = req.contentType === 'application/json' ? parseJson(req.raw) : undefined;
    return isRecord(body) ? body : undefined;
  }

  #live(v: TextmagicVerification): boolean {
    return v.state === 'live' && this.clock() < v.createdAt + TTL_MS;
  }

  #start(req: SandboxRequest): SandboxResponse {
    const body = this.#json(req);
    if (!body) return validationFailed({}, ['The request body must be a JSON object.']);
    const fields: Record<string, string[]> = {};
    const { phone, brand, codeLength, workflowId, language, country, senderId } = body;
    const local = typeof country === 'string';
    if (phone === undefined || phone === '') fields.phone = ['This value should not be blank.'];
    else if (typeof phone !== 'string' || !(local ? /^\d{4,15}$/ : /^[1-9]\d{6,14}$/).test(phone)) {
      fields.phone = ['Phone number must be in international E.164 format (digits, no "+"), or local with country.'];
    }
    if (brand === undefined || brand === '') fields.brand = ['This value should not be blank.'];
    else if (typeof brand !== 'string' || brand.length > 18 || !/^[A-Za-z0-9 ]+$/.test(brand))
      fields.brand = ['Brand must be up to 18 alphanumeric characters.'];
    if (codeLength === undefined) fields.codeLength = ['This value should not be blank.'];
    else if (codeLength !== 4 && codeLength !== 6) fields.codeLength = ['Code length must be 4 or 6.'];
    if (workflowId !== undefined && !WORKFLOWS[String(workflowId)]) fields.workflowId = ['Workflow must be one of 1 to 7.'];
    if (language !== undefined && !(typeof language === 'string' && LANGUAGES.has(language))) fields.language = ['Unsupported language.'];
    if (country !== undefined && !(typeof country === 'string' && /^[A-Z]{2}$/.test(country))) fields.country = ['Country must be a 2-letter ISO code.'];
    if (senderId !== undefined && typeof senderId !== 'string') fields.senderId = ['Sender id must be a string.'];
    if (Object.keys(fields).length) return validationFailed(fields);

    const to = `+${phone as string}`;
    for (const v of this.#verifications.values()) {
      if (v.to === to && this.#live(v)) {
        // 409 body shape UNCONFIRMED; the generic {code, message} is the likely one.
        return error(409, 'Verification for this phone number is already in progress.');
      }
    }
    const v: TextmagicVerification = {
      verifyId: randomUUID(),
      to,
      brand: brand as string,
      code: this.generateCode(codeLength as number),
      steps: WORKFLOWS[String(workflowId ?? '1')]!,
      sent: 0,
      createdAt: this.clock(),
      state: 'live',
      wrongCodes: 0,
    };
    this.#verifications.set(v.verifyId, v);
    this.tick();
    return { status: 200, body: { verifyId: v.verifyId, price: 0.05 } };
  }

  #check(req: SandboxRequest): SandboxResponse {
    const body = this.#json(req);
    if (!body) return validationFailed({}, ['The request body must be a JSON object.']);
    const { code, verifyId } = body;
    const fields: Record<string, string[]> = {};
    // The spec types code as an integer; a digit string is taken too. An integer carries
    // no leading zeros, so 012345 sent as 12345 does not match: that loss is modelled.
    if (code === undefined || code === '') fields.code = ['This value should not be blank.'];
    else if (!(Number.isInteger(code) || (typeof code === 'string' && /^\d+$/.test(code)))) fields.code = ['This value should be of type integer.'];
    if (verifyId === undefined || verifyId === '') fields.verifyId = ['This value should not be blank.'];
    if (Object.keys(fields).length) return validationFailed(fields);
    const v = this.#verifications.get(String(verifyId));
    // UNCONFIRMED: unknown, expired, cancelled and used verifications all answer 404 here.
    if (!v || !this.#live(v)) return error(404, 'Resource does not exist.');
    if (String(code) === v.code) {
      v.state = 'verified';
      return { status: 204 };
    }
    v.wrongCodes += 1;
    if (v.wrongCodes >= this.#maxAttempts) v.state = 'closed';
    // UNCONFIRMED: a wrong code as a 400 validation error on `code`.
    return validationFailed({ code: ['Invalid verification code.'] });
  }

  #cancel(verifyId: string): SandboxResponse {
    const v = this.#verifications.get(verifyId);
    if (!v || !this.#live(v)) return error(404, 'Resource does not exist.');
    if (this.clock() - v.createdAt < CANCEL_AFTER_MS) {
      // UNCONFIRMED status for a too-early cancel; 400 is the only client error the spec lists besides 401/404/429.
      return {
        status: 400,
        body: {
          code: 400,
          message: 'Verification can be cancelled not earlier than 30 seconds after the initial request.',
          errors: { common: ['Too early to cancel.'], fields: {} },
        },
      };
    }
    v.state = 'cancelled';
    return { status: 204 };
  }
}
