// Refusals cost nothing (issue 12): a client over its limit can send as many refused
// starts as it likes without growing the server's memory or its stores. Counted, not
// timed: entries in the limit store, the verification store and the session store, and
// the heap after a full garbage collection.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MemoryLimitStore, MemoryStore, PhoneVerifyError } from '../../src/index.js';
import { browserAgent, createTestApp, createTestService } from '../harness.js';

/** Node's `gc()`, without starting the process with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The n-th distinct valid GB mobile number. */
const mobile = (n: number) => `+447400${String(n).padStart(6, '0')}`;

describe('bounded under refused traffic', () => {
  it('should grow the heap by at most 2 MB over 100 000 refused starts from one client, and store nothing', async () => {
    const gc = exposeGc();
    const limitStore = new MemoryLimitStore();
    const store = new MemoryStore();
    const { service, outbox } = createTestService({ store, limits: { perIp: [{ points: 10, duration: 3600 }], store: limitStore } });
    const ip = '203.0.113.7';
    for (let i = 0; i < 10; i++) await service.start({ phone: mobile(i) }, { ip });
    expect(outbox).toHaveLength(10);

    let refused = 0;
    const refuse = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        try {
          await service.start({ phone: mobile(i) }, { ip });
        } catch (error) {
          if (!(error instanceof PhoneVerifyError) || error.code !== 'rate_limited') throw error;
          refused += 1;
        }
      }
    };
    // Warm up (JIT, the phone metadata's caches) before the first measurement.
    await refuse(10, 5000);
    const entries = { limits: limitStore.size, verifications: store.size };
    gc();
    const before = process.memoryUsage().heapUsed;
    await refuse(5010, 100_000);
    gc();
    const grown = process.memoryUsage().heapUsed - before;

    expect(refused).toBe(105_000);
    expect(outbox).toHaveLength(10);
    expect({ limits: limitStore.size, verifications: store.size }).toEqual(entries);
    expect(grown, `heap grew ${(grown / 1e6).toFixed(2)} MB`).toBeLessThanOrEqual(2 * 1024 * 1024);
    store.close();
  }, 120_000);

  it('should leave no session, no verification and no counter behind for refused starts over HTTP', async () => {
    const limitStore = new MemoryLimitStore();
    const { app, store, sessionData } = createTestApp({ trustProxy: 1, options: { limits: { perIp: [{ points: 2, duration: 3600 }], store: limitStore } } });
    const from = (phone: string) => browserAgent(app).post('/auth/phone/start').set('X-Forwarded-For', '203.0.113.7').send({ phone });
    for (let i = 0; i < 2; i++) expect((await from(mobile(i))).status).toBe(200);
    const entries = { limits: limitStore.size, verifications: store.size, sessions: Object.keys(await sessionData()).length };
    for (let i = 2; i < 1002; i++) expect((await from(mobile(i))).status).toBe(429);
    expect({ limits: limitStore.size, verifications: store.size, sessions: Object.keys(await sessionData()).length }).toEqual(entries);
  }, 60_000);
});
