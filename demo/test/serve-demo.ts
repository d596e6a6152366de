// demo/test/serve-demo.ts
// The demo for one describe block of a browser test: the widget's bundle checked first,
// the app on a free port of 127.0.0.1 in beforeAll, closed in afterAll. Shared by the
// end-to-end suites (e2e, e2e-providers, intents-e2e).

import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { VerifyProvider } from '@phone-verify/server-plugin';
import { afterAll, beforeAll } from 'vitest';
import { createDemoApp, type DemoOptions } from '../src/app.js';
import { DemoPhones } from '../src/phone.js';
import { demoBackend, type DemoBackend, type ProviderKind } from '../src/providers.js';

const bundle = fileURLToPath(new URL('../../widget/dist/phone-verify.js', import.meta.url));

/** The pages load the built widget: say how to get it rather than fail on a missing script. */
export function requireWidgetBundle(): void {
  if (!existsSync(bundle)) throw new Error('widget/dist/phone-verify.js is missing: run `npm run build` first (npm test does)');
}

export interface ServeDemoOptions {
  kind?: ProviderKind;
  /** Wraps the provider (e.g. to make it fail). */
  adjust?: (provider: VerifyProvider) => VerifyProvider;
  logger: NonNullable<DemoOptions['logger']>;
  /** More demo options (limits, resendAfter…), after the provider's own policy. */
  options?: Partial<DemoOptions>;
}

export interface ServedDemo {
  baseUrl: string;
  app: ReturnType<typeof createDemoApp>;
  backend: DemoBackend;
}

/** The demo on one provider, listening on a free port, for the calling describe block (its fields are set in beforeAll). */
export function serveDemo({ kind = 'local', adjust = (p) => p, logger, options = {} }: ServeDemoOptions): ServedDemo {
  const demo = { baseUrl: '' } as ServedDemo;
  let server: Server | undefined;
  beforeAll(async () => {
    const phones = new DemoPhones();
    demo.backend = await demoBackend(kind, phones);
    demo.app = createDemoApp({ phones, provider: adjust(demo.backend.provider), logger, ...demo.backend.policy, ...options });
    server = demo.app.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    demo.baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    // The phone panel's event streams stay open: end them, or close() waits forever.
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await demo.backend?.close();
  });
  return demo;
}

/** The six-digit code in a message off the demo's phone panel. */
export function codeIn(text: string): string {
  const code = text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in ${JSON.stringify(text)}`);
  return code;
}
