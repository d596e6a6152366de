// demo/test/intents.test.ts
// The demo's pages beyond sign-in (issue 11) over real HTTP: Express, express-session and
// Passport as `npm start` runs them. Sign-up from a phone proof (tampered, replayed, for
// another purpose, cross-site), the step-up guard on recovery codes and on changing the
// number, and link to a number another account has. The codes come off the demo phone.

import type { Server } from 'node:http';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/app.js';
import { DemoPhones } from '../src/phone.js';
import { demoBackend } from '../src/providers.js';

type Agent = ReturnType<typeof supertest.agent>;

let demo: ReturnType<typeof createDemoApp>;
let server: Server;
const logged: string[] = [];

beforeEach(async () => {
  const phones = new DemoPhones();
  const backend = await demoBackend('local', phones);
  const log = (m: string) => void logged.push(m);
  demo = createDemoApp({ phones, provider: backend.provider, logger: { info: log, warn: log, error: log } });
  // One listening server, so every request of a test has the same Host (a proof's audience).
  server = demo.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  expect(logged.filter((m) => /internal error|failed:/.test(m))).toEqual([]);
  logged.length = 0;
});

/** A browser: its own cookie jar, its device cookie set, and its codes read off its demo phone. */
async function browser(): Promise<{ agent: Agent; code: () => string; messages: () => { to: string; text: string }[] }> {
  const agent = supertest.agent(server);
  const first = await agent.get('/');
  const cookie = ([] as string[]).concat(first.headers['set-cookie'] ?? []).find((c) => c.startsWith('demo_device='));
  const device = cookie?.split(';')[0]!.split('=')[1];
  if (!device) throw new Error('no demo_device cookie');
  const messages = () => demo.phones.messages(device);
  const code = () => {
    const found = messages()
      .at(-1)
      ?.text.match(/\b(\d{6})\b/)?.[1];
    if (!found) throw new Error('no code on the demo phone');
    return found;
  };
  return { agent, code, messages };
}

/** What the widget sends: JSON with its header, from the page's own origin. */
const call = (agent: Agent, path: string, body: Record<string, unknown>) =>
  agent.post(`/auth/phone${path}`).set('x-phone-verify', '1').set('Content-Type', 'application/json').send(body);

/** `intent="verify"`: a code to `phone`, its code typed: the proof the widget puts in the form. */
async function proofFor(b: Awaited<ReturnType<typeof browser>>, phone: string, purpose = 'signup'): Promise<string> {
  const started = await call(b.agent, '/start', { phone, intent: 'verify', purpose });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const verified = await call(b.agent, '/verify', { code: b.code() });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  expect(verified.body).toMatchObject({ status: 'approved', intent: 'verify', phone });
  return verified.body.proof as string;
}

async function signIn(b: Awaited<ReturnType<typeof browser>>, phone: string): Promise<void> {
  expect((await call(b.agent, '/start', { phone })).status).toBe(200);
  expect((await call(b.agent, '/verify', { code: b.code() })).body).toMatchObject({ status: 'approved' });
}

async function stepUp(b: Awaited<ReturnType<typeof browser>>): Promise<void> {
  const started = await call(b.agent, '/start', { intent: 'stepup' });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  expect((await call(b.agent, '/verify', { code: b.code() })).body).toMatchObject({ status: 'approved', intent: 'stepup' });
}

const signUp = (agent: Agent, form: Record<string, string>, headers: Record<string, string> = {}) => agent.post('/signup').type('form').set(headers).send(form);

const sessionCookie = (res: { headers: Record<string, unknown> }): string | undefined =>
  ([] as string[])
    .concat((res.headers['set-cookie'] as string[] | undefined) ?? [])
    .find((c) => c.startsWith('demo.sid='))
    ?.split(';')[0];

/** A refusal page says why, and shows no stack or internals. */
function expectRefusalPage(res: { status: number; text: string; type: string }, status: number, message: string): void {
  expect(res.status).toBe(status);
  expect(res.type).toBe('text/html');
  expect(res.text).toContain('role="alert"');
  expect(res.text).toContain(message);
  expect(res.text).not.toMatch(/\bat \S+ \(|Error:|node_modules/);
}

describe('the sign-up page', () => {
  it('should make the account from the proof, sign it in on a new session id, and show it', async () => {
    const b = await browser();
    const proof = await proofFor(b, '+447400123456');
    const before = sessionCookie(await b.agent.get('/signup'));
    const res = await signUp(b.agent, { name: 'Ada Lovelace', proof });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
    // Session fixation: the id from before sign-up does not carry the signed-in session.
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const account = await b.agent.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('Hello, Ada Lovelace');
    expect(account.text).toContain('data-e164="+447400123456">+44 7400 123456<');
  });

  it('should refuse a tampered proof with its message, and leave the real one usable', async () => {
    const b = await browser();
    const proof = await proofFor(b, '+447400123456');
    // One byte of the signature changed.
    const last = proof.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${proof.slice(0, -2)}${last}${proof.at(-1)}`;
    expectRefusalPage(await signUp(b.agent, { name: 'Mallory', proof: tampered }), 400, 'The phone proof is not valid.');
    // And one byte of the claims (another number), signature kept.
    const [header, claims, signature] = proof.split('.');
    const forged = Buffer.from(Buffer.from(claims!, 'base64url').toString().replace('+447400123456', '+447400999999')).toString('base64url');
    expectRefusalPage(await signUp(b.agent, { name: 'Mallory', proof: `${header}.${forged}.${signature}` }), 400, 'The phone proof is not valid.');
    expectRefusalPage(await signUp(b.agent, { name: 'Mallory' }), 400, 'A phone proof is required.');
    expect((await signUp(b.agent, { name: 'Ada', proof })).status).toBe(303);
  });

  it('should refuse a replayed proof, in the same browser and in another', async () => {
    const b = await browser();
    const proof = await proofFor(b, '+447400123456');
    expect((await signUp(b.agent, { name: 'Ada', proof })).status).toBe(303);
    const other = await browser();
    expectRefusalPage(await signUp(other.agent, { name: 'Eve', proof }), 409, 'The phone proof has already been used');
    expect((await b.agent.post('/logout')).status).toBe(303);
    expectRefusalPage(await signUp(b.agent, { name: 'Ada again', proof }), 409, 'The phone proof has already been used');
  });

  it('should refuse a proof made for another purpose', async () => {
    const b = await browser();
    const proof = await proofFor(b, '+447400123456', 'newsletter');
    expectRefusalPage(await signUp(b.agent, { name: 'Ada', proof }), 400, 'The phone proof was made for something else');
  });

  it('should refuse a cross-site post before reading it, and a missing name without using the proof up', async () => {
    const b = await browser();
    const proof = await proofFor(b, '+447400123456');
    const crossSite = await signUp(b.agent, { name: 'Ada', proof }, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    const noOriginMatch = await signUp(b.agent, { name: 'Ada', proof }, { Origin: 'https://evil.example' });
    expect(noOriginMatch.status).toBe(403);
    expectRefusalPage(await signUp(b.agent, { name: '   ', proof }), 400, 'Enter your name');
    expectRefusalPage(await signUp(b.agent, { name: 'x'.repeat(61), proof }), 400, 'Enter your name');
    expect((await signUp(b.agent, { name: 'Ada', proof }, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(303);
  });

  it('should say a number already has an account only to whoever proved it', async () => {
    const owner = await browser();
    await signIn(owner, '+447400123456');
    const b = await browser();
    const proof = await proofFor(b, '+447400123456');
    expectRefusalPage(await signUp(b.agent, { name: 'Ada', proof }), 409, 'This number already has an account');
  });

  it('should send someone signed in to their account without using the proof up', async () => {
    const b = await browser();
    const proof = await proofFor(b, '+447400123456');
    const signedIn = await browser();
    await signIn(signedIn, '+447400123457');
    // Someone signed in cannot turn a proof into a second account and switch to it.
    const res = await signUp(signedIn.agent, { name: 'Ada', proof });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
    expect((await signUp(b.agent, { name: 'Ada', proof })).status).toBe(303);
  });

  it('should render only a language the widget ships from the switch cookie', async () => {
    const b = await browser();
    expect((await b.agent.get('/signup').set('Cookie', 'demo_lang=pt-BR')).text).toContain('<phone-verify endpoint="/auth/phone" lang="pt-BR"');
    const odd = await b.agent.get('/signup').set('Cookie', 'demo_lang=%22%3E%3Cscript%3E');
    expect(odd.text).toContain('<phone-verify endpoint="/auth/phone" lang="en"');
    expect(odd.text).not.toContain('<script>');
  });

  it('should answer an unreadable form with a 4xx, not a 500', async () => {
    const b = await browser();
    const res = await b.agent
      .post('/signup')
      .type('form')
      .send(`name=${'a'.repeat(9000)}`);
    expect(res.status).toBe(413);
    expect(res.text).toBe('The form could not be read.');
    logged.length = 0;
  });
});

describe('recovery codes behind a step-up', () => {
  it('should send a page load without a fresh stamp to the step-up page, and a fetch a 401', async () => {
    const b = await browser();
    await signIn(b, '+447400123456');
    const pageLoad = await b.agent.get('/account/recovery-codes').set('Accept', 'text/html');
    expect(pageLoad.status).toBe(303);
    expect(pageLoad.headers.location).toBe('/account/step-up?next=%2Faccount%2Frecovery-codes');
    const fetched = await b.agent.get('/account/recovery-codes').set('Accept', 'application/json').set('Sec-Fetch-Mode', 'cors');
    expect(fetched.status).toBe(401);
    expect(fetched.body).toMatchObject({ error: { code: 'step_up_required' } });
    expect(fetched.text).not.toMatch(/\d{5}-\d{5}/);

    const stepUpPage = await b.agent.get(pageLoad.headers.location!);
    expect(stepUpPage.status).toBe(200);
    // The account's number, masked; the widget in its step-up intent, coming back to the guarded page.
    expect(stepUpPage.text).toContain('•••• 3456');
    expect(stepUpPage.text).not.toContain('7400123456');
    expect(stepUpPage.text).toContain('intent="stepup" data-done="/account/recovery-codes"');
  });

  it('should show the codes after a step-up, and make new ones only from this site', async () => {
    const b = await browser();
    await signIn(b, '+447400123456');
    await stepUp(b);
    const shown = await b.agent.get('/account/recovery-codes').set('Accept', 'text/html');
    expect(shown.status).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    const codes = shown.text.match(/<code>([0-9a-f]{5}-[0-9a-f]{5})<\/code>/g);
    expect(codes).toHaveLength(8);

    expect((await b.agent.post('/account/recovery-codes').set('Sec-Fetch-Site', 'cross-site').set('Origin', 'https://evil.example')).status).toBe(403);
    expect((await b.agent.get('/account/recovery-codes')).text.match(/<code>[^<]+<\/code>/g)).toEqual(codes);
    const renewed = await b.agent.post('/account/recovery-codes').set('Sec-Fetch-Site', 'same-origin');
    expect(renewed.status).toBe(303);
    const after = await b.agent.get(renewed.headers.location!);
    expect(after.text).toContain('New codes made');
    expect(after.text.match(/<code>[^<]+<\/code>/g)).not.toEqual(codes);
  });

  it('should send a stranger to sign in, and never redirect off the site after a step-up', async () => {
    const stranger = await browser();
    expect((await stranger.agent.get('/account/recovery-codes')).headers.location).toBe('/');
    expect((await stranger.agent.get('/account/step-up')).headers.location).toBe('/');
    expect((await call(stranger.agent, '/start', { intent: 'stepup' })).status).toBe(403);

    const b = await browser();
    await signIn(b, '+447400123456');
    for (const next of ['https://evil.example/', '//evil.example', '/account/../logout', '/signup']) {
      const page = await b.agent.get(`/account/step-up?next=${encodeURIComponent(next)}`);
      expect(page.text).toContain('data-done="/account"');
    }
  });
});

describe('change number (link)', () => {
  it('should need a step-up, answer phone_taken after the code, then change it and tell the old number', async () => {
    const other = await browser();
    await signIn(other, '+447400123457');
    const b = await browser();
    await signIn(b, '+447400123456');
    expect((await b.agent.get('/account/number').set('Accept', 'text/html')).headers.location).toBe('/account/step-up?next=%2Faccount%2Fnumber');

    // Skipping the page: the API refuses a session without a step-up (after the code, so no oracle).
    expect((await call(b.agent, '/start', { phone: '+447400123458', intent: 'link' })).status).toBe(200);
    const skipped = await call(b.agent, '/verify', { code: b.code() });
    expect(skipped.status).toBe(401);
    expect(skipped.body).toMatchObject({ error: { code: 'step_up_required' } });

    await stepUp(b);
    expect((await b.agent.get('/account/number')).status).toBe(200);
    // Another account's number: the code is sent and checked like any other, then refused.
    const taken = await call(b.agent, '/start', { phone: '+447400123457', intent: 'link' });
    expect(taken.status).toBe(200);
    const refused = await call(b.agent, '/verify', { code: b.code() });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'phone_taken' } });

    expect((await call(b.agent, '/start', { phone: '07400 123458', country: 'GB', intent: 'link' })).status).toBe(200);
    const linked = await call(b.agent, '/verify', { code: b.code() });
    expect(linked.body).toMatchObject({ status: 'approved', intent: 'link', phone: '+447400123458' });
    const notice = b.messages().at(-1)!;
    expect(notice.to).toBe('+447400123456');
    expect(notice.text).toContain('changed to •••• 3458');

    const account = await b.agent.get('/account?changed=1');
    expect(account.text).toContain('data-e164="+447400123458">+44 7400 123458<');
    expect(account.text).toContain('Your number was changed');
    // The old number is free again, and the new one signs in to the same account.
    const again = await browser();
    await signIn(again, '+447400123458');
    expect((await again.agent.get('/account')).text).toContain('+44 7400 123458');
  });
});
