// consumer/test/servers.test.ts — the server package from someone else's app: Express 4
// from CommonJS, and NestJS with @nestjs/passport's PassportStrategy mixin and its
// default arguments. (Express 5 + TypeScript from the README is docs.test.ts.)

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, legacy, root, startApp, tsc, type RunningApp } from './helpers.js';

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('Express 4 from CommonJS', () => {
  it('should start, take the code its own sender printed and sign in over plain HTTP', async () => {
    app = await startApp(['apps/express4/server.cjs'], legacy());
    const client = new Client(app.url);
    expect(await client.request('POST', '/auth/phone/start', { phone: '07400 123456', country: 'GB' })).toMatchObject({
      status: 200,
      body: { status: 'pending' },
    });
    const code = await app.nextCode();
    expect(await client.request('POST', '/auth/phone/verify', { code })).toEqual({
      status: 200,
      body: { status: 'approved', user: { id: 'user-3456' }, phone: '+447400123456' },
    }); // `phone` since issue 13
    const me = await client.request('GET', '/me');
    expect(me.body).toMatchObject({ user: { id: 'user-3456' }, express: expect.stringMatching(/^4\./) });
  });
});

describe('NestJS with PassportStrategy(PhoneVerifyStrategy)', () => {
  it('should type-check, refuse a wrong code with invalid_code, then sign in with the right one, never a 500', async () => {
    const dir = join(root(), 'apps/nest');
    await tsc(dir);
    app = await startApp(['dist/main.js'], dir);
    const client = new Client(app.url);
    expect((await client.request('POST', '/auth/phone/start', { phone: '+447400123456' })).status).toBe(200);
    const code = await app.nextCode();
    const wrong = code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    expect(await client.request('POST', '/auth/phone/verify', { code: wrong })).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid_code', attemptsLeft: 4 } },
    });
    expect(await client.request('POST', '/auth/phone/verify', { code })).toEqual({
      status: 200,
      body: { status: 'approved', user: { id: 'user-3456' }, phone: '+447400123456' },
    }); // `phone` since issue 13
    expect(await client.request('GET', '/me')).toEqual({ status: 200, body: { user: { id: 'user-3456' } } });
    expect(app.output()).not.toMatch(/internal error|TypeError/);
  });
});
