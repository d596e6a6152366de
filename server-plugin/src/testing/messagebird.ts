// server-plugin/src/testing/messagebird.ts
// A MessageBird Verify sandbox: Verify objects created by POST /verify (JSON or form),
// checked with GET ?token= (an empty token is a plain read), deleted with DELETE.

import { randomBytes } from 'node:crypto';
import type { Channel } from '../protocol.js';
import { isRecord, parseJson, ProviderSandbox, type SandboxOptions, type SandboxRequest, type SandboxResponse } from './sandbox.js';

export interface MessagebirdSandboxOptions extends SandboxOptions {
  /** The only access key accepted (`Authorization: AccessKey …`). */
  accessKey: string;
}

type VerifyStatus = 'sent' | 'expired' | 'failed' | 'verified' | 'deleted';

interface VerifyObject {
  id: string;
  recipient: string;
  originator: string;
  reference: string | null;
  type: 'sms' | 'flash' | 'tts';
  status: VerifyStatus;
  createdAt: number;
  validUntil: number;
  maxAttempts: number;
  attempts: number;
  token: string;
  messageId: string;
}

const LANGUAGES = new Set([
  'cy-gb',
  'da-dk',
  'de-de',
  'el-gr',
  'en-au',
  'en-gb',
  'en-gb-wls',
  'en-in',
  'en-us',
  'es-es',
  'es-mx',
  'es-us',
  'fr-ca',
  'fr-fr',
  'id-id',
  'is-is',
  'it-it',
  'ja-jp',
  'ko-kr',
  'ms-my',
  'nb-no',
  'nl-nl',
  'pl-pl',
  'pt-br',
  'pt-pt',
  'ro-ro',
  'ru-ru',
  'sv-se',
  'ta-in',
  'th-th',
  'tr-tr',
  'vi-vn',
  'zh-cn',
  'zh-hk',
]);

/** RFC 3339 without fractions, as MessageBird writes it: 2016-05-03T14:26:57+00:00. */
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

function mbError(status: number, code: number, description: string, parameter?: string): SandboxResponse {
  const error: Record<string, unknown> = { code, description };
  if (parameter) error.parameter = parameter;
  return { status, body: { errors: [error] } };
}

/** An integer parameter from JSON (number) or a form (digits). */
function integer(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** A faithful stand-in for `https://rest.messagebird.com` Verify. */
export class MessagebirdSandbox extends ProviderSandbox {
  readonly #accessKey: string;
  readonly #objects = new Map<string, VerifyObject>();

  constructor(options: MessagebirdSandboxOptions) {
    super(options);
    this.#accessKey = options.accessKey;
  }

  protected errorBody(status: number, message: string): unknown {
    return { errors: [{ code: status === 429 ? 429 : 1, description: message }] };
  }

  protected route(req: SandboxRequest): SandboxResponse {
    if (req.headers.authorization !== `AccessKey ${this.#accessKey}`) {
      return mbError(401, 2, 'Request not allowed (incorrect access_key)', 'access_key');
    }
    // "_method" in the query overrides the verb.
    const method = (req.query.get('_method') ?? req.method).toUpperCase();
    if (req.path === '/verify' && method === 'POST') return this.#create(req);
    const m = /^\/verify\/([^/]+)$/.exec(req.path);
    if (m && method === 'GET') return this.#read(m[1]!, req.query.get('token'));
    if (m && method === 'DELETE') return this.#delete(m[1]!);
    return mbError(404, 20, 'Not found');
  }

  /** JSON (as the Node SDK sends) or form fields (as the docs' curl sends). */
  #params(req: SandboxRequest): Record<string, unknown> | undefined {
    if (req.contentType === 'application/json') {
      const body = parseJson(req.raw);
      return isRecord(body) ? body : undefined;
    }
    if (req.contentType === 'application/x-www-form-urlencoded' || req.contentType === '') {
      return Object.fromEntries(new URLSearchParams(req.raw));
    }
    return undefined;
  }

  #create(req: SandboxRequest): SandboxResponse {
    const p = this.#params(req);
    if (!p) return mbError(422, 10, 'The request body must be JSON or form fields');
    const recipient = typeof p.recipient === 'number' ? String(p.recipient) : p.recipient;
    if (recipient === undefined || recipient === '') return mbError(422, 9, 'no (correct) recipients found', 'recipient');
    if (typeof recipient !== 'string' || !/^[1-9]\d{6,14}$/.test(recipient)) return mbError(422, 10, 'recipient is not a valid msisdn', 'recipient');
    const type = p.type ?? 'sms';
    if (type === 'email') return mbError(422, 10, 'email is not simulated by this sandbox', 'type');
    if (type !== 'sms' && type !== 'flash' && type !== 'tts') return mbError(422, 10, 'type must be sms, flash, tts or email', 'type');
    const originator = p.originator ?? 'Code';
    if (typeof originator !== 'string' || !(/^[A-Za-z0-9 ]{1,11}$/.test(originator) || /^\+?\d{1,16}$/.test(originator))) {
      return mbError(422, 10, 'originator must be up to 11 alphanumeric characters or a phone number', 'originator');
    }
    const ranges: Array<[string, number, number, number]> = [
      ['timeout', 30, 172_801, 30],
      ['tokenLength', 6, 10, 6],
      ['maxAttempts', 1, 10, 1],
    ];
    const values: Record<string, number> = {};
    for (const [name, min, max, fallback] of ranges) {
      if (p[name] === undefined) {
        values[name] = fallback;
        continue;
      }
      const value = integer(p[name]);
      if (value === undefined || value < min || value > max) return mbError(422, 10, `${name} must be between ${min} and ${max}`, name);
      values[name] = value;
    }
    const template = p.template ?? 'Your code is: %token';
    if (typeof template !== 'string' || !template.includes('%token')) return mbError(422, 10, 'template must contain %token', 'template');
    if (p.reference !== undefined && !(typeof p.reference === 'string' && /^[A-Za-z0-9]+$/.test(p.reference))) {
      return mbError(422, 10, 'reference must be alphanumeric', 'reference');
    }
    if (p.datacoding !== undefined && !['plain', 'unicode', 'auto'].includes(String(p.datacoding)))
      return mbError(422, 10, 'datacoding must be plain, unicode or auto', 'datacoding');
    if (p.voice !== undefined && p.voice !== 'male' && p.voice !== 'female') return mbError(422, 10, 'voice must be male or female', 'voice');
    if (p.language !== undefined && !LANGUAGES.has(String(p.language))) return mbError(422, 10, 'language is not supported', 'language');

    const now = this.clock();
    const object: VerifyObject = {
      id: randomBytes(16).toString('hex'),
      recipient,
      originator,
      reference: typeof p.reference === 'string' ? p.reference : null,
      type,
      status: 'sent',
      createdAt: now,
      validUntil: now + values.timeout! * 1000,
      maxAttempts: values.maxAttempts!,
      attempts: 0,
      token: this.generateCode(values.tokenLength!),
      messageId: randomBytes(16).toString('hex'),
    };
    this.#objects.set(object.id, object);
    const channel: Channel = type === 'tts' ? 'voice' : 'sms';
    const text = template.replace(/%token/g, object.token);
    this.deliver({ to: `+${recipient}`, channel, text: type === 'tts' ? `[call] ${text}` : type === 'flash' ? `[flash] ${text}` : text, at: now });
    // The create status is UNCONFIRMED; 201 Created is the likely one.
    return { status: 201, body: this.#view(object) };
  }

  #read(id: string, token: string | null): SandboxResponse {
    const object = this.#objects.get(id);
    if (!object || object.status === 'deleted') return mbError(404, 20, 'verify object not found', 'id');
    this.#expire(object);
    // An empty token is a plain read: 200 with the current status, never an error (messagebird-nodejs #122).
    if (token === null || token === '') return { status: 200, body: this.#view(object) };
    // UNCONFIRMED from here: the status and error code of each refusal (422, code 10, parameter token).
    if (object.status === 'verified') return mbError(422, 10, 'The token has already been verified', 'token');
    if (object.status === 'expired') return mbError(422, 10, 'The token has expired', 'token');
    if (object.status === 'failed') return mbError(422, 10, 'Too many attempts', 'token');
    if (token === object.token) {
      object.status = 'verified';
      return { status: 200, body: this.#view(object) };
    }
    object.attempts += 1;
    if (object.attempts >= object.maxAttempts) object.status = 'failed';
    return mbError(422, 10, 'The token is invalid', 'token');
  }

  #delete(id: string): SandboxResponse {
    const object = this.#objects.get(id);
    if (!object || object.status === 'deleted') return mbError(404, 20, 'verify object not found', 'id');
    object.status = 'deleted';
    return { status: 204 };
  }

  #expire(object: VerifyObject): void {
    if (object.status === 'sent' && this.clock() >= object.validUntil) object.status = 'expired';
  }

  #view(o: VerifyObject): Record<string, unknown> {
    return {
      id: o.id,
      href: `https://rest.messagebird.com/verify/${o.id}`,
      // A phone recipient comes back as a JSON number.
      recipient: Number(o.recipient),
      originator: o.originator,
      reference: o.reference,
      type: o.type,
      messages: { id: o.messageId, href: `https://rest.messagebird.com/${o.type === 'tts' ? 'voicemessages' : 'messages'}/${o.messageId}` },
      status: o.status,
      createdDatetime: rfc3339(o.createdAt),
      validUntilDatetime: rfc3339(o.validUntil),
    };
  }
}
