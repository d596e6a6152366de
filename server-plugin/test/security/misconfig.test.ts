// Misconfigurations that weaken the defences (SECURITY.md R1, R6, R9; express-rate-limit's
// start-up validations): each is refused at construction or said once in the log, with a
// stable ERR_PV_* code to search for, and never leaks into a response.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { localProvider, PhoneVerifyConfigError } from '../../src/index.js';
import { browserAgent, createTestApp } from '../harness.js';
import { expectError } from './helpers.js';

const ENDPOINTS = ['/start', '/resend', '/verify', '/cancel'];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('misconfiguration', () => {
  describe("app.set('trust proxy', true)", () => {
    it('should log ERR_PV_PERMISSIVE_TRUST_PROXY once, as an error, across many requests', async () => {
      const { app, log } = createTestApp({ trustProxy: true });
      const agent = browserAgent(app);
      for (let i = 0; i < 5; i++) {
        await agent.get('/auth/phone/config');
        await agent
          .post('/auth/phone/start')
          .set('X-Forwarded-For', `198.51.100.${i}`)
          .send({ phone: `+4474001234${50 + i}` });
      }
      const lines = log.lines.filter((l) => l.includes('ERR_PV_PERMISSIVE_TRUST_PROXY'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error /);
    });

    it.each([
      ['Infinity', Infinity],
      ['a function that trusts everyone', () => true],
      ["the two halves of IPv4 ('0.0.0.0/1', '128.0.0.0/1')", ['0.0.0.0/1', '128.0.0.0/1']],
      ["every IPv4-mapped address ('::ffff:0.0.0.0/96')", '::ffff:0.0.0.0/96'],
      ["['loopback', '::/1'] (every global IPv6 address)", ['loopback', '::/1']],
      ['a hop count of 10 000', 10_000],
    ])('should log ERR_PV_PERMISSIVE_TRUST_PROXY for %s too', async (_, trustProxy) => {
      const { app, log } = createTestApp({ trustProxy });
      await browserAgent(app).get('/auth/phone/config');
      expect(log.lines.filter((l) => l.includes('ERR_PV_PERMISSIVE_TRUST_PROXY'))).toEqual([expect.stringMatching(/^error /)]);
    });

    it.each(['0.0.0.0/0', '::/0'])('should never see %s: Express itself refuses it when it is set', (range) => {
      expect(() => createTestApp({ trustProxy: range })).toThrow(/invalid range/);
    });

    it.each([
      ['a hop count', 2],
      ['loopback', 'loopback'],
      ['a proxy subnet', '10.0.0.0/8'],
      ['a function that trusts only the proxy', (address: string) => address === '10.0.0.1'],
    ])('should say nothing for %s', async (_, trustProxy) => {
      const { app, log } = createTestApp({ trustProxy });
      await browserAgent(app).get('/auth/phone/config');
      expect(log.lines).toEqual([]);
    });

    it('should say nothing for a hop count', async () => {
      const { agent, log } = createTestApp({ trustProxy: 1 });
      await agent.get('/auth/phone/config');
      await agent.post('/auth/phone/start').set('X-Forwarded-For', '198.51.100.1').send({ phone: '+447400123456' });
      expect(log.lines).toEqual([]);
    });
  });

  describe('NODE_ENV=production with the default MemoryStore', () => {
    it('should warn ERR_PV_MEMORY_STORE once, at construction', async () => {
      vi.stubEnv('NODE_ENV', 'production');
      const { agent, log } = createTestApp({ options: { store: undefined } });
      expect(log.lines).toEqual([expect.stringMatching(/^warn .*ERR_PV_MEMORY_STORE/)]);
      await agent.post('/auth/phone/start').send({ phone: '+447400123456' });
      expect(log.lines.filter((line) => line.includes('ERR_PV_MEMORY_STORE'))).toHaveLength(1);
    });

    it('should not warn with a store of its own, or outside production', () => {
      vi.stubEnv('NODE_ENV', 'production');
      expect(createTestApp().log.lines).toEqual([]);
      vi.stubEnv('NODE_ENV', 'development');
      expect(createTestApp({ options: { store: undefined } }).log.lines).toEqual([]);
    });
  });

  describe('the session cookie (ERR_PV_SESSION_COOKIE)', () => {
    const cookieWarnings = (lines: string[]) => lines.filter((line) => line.includes('ERR_PV_SESSION_COOKIE'));

    it('should warn once about a cookie without sameSite that scripts can read', async () => {
      const { agent, log } = createTestApp({ cookie: { httpOnly: false } });
      for (let i = 0; i < 3; i++) await agent.post('/auth/phone/start').send({ phone: `+44740012345${i}` });
      const warnings = cookieWarnings(log.lines);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^warn .*httpOnly is false.*sameSite is "unset"/);
    });

    it('should say nothing of secure outside production, and warn about it in production over plain HTTP', async () => {
      const development = createTestApp();
      await development.agent.post('/auth/phone/start').send({ phone: '+447400123456' });
      expect(cookieWarnings(development.log.lines)).toEqual([]);

      vi.stubEnv('NODE_ENV', 'production');
      const production = createTestApp({ cookie: { httpOnly: true, sameSite: 'strict', secure: 'auto' } });
      await production.agent.post('/auth/phone/start').send({ phone: '+447400123456' });
      expect(cookieWarnings(production.log.lines)).toEqual([expect.stringMatching(/secure is off/)]);
    });
  });

  it.each([4, 5, 11, 5.5])('should refuse a code length of %s at construction (ERR_PV_CODE_LENGTH), even if the provider can send it', (codeLength) => {
    // Textmagic sends 4-digit codes when asked: NIST 800-63B-4 wants at least 6.
    const provider = { ...localProvider(), codeLengths: [4, 5, 5.5, 6, 11] };
    expect(() => createTestApp({ provider, options: { codeLength } })).toThrow(PhoneVerifyConfigError);
    expect(() => createTestApp({ provider, options: { codeLength } })).toThrow(expect.objectContaining({ code: 'ERR_PV_CODE_LENGTH' }));
    expect(() => createTestApp({ provider, options: { codeLength: 6 } })).not.toThrow();
  });

  describe('without express-session', () => {
    it.each(ENDPOINTS)('should answer POST %s with 500 internal_error, log ERR_PV_NO_SESSION, and show no stack', async (endpoint) => {
      const { agent, log } = createTestApp({ withoutSession: true });
      const res = await agent.post(`/auth/phone${endpoint}`).send(endpoint === '/start' ? { phone: '+447400123456' } : { code: '123456' });
      expectError(res, 500, 'internal_error');
      expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on the server.' } });
      expect(res.text).not.toMatch(/ERR_PV|express-session|\.ts|\bat\b/);
      expect(log.lines).toEqual([expect.stringMatching(/^error .*ERR_PV_NO_SESSION/)]);
    });

    it('should send nothing before refusing', async () => {
      const sent: string[] = [];
      const { agent } = createTestApp({ withoutSession: true, sender: (phone) => void sent.push(phone) });
      await agent.post('/auth/phone/start').send({ phone: '+447400123456' });
      expect(sent).toEqual([]);
    });
  });
});
