// server-plugin/src/testing/telnyx-profiles.ts
// The Telnyx sandbox's verify profiles: `POST/GET /v2/verify_profiles` and
// `GET/PATCH /v2/verify_profiles/{id}`, with the fields of the OpenAPI spec's
// CreateVerifyProfile*Request (sms, call, flashcall, whatsapp), and Telnyx's paging.

import { randomUUID } from 'node:crypto';
import { isRecord, type SandboxRequest, type SandboxResponse } from './sandbox.js';

/** The per-channel settings a profile can have; `null` (or absent) means the channel is not configured. */
export interface TelnyxProfileChannels {
  sms?: TelnyxCodeSettings | null;
  call?: TelnyxCodeSettings | null;
  flashcall?: { default_verification_timeout_secs?: number } | null;
  whatsapp?: TelnyxWhatsappSettings | null;
}

export interface TelnyxCodeSettings {
  messaging_template_id?: string;
  /** The quickstart's (seed 002) inline template, e.g. `"Your code is: {code}"`. */
  messaging_template?: string;
  app_name?: string;
  /** sms only. */
  alpha_sender?: string;
  /** Digits; Telnyx's default is 5. */
  code_length?: number;
  whitelisted_destinations?: string[];
  default_verification_timeout_secs?: number;
}

export interface TelnyxWhatsappSettings {
  /** Shown in the quickstart's (seed 002) request. */
  app_name?: string;
  default_verification_timeout_secs?: number;
  sender_phone_number?: string;
  template_id?: string;
  waba_id?: string;
  whitelisted_destinations?: string[];
}

/** A verify profile as the sandbox keeps it (what GET answers, less the timestamps' formatting). */
export interface TelnyxProfile extends TelnyxProfileChannels {
  id: string;
  name: string;
  language?: string;
  webhook_url?: string;
  webhook_failover_url?: string;
  daily_spend_limit?: string;
  daily_spend_limit_enabled?: boolean;
  createdAt: number;
  updatedAt: number;
}

export type TelnyxProfileChannel = 'sms' | 'call' | 'flashcall' | 'whatsapp';

/** Telnyx's default `code_length` (the OpenAPI spec's default; below NIST's 6). */
export const TELNYX_DEFAULT_CODE_LENGTH = 5;
/** Telnyx's default `default_verification_timeout_secs`. */
export const TELNYX_DEFAULT_TIMEOUT_SECS = 300;

/** `page[size]` default and ceiling. UNCONFIRMED for the verify endpoints: 20 and 250 are Telnyx's usual API-wide paging values. */
export const TELNYX_PAGE_SIZE = 20;
export const TELNYX_MAX_PAGE_SIZE = 250;

const APP_NAME = /^[A-Za-z0-9 -]{1,30}$/;
const ALPHA_SENDER = /^[A-Za-z0-9 ]{1,11}$/;
const ALPHA2 = /^[A-Z]{2}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Telnyx timestamps: ISO without a zone suffix. */
export const telnyxStamp = (ms: number): string => new Date(ms).toISOString().slice(0, -1);

export function telnyxError(status: number, code: string, title: string, detail: string, pointer?: string): SandboxResponse {
  const error: Record<string, unknown> = { code, title, detail, meta: { url: `https://developers.telnyx.com/docs/overview/errors/${code}` } };
  if (pointer) error.source = { pointer };
  return { status, body: { errors: [error] } };
}

const bad = (detail: string, pointer: string): SandboxResponse => telnyxError(400, '10015', 'Bad Request', detail, pointer);

/**
 * Reads `page[number]` and `page[size]` from the query. Returns the page or the 400 for
 * bad values (UNCONFIRMED: Telnyx's answer to an out-of-range page size; 10015 is its
 * generic bad request).
 */
export function readPage(query: URLSearchParams): { number: number; size: number } | SandboxResponse {
  const number = query.get('page[number]') ?? '1';
  const size = query.get('page[size]') ?? String(TELNYX_PAGE_SIZE);
  if (!/^[1-9]\d{0,6}$/.test(number)) return bad('page[number] must be a positive integer.', '/page/number');
  if (!/^[1-9]\d{0,3}$/.test(size) || Number(size) > TELNYX_MAX_PAGE_SIZE) {
    return bad(`page[size] must be an integer from 1 to ${TELNYX_MAX_PAGE_SIZE}.`, '/page/size');
  }
  return { number: Number(number), size: Number(size) };
}

/** One page of `items` in Telnyx's list shape: `{ data, meta: { page_number, page_size, total_pages, total_results } }`. */
export function paged<T>(items: readonly T[], page: { number: number; size: number }): SandboxResponse {
  const start = (page.number - 1) * page.size;
  return {
    status: 200,
    body: {
      data: items.slice(start, start + page.size),
      meta: {
        page_number: page.number,
        page_size: page.size,
        total_pages: Math.max(1, Math.ceil(items.length / page.size)),
        total_results: items.length,
      },
    },
  };
}

/** Check one channel object of a create/update body; returns the 400 for the first bad field. */
function channelProblem(channel: TelnyxProfileChannel, value: unknown): SandboxResponse | undefined {
  if (value === null) return undefined;
  const at = (field: string): string => `/${channel}/${field}`;
  if (!isRecord(value)) return bad(`${channel} must be an object.`, `/${channel}`);
  const allowed: Record<TelnyxProfileChannel, readonly string[]> = {
    // The OpenAPI spec's members, plus what the quickstart (seed 002) sends: `messaging_template`, and `app_name` for whatsapp.
    sms: [
      'messaging_template_id',
      'messaging_template',
      'app_name',
      'alpha_sender',
      'code_length',
      'whitelisted_destinations',
      'default_verification_timeout_secs',
    ],
    call: ['messaging_template_id', 'messaging_template', 'app_name', 'code_length', 'whitelisted_destinations', 'default_verification_timeout_secs'],
    flashcall: ['default_verification_timeout_secs'],
    whatsapp: ['app_name', 'default_verification_timeout_secs', 'sender_phone_number', 'template_id', 'waba_id', 'whitelisted_destinations'],
  };
  for (const key of Object.keys(value)) {
    // UNCONFIRMED: Telnyx may ignore unknown members; refusing them catches typos in tests.
    if (!allowed[channel].includes(key)) return bad(`${channel}.${key} is not a field of a ${channel} profile.`, at(key));
  }
  const {
    app_name,
    alpha_sender,
    code_length,
    whitelisted_destinations,
    default_verification_timeout_secs,
    messaging_template_id,
    messaging_template,
    sender_phone_number,
  } = value;
  if (app_name !== undefined && !(typeof app_name === 'string' && APP_NAME.test(app_name)))
    return bad('app_name must be 1 to 30 letters, digits, spaces or dashes.', at('app_name'));
  if (alpha_sender !== undefined && !(typeof alpha_sender === 'string' && ALPHA_SENDER.test(alpha_sender))) {
    return bad('alpha_sender must be 1 to 11 letters, digits or spaces.', at('alpha_sender'));
  }
  // UNCONFIRMED: the allowed range of code_length; 4–10 is what the other providers allow.
  if (code_length !== undefined && !(Number.isInteger(code_length) && (code_length as number) >= 4 && (code_length as number) <= 10)) {
    return bad('code_length must be an integer from 4 to 10.', at('code_length'));
  }
  if (
    whitelisted_destinations !== undefined &&
    !(
      Array.isArray(whitelisted_destinations) &&
      (whitelisted_destinations.every((d) => typeof d === 'string' && ALPHA2.test(d)) ||
        (whitelisted_destinations.length === 1 && whitelisted_destinations[0] === '*'))
    )
  ) {
    return bad('whitelisted_destinations must be ISO 3166-1 alpha-2 codes, or ["*"].', at('whitelisted_destinations'));
  }
  if (
    default_verification_timeout_secs !== undefined &&
    !(Number.isInteger(default_verification_timeout_secs) && (default_verification_timeout_secs as number) > 0)
  ) {
    return bad('default_verification_timeout_secs must be a positive integer.', at('default_verification_timeout_secs'));
  }
  if (messaging_template_id !== undefined && !(typeof messaging_template_id === 'string' && /^[0-9a-f-]{36}$/i.test(messaging_template_id))) {
    return bad('messaging_template_id must be a UUID.', at('messaging_template_id'));
  }
  // UNCONFIRMED: Telnyx's rule for an inline template; one without `{code}` could not carry the code.
  if (messaging_template !== undefined && !(typeof messaging_template === 'string' && messaging_template.includes('{code}'))) {
    return bad('messaging_template must be a string containing {code}.', at('messaging_template'));
  }
  if (sender_phone_number !== undefined && !(typeof sender_phone_number === 'string' && E164.test(sender_phone_number))) {
    return bad('sender_phone_number must be in +E.164 format.', at('sender_phone_number'));
  }
  return undefined;
}

const CHANNELS: readonly TelnyxProfileChannel[] = ['sms', 'call', 'flashcall', 'whatsapp'];
const TOP_LEVEL = ['name', 'language', 'webhook_url', 'webhook_failover_url', 'daily_spend_limit', 'daily_spend_limit_enabled', ...CHANNELS];

/** The verify profiles of one sandbox account. */
export class TelnyxProfiles {
  readonly #profiles = new Map<string, TelnyxProfile>();

  constructor(private readonly clock: () => number) {}

  /** Add a profile directly (the sandbox's own, made at construction). */
  add(fields: Omit<TelnyxProfile, 'id' | 'createdAt' | 'updatedAt'> & { id?: string }): TelnyxProfile {
    const now = this.clock();
    const profile: TelnyxProfile = { ...fields, id: fields.id ?? randomUUID(), createdAt: now, updatedAt: now };
    this.#profiles.set(profile.id, profile);
    return profile;
  }

  get(id: unknown): TelnyxProfile | undefined {
    return typeof id === 'string' ? this.#profiles.get(id) : undefined;
  }

  /** Whether `channel` is configured on the profile (its object is present and not null). */
  static has(profile: TelnyxProfile, channel: TelnyxProfileChannel): boolean {
    return profile[channel] !== undefined && profile[channel] !== null;
  }

  /** Digits of codes on `channel`: the channel's `code_length`, else the sms one, else Telnyx's 5. */
  static codeLength(profile: TelnyxProfile, channel: TelnyxProfileChannel): number {
    const own = channel === 'sms' || channel === 'call' ? profile[channel]?.code_length : undefined;
    return own ?? profile.sms?.code_length ?? profile.call?.code_length ?? TELNYX_DEFAULT_CODE_LENGTH;
  }

  /** Seconds a verification on `channel` lives when the start gives no `timeout_secs`. */
  static defaultTimeout(profile: TelnyxProfile, channel: TelnyxProfileChannel): number {
    return profile[channel]?.default_verification_timeout_secs ?? TELNYX_DEFAULT_TIMEOUT_SECS;
  }

  /** Answer a `/v2/verify_profiles…` request, or undefined when the path is not one of them. */
  route(req: SandboxRequest, body: Record<string, unknown> | undefined): SandboxResponse | undefined {
    if (req.path === '/v2/verify_profiles') {
      if (req.method === 'POST') return this.#create(body);
      if (req.method === 'GET') {
        const page = readPage(req.query);
        if (!('number' in page)) return page;
        const filter = req.query.get('filter[name]');
        const all = [...this.#profiles.values()].filter((p) => filter === null || p.name === filter).map((p) => this.view(p));
        return paged(all, page);
      }
      return undefined;
    }
    const m = /^\/v2\/verify_profiles\/([^/]+)$/.exec(req.path);
    if (!m) return undefined;
    const profile = this.#profiles.get(m[1]!);
    if (req.method !== 'GET' && req.method !== 'PATCH') return undefined;
    if (!profile) return telnyxError(404, '10005', 'Resource not found', 'The requested verify profile could not be found.');
    if (req.method === 'GET') return { status: 200, body: { data: this.view(profile) } };
    return this.#update(profile, body);
  }

  /** The profile as Telnyx answers it. */
  view(p: TelnyxProfile): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: p.id,
      // The spec's record_type; the quickstart's example shows `verify_profile`.
      record_type: 'verification_profile',
      name: p.name,
      language: p.language ?? 'en-US',
      webhook_url: p.webhook_url ?? null,
      webhook_failover_url: p.webhook_failover_url ?? null,
      created_at: telnyxStamp(p.createdAt),
      updated_at: telnyxStamp(p.updatedAt),
    };
    for (const channel of CHANNELS) out[channel] = p[channel] ?? null;
    if (p.daily_spend_limit !== undefined) out.daily_spend_limit = p.daily_spend_limit;
    if (p.daily_spend_limit_enabled !== undefined) out.daily_spend_limit_enabled = p.daily_spend_limit_enabled;
    return out;
  }

  #fieldsProblem(body: Record<string, unknown>): SandboxResponse | undefined {
    for (const key of Object.keys(body)) {
      if (!TOP_LEVEL.includes(key)) return bad(`${key} is not a field of a verify profile.`, `/${key}`);
    }
    for (const key of ['language', 'webhook_url', 'webhook_failover_url', 'daily_spend_limit'] as const) {
      if (body[key] !== undefined && typeof body[key] !== 'string') return bad(`${key} must be a string.`, `/${key}`);
    }
    for (const key of ['webhook_url', 'webhook_failover_url'] as const) {
      if (typeof body[key] === 'string' && !/^https?:\/\/\S+$/.test(body[key])) return bad(`${key} must be a URL.`, `/${key}`);
    }
    if (body.daily_spend_limit_enabled !== undefined && typeof body.daily_spend_limit_enabled !== 'boolean') {
      return bad('daily_spend_limit_enabled must be a boolean.', '/daily_spend_limit_enabled');
    }
    for (const channel of CHANNELS) {
      if (body[channel] === undefined) continue;
      const problem = channelProblem(channel, body[channel]);
      if (problem) return problem;
    }
    return undefined;
  }

  #create(body: Record<string, unknown> | undefined): SandboxResponse {
    if (!body) return bad('The request body must be a JSON object.', '/');
    if (body.name === undefined) return telnyxError(400, '10004', 'Missing required parameter', 'name is required.', '/name');
    if (typeof body.name !== 'string' || body.name.trim() === '') return bad('name must be a non-empty string.', '/name');
    const problem = this.#fieldsProblem(body);
    if (problem) return problem;
    const profile = this.add(body as unknown as TelnyxProfile);
    return { status: 200, body: { data: this.view(profile) } };
  }

  /** PATCH: the members given replace the profile's; a channel set to null is switched off. */
  #update(profile: TelnyxProfile, body: Record<string, unknown> | undefined): SandboxResponse {
    if (!body) return bad('The request body must be a JSON object.', '/');
    if (body.name !== undefined && (typeof body.name !== 'string' || body.name.trim() === '')) return bad('name must be a non-empty string.', '/name');
    const problem = this.#fieldsProblem(body);
    if (problem) return problem;
    Object.assign(profile, body, { updatedAt: this.clock() });
    return { status: 200, body: { data: this.view(profile) } };
  }
}
