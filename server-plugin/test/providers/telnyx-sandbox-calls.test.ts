// The Telnyx sandbox's other calls, as the official SDK makes them: check by
// verification id, list by phone number with Telnyx's paging `meta`, and verify
// profiles create/read/update with the seed's fields.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, TelnyxSandbox } from '../../src/testing/index.js';
import { call, codeIn, DE, GB } from './helpers.js';
import { wrongCode } from '../support/index.js';

const API_KEY = 'KEY0123456789secret';
const auth = { authorization: `Bearer ${API_KEY}` };

let clock: ManualClock;
let sandbox: TelnyxSandbox;
let url: string;

beforeEach(async () => {
  clock = new ManualClock();
  sandbox = new TelnyxSandbox({ apiKey: API_KEY, codeLength: 6, clock: clock.now });
  url = await sandbox.listen();
});

afterEach(async () => {
  await sandbox.close();
});

const start = async (phone = GB, extra: Record<string, unknown> = {}, type = 'sms'): Promise<{ id: string; code: string }> => {
  const res = await call(`${url}/v2/verifications/${type}`, 'POST', auth, { phone_number: phone, verify_profile_id: sandbox.verifyProfileId, ...extra });
  expect(res.status).toBe(200);
  return { id: res.body.data.id, code: codeIn(sandbox.outbox.at(-1)) };
};
const checkById = (id: string, body: unknown) => call(`${url}/v2/verifications/${id}/actions/verify`, 'POST', auth, body);
const list = (phone: string, query = '') => call(`${url}/v2/verifications/by_phone_number/${encodeURIComponent(phone)}${query}`, 'GET', auth);

describe('TelnyxSandbox: check by verification id', () => {
  it('200 rejected for a wrong code, accepted for the right one, then 404; the body needs no verify_profile_id', async () => {
    const { id, code } = await start();
    const bad = await checkById(id, { code: wrongCode(code) });
    expect(bad).toMatchObject({ status: 200, body: { data: { phone_number: GB, response_code: 'rejected' } } });
    const good = await checkById(id, { code });
    expect(good).toMatchObject({ status: 200, body: { data: { phone_number: GB, response_code: 'accepted' } } });
    const again = await checkById(id, { code });
    expect(again.status).toBe(404);
    expect(again.body.errors[0].code).toBe('10005');
    expect((await call(`${url}/v2/verifications/${id}`, 'GET', auth)).body.data.status).toBe('accepted');
  });

  it('judges only that verification: a later one for the number does not change which code works', async () => {
    const first = await start();
    const second = await start();
    if (first.code !== second.code) expect((await checkById(first.id, { code: second.code })).body.data.response_code).toBe('rejected');
    expect((await checkById(first.id, { code: first.code })).body.data.response_code).toBe('accepted');
    expect((await checkById(second.id, { code: second.code })).body.data.response_code).toBe('accepted');
  });

  it('an unknown id → 404 10005; past timeout_secs → 404 and the status reads expired', async () => {
    expect((await checkById('00000000-0000-0000-0000-000000000000', { code: '123456' })).status).toBe(404);
    const { id, code } = await start(GB, { timeout_secs: 60 });
    clock.advance(60);
    expect((await checkById(id, { code })).status).toBe(404);
    expect((await call(`${url}/v2/verifications/${id}`, 'GET', auth)).body.data.status).toBe('expired');
  });

  it('code must be a string and is required; status is for custom_code verifications only, and not with a code', async () => {
    const { id, code } = await start();
    expect((await checkById(id, {})).body.errors[0]).toMatchObject({ code: '10004', source: { pointer: '/code' } });
    expect((await checkById(id, { code: Number(code) })).body.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/code' } });
    expect((await checkById(id, { status: 'accepted' })).status).toBe(400);
    const custom = await start(DE, { custom_code: '246813' });
    expect((await checkById(custom.id, { status: 'maybe' })).status).toBe(400);
    expect((await checkById(custom.id, { code: '246813', status: 'accepted' })).status).toBe(400);
    const settled = await checkById(custom.id, { status: 'accepted' });
    expect(settled).toMatchObject({ status: 200, body: { data: { phone_number: DE, response_code: 'accepted' } } });
    expect((await call(`${url}/v2/verifications/${custom.id}`, 'GET', auth)).body.data).toMatchObject({ status: 'accepted', custom_code: '246813' });
  });

  it('needs the Bearer key and a JSON body', async () => {
    const { id, code } = await start();
    expect((await call(`${url}/v2/verifications/${id}/actions/verify`, 'POST', {}, { code })).status).toBe(401);
    const form = await fetch(`${url}/v2/verifications/${id}/actions/verify`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: `code=${code}`,
    });
    expect(form.status).toBe(400);
  });
});

describe('TelnyxSandbox: list by phone number', () => {
  it('answers the number’s verifications newest first with meta {page_number, page_size, total_pages, total_results}', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await start()).id);
    await start(DE);
    const all = await list(GB);
    expect(all.status).toBe(200);
    expect(all.body.meta).toEqual({ page_number: 1, page_size: 20, total_pages: 1, total_results: 5 });
    expect(all.body.data.map((v: { id: string }) => v.id)).toEqual([...ids].reverse());
    expect(all.body.data[0]).toMatchObject({ record_type: 'verification', type: 'sms', phone_number: GB, status: 'pending' });
    expect(all.body.data[0]).not.toHaveProperty('code');
  });

  it('pages with page[number] and page[size]; a page past the end is empty but keeps the totals', async () => {
    for (let i = 0; i < 5; i++) await start();
    const second = await list(GB, '?page[number]=2&page[size]=2');
    expect(second.body.meta).toEqual({ page_number: 2, page_size: 2, total_pages: 3, total_results: 5 });
    expect(second.body.data).toHaveLength(2);
    const third = await list(GB, `?${new URLSearchParams({ 'page[number]': '3', 'page[size]': '2' })}`);
    expect(third.body.data).toHaveLength(1);
    const beyond = await list(GB, '?page[number]=9&page[size]=2');
    expect(beyond.body).toEqual({ data: [], meta: { page_number: 9, page_size: 2, total_pages: 3, total_results: 5 } });
  });

  it('a number with none → empty data, one page; bad paging or a number not in +E.164 → 400', async () => {
    expect((await list(DE)).body).toEqual({ data: [], meta: { page_number: 1, page_size: 20, total_pages: 1, total_results: 0 } });
    for (const query of ['?page[size]=0', '?page[size]=251', '?page[number]=0', '?page[number]=x']) {
      const res = await list(GB, query);
      expect(res.status, query).toBe(400);
      expect(res.body.errors[0].code).toBe('10015');
    }
    expect((await list('447400123456')).body.errors[0].code).toBe('10016');
  });

  it('shows the status as it is now: accepted, expired', async () => {
    const a = await start(GB, { timeout_secs: 60 });
    await checkById(a.id, { code: a.code });
    await start(GB, { timeout_secs: 60 });
    clock.advance(61);
    expect((await list(GB)).body.data.map((v: { status: string }) => v.status)).toEqual(['expired', 'accepted']);
  });
});

/** Seed 002, "Step 1: Create a Verify Profile": its request body. */
const SEED_PROFILE = {
  name: 'foobar-en-v1',
  language: 'en-US',
  webhook_url: 'https://example.net/hook_1',
  webhook_failover_url: 'https://backup.example.net/hook_2',
  call: { default_verification_timeout_secs: 90 },
  sms: { messaging_template: 'My custom template. Your code is: {code}' },
  whatsapp: { app_name: 'FooBar', default_verification_timeout_secs: 60 },
};

describe('TelnyxSandbox: verify profiles', () => {
  const profiles = (method: string, body?: unknown, path = '') => call(`${url}/v2/verify_profiles${path}`, method, auth, body);

  it('creates the seed’s profile, its request verbatim (POST 200 {data}), and reads it back (GET by id)', async () => {
    const created = await profiles('POST', SEED_PROFILE);
    expect(created.status).toBe(200);
    const data = created.body.data;
    // Echoed back verbatim, with what the seed left out unset (null).
    expect(data).toMatchObject({ record_type: 'verification_profile', ...SEED_PROFILE, flashcall: null });
    expect(data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    const read = await profiles('GET', undefined, `/${data.id}`);
    expect(read).toMatchObject({ status: 200, body: { data } });
  });

  it('a created profile is usable at once: its code_length and default timeout apply to starts', async () => {
    const { body } = await profiles('POST', { name: 'eight', sms: { code_length: 8, default_verification_timeout_secs: 120 } });
    const res = await call(`${url}/v2/verifications/sms`, 'POST', auth, { phone_number: GB, verify_profile_id: body.data.id });
    expect(res.body.data).toMatchObject({ verify_profile_id: body.data.id, timeout_secs: 120 });
    expect(codeIn(sandbox.outbox.at(-1))).toHaveLength(8);
    // A channel the profile has not configured is refused.
    const voice = await call(`${url}/v2/verifications/call`, 'POST', auth, { phone_number: GB, verify_profile_id: body.data.id });
    expect(voice.status).toBe(400);
    expect(voice.body.errors[0].detail).toMatch(/call/);
  });

  it('updates with PATCH: given members replace, others stay, null switches a channel off; updated_at moves', async () => {
    const { body } = await profiles('POST', { name: 'p', sms: { code_length: 6 }, flashcall: { default_verification_timeout_secs: 60 } });
    const id = body.data.id as string;
    clock.advance(5);
    const patched = await profiles('PATCH', { name: 'renamed', flashcall: null, call: { code_length: 7 } }, `/${id}`);
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ id, name: 'renamed', sms: { code_length: 6 }, call: { code_length: 7 }, flashcall: null });
    expect(patched.body.data.updated_at).not.toBe(body.data.updated_at);
    expect(patched.body.data.created_at).toBe(body.data.created_at);
    const flash = await call(`${url}/v2/verifications/flashcall`, 'POST', auth, { phone_number: GB, verify_profile_id: id });
    expect(flash.status).toBe(400);
  });

  it('lists profiles with paging meta and filter[name]', async () => {
    for (const name of ['a', 'b', 'c']) await profiles('POST', { name });
    const all = await profiles('GET', undefined, '?page[size]=2');
    // The sandbox's own profile is the first.
    expect(all.body.meta).toEqual({ page_number: 1, page_size: 2, total_pages: 2, total_results: 4 });
    const b = await profiles('GET', undefined, `?${new URLSearchParams({ 'filter[name]': 'b' })}`);
    expect(b.body.data.map((p: { name: string }) => p.name)).toEqual(['b']);
  });

  it('validates the seed’s fields: name required, app_name and alpha_sender patterns, destinations, timeouts, unknown members', async () => {
    const cases: [unknown, string, string][] = [
      [{}, '10004', '/name'],
      [{ name: '' }, '10015', '/name'],
      [{ name: 'x', sms: { app_name: 'bad_name!' } }, '10015', '/sms/app_name'],
      [{ name: 'x', sms: { alpha_sender: 'TwelveChars1' } }, '10015', '/sms/alpha_sender'],
      [{ name: 'x', call: { alpha_sender: 'Acme' } }, '10015', '/call/alpha_sender'],
      [{ name: 'x', sms: { whitelisted_destinations: ['gb'] } }, '10015', '/sms/whitelisted_destinations'],
      [{ name: 'x', sms: { code_length: 3 } }, '10015', '/sms/code_length'],
      [{ name: 'x', sms: { messaging_template: 'no code here' } }, '10015', '/sms/messaging_template'],
      [
        { name: 'x', sms: { app_name: 'Acme', alpha_sender: 'Acme', code_length: 6, whitelisted_destinations: ['GB', 'de'] } },
        '10015',
        '/sms/whitelisted_destinations',
      ],
      [{ name: 'x', flashcall: { default_verification_timeout_secs: 0 } }, '10015', '/flashcall/default_verification_timeout_secs'],
      [{ name: 'x', whatsapp: { sender_phone_number: '447400123456' } }, '10015', '/whatsapp/sender_phone_number'],
      [{ name: 'x', webhook_url: 'not a url' }, '10015', '/webhook_url'],
      [{ name: 'x', psd2: {} }, '10015', '/psd2'],
    ];
    for (const [body, code, pointer] of cases) {
      const res = await profiles('POST', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0], JSON.stringify(body)).toMatchObject({ code, source: { pointer } });
    }
    expect((await profiles('POST', { name: 'ok', sms: { whitelisted_destinations: ['*'] } })).status).toBe(200);
  });

  it('unknown profile → 404 on GET and PATCH; every call needs the Bearer key', async () => {
    expect((await profiles('GET', undefined, '/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await profiles('PATCH', { name: 'x' }, '/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await call(`${url}/v2/verify_profiles`, 'POST', {}, { name: 'x' })).status).toBe(401);
  });
});
