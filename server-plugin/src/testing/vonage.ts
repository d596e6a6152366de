// server-plugin/src/testing/vonage.ts
// A Vonage Verify v2 sandbox: POST /v2/verify (202), check POST /v2/verify/{id} (200,
// 400 invalid-code, 410 after too many wrong codes, 404 once gone), next_workflow,
// DELETE (204), 409 concurrent for a second live request to a number, workflow steps
// every channel_timeout, and RFC 7807 problem+json errors.

import { randomUUID } from 'node:crypto';
import type { Channel } from '../protocol.js';
import { basicCredentials, isRecord, parseJson, ProviderSandbox, type SandboxOptions, type SandboxRequest, type SandboxResponse } from './sandbox.js';
import { VonageJwtVerifier, type VonageApplication } from './vonage-jwt.js';

export interface VonageSandboxOptions extends SandboxOptions {
  /** The account API key (HTTP Basic user). */
  apiKey: string;
  /** The account API secret (HTTP Basic password). */
  apiSecret: string;
  /**
   * Wrong codes that terminate a request: the one that reaches it answers 410 `expired`
   * ("workflow terminated"), and so does every check after. UNCONFIRMED for v2; legacy v1
   * allowed 3 checks per PIN, hence the default 3.
   */
  maxChecks?: number;
  /**
   * An application whose JWTs are accepted besides Basic (`Authorization: Bearer <JWT>`):
   * RS256, signed with the key pair's private half, `application_id` equal to `id`,
   * `iat`/`exp` in time, a `jti` never seen before. Anything else is a 401.
   */
  application?: VonageApplication;
}

const PROBLEM_JSON = 'application/problem+json';
/** Generic problem types live under this URL; Verify's own under `/verify-v2` (that prefix is UNCONFIRMED). */
const ERRORS_URL = 'https://developer.vonage.com/api-errors';
const VERIFY_TYPES = new Set(['invalid-code', 'expired', 'no-code', 'concurrent', 'no-events']);
const TITLES: Record<number, string> = {
  400: 'Invalid Code',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  422: 'Invalid params',
  429: 'Rate Limit Hit',
  500: 'Internal Server Error',
};

/** Channels that carry a code, and what our outbox calls them. */
const CODE_CHANNELS: Record<string, Channel> = { sms: 'sms', voice: 'voice', whatsapp: 'whatsapp' };
/**
 * Accepted without a code, so `409 no-code` can be met; nothing is delivered for them
 * (the outbox holds messages with codes). email, silent_auth and rcs are not simulated.
 */
const CODELESS = new Set(['whatsapp_interactive']);
const LOCALES = new Set(['en-us', 'en-gb', 'es-es', 'es-mx', 'es-us', 'it-it', 'fr-fr', 'de-de', 'ru-ru', 'hi-in', 'pt-br', 'pt-pt', 'id-id']);
/** E.164 digits without '+' ("don't use a leading + or 00", Java SDK). A '+' is refused here, as the strictest reading. */
const MSISDN = /^[1-9]\d{6,14}$/;

interface Step {
  channel: string;
  /** Digits, no '+'. */
  to: string;
  from?: string;
}

interface VonageRequest {
  requestId: string;
  brand: string;
  /** null for an all-codeless workflow. */
  code: string | null;
  steps: Step[];
  /** The step sent most recently. */
  step: number;
  /** When that step was sent. */
  stepAt: number;
  timeoutMs: number;
  locale: string;
  state: 'live' | 'completed' | 'cancelled' | 'expired' | 'failed';
  wrongCodes: number;
}

/** An RFC 7807 body in Vonage's shape. */
export function problem(status: number, type: string, detail: string, extra: Record<string, unknown> = {}): SandboxResponse {
  const url = VERIFY_TYPES.has(type) ? `${ERRORS_URL}/verify-v2#${type}` : `${ERRORS_URL}#${type}`;
  return {
    status,
    body: { type: url, title: TITLES[status] ?? 'Error', detail, instance: randomUUID().replace(/-/g, ''), ...extra },
    headers: { 'content-type': PROBLEM_JSON },
  };
}

const invalidParams = (name: string, reason: string): SandboxResponse =>
  problem(422, 'invalid-params', `Invalid value for ${name}`, { invalid_parameters: [{ name, reason }] });

/** A faithful stand-in for `https://api.nexmo.com/v2/verify`. */
export class VonageSandbox extends ProviderSandbox {
  readonly #apiKey: string;
  readonly #apiSecret: string;
  readonly #maxChecks: number;
  readonly #requests = new Map<string, VonageRequest>();
  readonly #jwt: VonageJwtVerifier | undefined;

  constructor(options: VonageSandboxOptions) {
    super(options);
    this.#apiKey = options.apiKey;
    this.#apiSecret = options.apiSecret;
    this.#maxChecks = options.maxChecks ?? 3;
    if (!(Number.isInteger(this.#maxChecks) && this.#maxChecks >= 1)) throw new RangeError('maxChecks must be a positive integer');
    this.#jwt = options.application ? new VonageJwtVerifier(options.application, this.clock) : undefined;
  }

  /** Vonage answers every error as RFC 7807 `application/problem+json`, injected faults included. */
  protected override errorContentType = PROBLEM_JSON;

  protected errorBody(status: number, message: string): unknown {
    if (status === 429) return problem(429, 'throttled', 'Please wait, then retry your request').body;
    // The type of a Vonage 500 is UNCONFIRMED.
    return problem(status, 'internal-error', message).body;
  }

  /** Send every step the clock has made due (each waits channel_timeout after the one before); expire after the last. */
  protected override tick(): void {
    const now = this.clock();
    const due: Array<{ r: VonageRequest; at: number }> = [];
    for (const r of this.#requests.values()) {
      while (r.state === 'live' && now >= r.stepAt + r.timeoutMs) {
        if (r.step + 1 >= r.steps.length) {
          r.state = 'expired';
          break;
        }
        r.step += 1;
        r.stepAt += r.timeoutMs;
        due.push({ r, at: r.stepAt });
      }
    }
    due.sort((a, b) => a.at - b.at);
    for (const { r, at } of due) this.#send(r, at);
  }

  protected route(req: SandboxRequest): SandboxResponse {
    const refused = this.#authProblem(req.headers.authorization);
    if (refused) return refused;
    if (req.path === '/v2/verify' && req.method === 'POST') return this.#start(req);
    let m = /^\/v2\/verify\/([^/]+)$/.exec(req.path);
    if (m && req.method === 'POST') return this.#check(m[1]!, req);
    if (m && req.method === 'DELETE') return this.#cancel(m[1]!);
    m = /^\/v2\/verify\/([^/]+)\/next_workflow$/.exec(req.path);
    if (m && req.method === 'POST') return this.#next(m[1]!);
    return problem(404, 'not-found', 'The requested resource does not exist.');
  }

  /**
   * Basic `api_key:api_secret`, or a Bearer JWT of the configured application. The 401
   * says why a token was refused (UNCONFIRMED: Vonage's own wording; the problem type is
   * its generic `unauthorized`).
   */
  #authProblem(authorization: string | undefined): SandboxResponse | undefined {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (bearer) {
      const why = this.#jwt ? this.#jwt.check(bearer[1]!) : 'application (JWT) auth is not set up for this account';
      return why === undefined ? undefined : problem(401, 'unauthorized', `You did not provide correct credentials: ${why}.`);
    }
    const basic = basicCredentials(authorization);
    if (!basic || basic.user !== this.#apiKey || basic.password !== this.#apiSecret) {
      return problem(401, 'unauthorized', 'You did not provide correct credentials.');
    }
    return undefined;
  }

  /** The JSON object body, or undefined. */
  #json(req: SandboxRequest): Record<string, unknown> | undefined {
    const body = req.contentType === 'application/json' ? parseJson(req.raw) : undefined;
    return isRecord(body) ? body : undefined;
  }

  #notFound(id: string): SandboxResponse {
    return problem(404, 'not-found', `Request ${id} was not found or it has been verified already.`);
  }

  #send(r: VonageRequest, at: number): void {
    const step = r.steps[r.step]!;
    const channel = CODE_CHANNELS[step.channel];
    if (!channel || r.code === null) return;
    const text =
      channel === 'voice'
        ? `[call] Your ${r.brand} verification code is ${r.code}. Again: ${r.code}.`
        : `${channel === 'whatsapp' ? '[whatsapp] ' : ''}Your ${r.brand} verification code is: ${r.code}`;
    this.deliver({ to: `+${step.to}`, channel, text, at });
  }

  #start(req: SandboxRequest): SandboxResponse {
    const body = this.#json(req);
    // UNCONFIRMED: how Vonage answers a body that is not a JSON object; 422 is its "invalid params".
    if (!body) return problem(422, 'invalid-params', 'The request body must be a JSON object.');
    const { brand, workflow, locale, channel_timeout: channelTimeout, code_length: codeLength, code, fraud_check: fraudCheck, client_ref: clientRef } = body;
    if (typeof brand !== 'string' || brand.trim() === '') return invalidParams('brand', 'Brand is required.');
    if (!Array.isArray(workflow) || workflow.length === 0) return invalidParams('workflow', 'At least one workflow is required.');
    const steps: Step[] = [];
    for (const [i, entry] of workflow.entries()) {
      if (!isRecord(entry)) return invalidParams(`workflow[${i}]`, 'Each workflow must be an object.');
      const { channel, to, from } = entry;
      if (typeof channel !== 'string' || !(channel in CODE_CHANNELS || CODELESS.has(channel))) {
        return invalidParams(`workflow[${i}].channel`, 'Channel must be sms, voice, whatsapp or whatsapp_interactive (others are not simulated).');
      }
      if (typeof to !== 'string' || !MSISDN.test(to)) return invalidParams(`workflow[${i}].to`, 'Invalid phone number: E.164 digits, no leading + or 00.');
      if (from !== undefined && typeof from !== 'string') return invalidParams(`workflow[${i}].from`, 'From must be a string.');
      // UNCONFIRMED: the SMS sender rules; the usual ones (up to 11 letters/digits, or a number) are modelled.
      if (channel === 'sms' && from !== undefined && !(/^[A-Za-z0-9 ]{1,11}$/.test(from) || /^[1-9]\d{6,14}$/.test(from))) {
        return invalidParams(`workflow[${i}].from`, 'From must be up to 11 letters and digits, or a number.');
      }
      // UNCONFIRMED: WhatsApp needs the business number as `from`; we assume required.
      if (channel.startsWith('whatsapp') && !from) return invalidParams(`workflow[${i}].from`, 'From is required for WhatsApp.');
      steps.push(from === undefined ? { channel, to } : { channel, to, from });
    }
    const codeless = steps.some((s) => CODELESS.has(s.channel));
    // Old spec (v0.0.15): channel_timeout 60–900, default 300. The Java SDK allows 15–900.
    if (channelTimeout !== undefined && !(Number.isInteger(channelTimeout) && (channelTimeout as number) >= 60 && (channelTimeout as number) <= 900)) {
      return invalidParams('channel_timeout', 'channel_timeout must be an integer from 60 to 900.');
    }
    if (codeLength !== undefined && !(Number.isInteger(codeLength) && (codeLength as number) >= 4 && (codeLength as number) <= 10)) {
      return invalidParams('code_length', 'code_length must be an integer from 4 to 10.');
    }
    if (code !== undefined && !(typeof code === 'string' && /^[A-Za-z0-9]{4,10}$/.test(code)))
      return invalidParams('code', 'code must be 4 to 10 letters or digits.');
    if (typeof code === 'string' && codeLength !== undefined && code.length !== codeLength)
      return invalidParams('code', 'code must be code_length characters long.');
    // UNCONFIRMED reading: a workflow with a codeless step takes neither code nor code_length.
    if (codeless && (code !== undefined || codeLength !== undefined)) return invalidParams('code_length', 'Codeless workflows take no code or code_length.');
    if (locale !== undefined && !(typeof locale === 'string' && LOCALES.has(locale))) return invalidParams('locale', 'Unsupported locale.');
    if (fraudCheck !== undefined && typeof fraudCheck !== 'boolean') return invalidParams('fraud_check', 'fraud_check must be a boolean.');
    if (clientRef !== undefined && typeof clientRef !== 'string') return invalidParams('client_ref', 'client_ref must be a string.');

    const numbers = new Set(steps.map((s) => s.to));
    for (const other of this.#requests.values()) {
      if (other.state === 'live' && other.steps.some((s) => numbers.has(s.to))) {
        return problem(409, 'concurrent', 'Concurrent verifications to the same number are not allowed.', { request_id: other.requestId });
      }
    }
    const allCodeless = steps.every((s) => CODELESS.has(s.channel));
    const r: VonageRequest = {
      requestId: randomUUID(),
      brand,
      code: allCodeless ? null : typeof code === 'string' ? code : this.generateCode((codeLength as number | undefined) ?? 4),
      steps,
      step: 0,
      stepAt: this.clock(),
      timeoutMs: ((channelTimeout as number | undefined) ?? 300) * 1000,
      locale: (locale as string | undefined) ?? 'en-us',
      state: 'live',
      wrongCodes: 0,
    };
    this.#requests.set(r.requestId, r);
    this.#send(r, r.stepAt);
    // check_url only comes with silent auth, which is not simulated.
    return { status: 202, body: { request_id: r.requestId } };
  }

  #check(id: string, req: SandboxRequest): SandboxResponse {
    const r = this.#requests.get(id);
    if (r?.state === 'failed') return problem(410, 'expired', 'An incorrect code has been provided too many times. Workflow terminated.');
    if (!r || r.state !== 'live') return this.#notFound(id);
    const body = this.#json(req);
    const code = body?.code;
    if (typeof code !== 'string' || !/^[A-Za-z0-9]{4,10}$/.test(code)) return invalidParams('code', 'code must be 4 to 10 letters or digits.');
    if (r.code === null || CODELESS.has(r.steps[r.step]!.channel)) {
      return problem(409, 'no-code', 'The current Verify workflow step does not support a code.');
    }
    if (code === r.code) {
      r.state = 'completed';
      return { status: 200, body: { request_id: r.requestId, status: 'completed' } };
    }
    r.wrongCodes += 1;
    if (r.wrongCodes >= this.#maxChecks) {
      r.state = 'failed';
      return problem(410, 'expired', 'An incorrect code has been provided too many times. Workflow terminated.');
    }
    return problem(400, 'invalid-code', 'The code you provided does not match the expected value.');
  }

  #next(id: string): SandboxResponse {
    const r = this.#requests.get(id);
    if (!r || r.state !== 'live') return this.#notFound(id);
    // The problem type of this 409 is UNCONFIRMED; `no-events` is the likeliest of Verify's.
    if (r.step + 1 >= r.steps.length) return problem(409, 'no-events', 'There are no more events left to trigger.');
    r.step += 1;
    r.stepAt = this.clock();
    this.#send(r, r.stepAt);
    return { status: 200 };
  }

  #cancel(id: string): SandboxResponse {
    const r = this.#requests.get(id);
    if (!r || r.state !== 'live') return this.#notFound(id);
    r.state = 'cancelled';
    return { status: 204 };
  }
}
