// demo/test/limits.test.ts
// The demo's send limits (issue 13): loose enough for someone trying it out, 5 codes per
// number every 10 minutes by default, SEND_LIMIT to change it; the 6th is refused with
// when it clears, which the page's note explains.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/app.js';
import { DemoPhones } from '../src/phone.js';
import { demoBackend } from '../src/providers.js';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));

async function demo(sendLimit?: number) {
  const phones = new DemoPhones();
  const backend = await demoBackend('local', phones);
  return createDemoApp({ phones, provider: backend.provider, ...(sendLimit ? { sendLimit } : {}) }).app;
}

/** A start from a new browser (its own session), as the widget sends it. */
const start = (app: Awaited<ReturnType<typeof demo>>, phone: string) => supertest(app).post('/auth/phone/start').set('x-phone-verify', '1').send({ phone });

describe('the demo send limits', () => {
  it('should send a number 5 codes in 10 minutes, then refuse with when it clears', async () => {
    const app = await demo();
    for (let i = 0; i < 5; i++) expect((await start(app, '+447400123456')).status).toBe(200);
    const refused = await start(app, '+447400123456');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    expect(refused.body.error.retryAfter).toBeGreaterThan(0);
    expect(refused.body.error.retryAfter).toBeLessThanOrEqual(600);
    // Another number is not held up by it.
    expect((await start(app, '+447400123457')).status).toBe(200);
  });

  it('should follow sendLimit, and say so in the note on the page', async () => {
    const app = await demo(2);
    for (let i = 0; i < 2; i++) expect((await start(app, '+447400123456')).status).toBe(200);
    expect((await start(app, '+447400123456')).status).toBe(429);
    const page = await supertest(app).get('/');
    expect(page.text).toContain('2 codes per number and 8 per network (IP address) every 10 minutes');
    expect(page.text).toContain('restart the demo');
  });

  it.each(['0', '1001', 'many'])('should refuse SEND_LIMIT=%s with exit code 2 and a message', async (value) => {
    expect(existsSync(SERVER), 'demo/dist/server.js is built by npm test').toBe(true);
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [SERVER],
        { env: { ...process.env, SEND_LIMIT: value, PORT: '0', HOST: '127.0.0.1' }, timeout: 10_000 },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(code).toBe(2);
    expect(stderr).toContain('SEND_LIMIT must be a whole number of codes from 1 to 1000');
  });
});
