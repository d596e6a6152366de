// demo/test/code-ttl.test.ts
// CODE_TTL (issue 13): the demo's codes can live from 60 to 600 s, so a person can watch
// the widget's expiry in place; what the router tells the widget follows it.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/app.js';
import { DemoPhones } from '../src/phone.js';
import { demoBackend } from '../src/providers.js';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));

describe('CODE_TTL', () => {
  it('should make the router say the code lives that long', async () => {
    const phones = new DemoPhones();
    const backend = await demoBackend('local', phones);
    try {
      const { app } = createDemoApp({ phones, provider: backend.provider, ttl: 60 });
      const res = await supertest(app).get('/auth/phone/config');
      expect(res.status).toBe(200);
      expect(res.body.expiresIn).toBe(60);
    } finally {
      await backend.close();
    }
  });

  it.each(['30', '601', 'soon'])('should refuse CODE_TTL=%s with exit code 2 and a message', async (value) => {
    expect(existsSync(SERVER), 'demo/dist/server.js is built by npm test').toBe(true);
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [SERVER],
        { env: { ...process.env, CODE_TTL: value, PORT: '0', HOST: '127.0.0.1' }, timeout: 10_000 },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(code).toBe(2);
    expect(stderr).toContain('CODE_TTL must be whole seconds from 60 to 600');
  });
});
