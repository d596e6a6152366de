// The demo's own surface, bounded and guarded (issue 12): phone-panel streams are capped
// per browser and in all (each holds a connection and a descriptor), and sign-out is
// refused from other sites the way the plugin's router refuses its POSTs.

import { request as httpRequest, type ClientRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/app.js';
import { DemoPhones } from '../src/phone.js';
import { demoBackend } from '../src/providers.js';

let server: Server | undefined;
const streams: ClientRequest[] = [];

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function demo(options: { maxStreamsPerBrowser?: number; maxStreams?: number } = {}) {
  const phones = new DemoPhones();
  const backend = await demoBackend('local', phones);
  const made = createDemoApp({ phones, provider: backend.provider, ...backend.policy, ...options, logger: { info() {}, warn() {}, error() {} } });
  server = made.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return { ...made, port: (server!.address() as AddressInfo).port };
}

/** Opens a phone stream as the browser with this device cookie; resolves with its status once headers arrive. */
function openStream(port: number, device: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/demo/phone/stream', headers: { cookie: `demo_device=${device}` }, agent: false }, resolve);
    req.on('error', reject);
    req.end();
    streams.push(req);
  });
}

/** A device id the demo accepts: 22 URL-safe characters. */
const device = (n: number) => `device${String(n).padStart(16, '0')}`;

function post(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('the demo, bounded', () => {
  it('should hold at most 4 phone streams per browser, and free a place when one closes', async () => {
    const { port, openStreams } = await demo();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await openStream(port, device(1))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    // Another browser is not held up by this one.
    expect((await openStream(port, device(2))).statusCode).toBe(200);
    expect(openStreams()).toBe(5);

    streams[0]!.destroy();
    await until(() => openStreams() === 4);
    expect((await openStream(port, device(1))).statusCode).toBe(200);
  });

  it('should hold at most maxStreams in all, however many browsers ask', async () => {
    const { port, openStreams } = await demo({ maxStreams: 10 });
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push((await openStream(port, device(100 + i))).statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(openStreams()).toBe(10);
  });

  describe('sign-out', () => {
    it.each([
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
      ['Sec-Fetch-Site: same-site from a sibling host', { 'sec-fetch-site': 'same-site', origin: 'https://evil.localhost' }],
      ['an Origin of another site, without Fetch Metadata', { origin: 'https://evil.example' }],
      ['Origin: null (a sandboxed frame)', { origin: 'null' }],
    ])('should refuse %s with 403', async (_, headers) => {
      const { port } = await demo();
      expect(await post(port, '/logout', headers)).toBe(403);
    });

    it('should sign out from the page itself, and from a client that sends neither header', async () => {
      const { port } = await demo();
      expect(await post(port, '/logout', { 'sec-fetch-site': 'same-origin', origin: `http://127.0.0.1:${port}` })).toBe(303);
      expect(await post(port, '/logout', {})).toBe(303);
    });
  });
});
