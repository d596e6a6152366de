// demo/src/app.ts
// The demo application: Express, express-session and Passport with the plugin
// mounted at /auth/phone, a sign-in page, an account page, and a fake phone.

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  errors,
  PhoneVerifyStrategy,
  phoneVerifyRouter,
  crossSiteGuard,
  type LimitStore,
  type Logger,
  type VerificationStore,
  type VerifyProvider,
} from '@phone-verify/server-plugin';
import { accountPage, signInPage } from './pages.js';
import type { DemoPhones } from './phone.js';
import { DemoUsers, type DemoUser } from './users.js';

export interface DemoOptions {
  /** The demo phones the provider delivers to (see providers.ts). */
  phones: DemoPhones;
  /** Who sends and checks codes (see providers.ts). */
  provider: VerifyProvider;
  /** Countries the demo sends to. */
  allowedCountries?: string[];
  /** Signs the session cookie. Processes sharing sessions must share it. Default: random per process. */
  sessionSecret?: string;
  /** Where sessions live. Default: express-session's memory store (one process). */
  sessionStore?: session.Store;
  /** Where pending verifications live. Default: the plugin's MemoryStore (one process). */
  store?: VerificationStore;
  /** Wrong codes allowed per verification (some providers allow fewer than the default 5). */
  maxAttempts?: number;
  /** Where the send counts and the failure lock live; pass a RedisLimitStore for several processes. */
  limitStore?: LimitStore;
  /** Seconds a code stays valid, 60–600 (`CODE_TTL`). Default: the plugin's 300. */
  ttl?: number;
  /** Express's `trust proxy`: the number of proxies in front (never `true`). Default: none. */
  trustProxy?: number;
  logger?: Logger;
  /** Open phone-panel streams one browser may hold (tabs). Default 4. */
  maxStreamsPerBrowser?: number;
  /** Open phone-panel streams in all: each holds a connection and a file descriptor. Default 500. */
  maxStreams?: number;
}

const widgetDist = fileURLToPath(new URL('../../widget/dist/', import.meta.url));
const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const DEVICE_COOKIE = 'demo_device';

/** Security headers for every demo response: nothing inline, no framing, no sniffing. */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
  next();
}

/** A long-lived random id per browser, apart from the session (which login replaces), for the fake phone. */
function deviceId(req: Request, res: Response): string {
  const cookie = req.headers.cookie?.match(new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([A-Za-z0-9_-]{22})`))?.[1];
  if (cookie) return cookie;
  const id = randomBytes(16).toString('base64url');
  res.cookie(DEVICE_COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/' });
  return id;
}

export function createDemoApp(options: DemoOptions) {
  const { phones } = options;
  const users = new DemoUsers();
  const strategy = new PhoneVerifyStrategy<DemoUser>(
    {
      provider: options.provider,
      // The demo sends to a short list of countries, as a real deployment should (toll-fraud guard).
      allowedCountries: options.allowedCountries ?? ['GB', 'IE', 'DE', 'FR', 'NL', 'ES', 'IT', 'US', 'CA'],
      defaultCountry: 'GB',
      ...(options.store ? { store: options.store } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.ttl ? { ttl: options.ttl } : {}),
      ...(options.limitStore ? { limits: { store: options.limitStore } } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    },
    (phone) => users.findOrCreate(phone),
  );

  const passport = new Passport();
  passport.use(strategy);
  // The demo's user record is tiny, so the session carries it whole: any process can
  // then serve a signed-in user, though each keeps its own user table.
  passport.serializeUser<DemoUser>((user, done) => done(null, user as DemoUser));
  passport.deserializeUser<DemoUser>((user, done) => done(null, user));

  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy) app.set('trust proxy', options.trustProxy);
  app.use(securityHeaders);
  app.use(
    session({
      name: 'demo.sid',
      secret: options.sessionSecret ?? randomBytes(32).toString('hex'),
      ...(options.sessionStore ? { store: options.sessionStore } : {}),
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 8 * 60 * 60 * 1000 },
    }),
  );
  app.use(passport.session());

  app.use('/assets', express.static(widgetDist, { fallthrough: false }));
  app.get('/favicon.ico', (_req, res) => void res.status(204).end());
  app.use(express.static(publicDir, { index: false }));

  // Every plugin request runs "as" its browser, so the local provider's messages reach that browser's phone panel.
  app.use('/auth/phone', (req, res, next) => phones.runAs(deviceId(req, res), next));
  app.use('/auth/phone', phoneVerifyRouter(strategy, { passport, successRedirect: '/account', summarize: (user) => ({ id: user.id }) }));

  app.get('/', (req, res) => {
    if (req.user) return res.redirect('/account');
    deviceId(req, res);
    res.type('html').send(signInPage());
  });

  app.get('/account', (req, res) => {
    const user = req.user as DemoUser | undefined;
    if (!user) return res.redirect('/');
    res.type('html').send(accountPage(user.phone, new Date(user.createdAt)));
  });

  // A sign-out form is the only other state change: refused from other sites the way the
  // plugin's router refuses them (Fetch Metadata, then Origin; OWASP CSRF cheat sheet). A
  // plain form cannot add the router's custom header, so that one part is left out here.
  const sameSiteOnly = crossSiteGuard({ requireHeader: false });
  app.post('/logout', (req, res, next) => {
    sameSiteOnly(req, res, (refused?: unknown) => {
      if (refused) return void res.status(403).type('text').send('Cross-site request refused');
      req.logout((error) => (error ? next(error) : res.redirect(303, '/')));
    });
  });

  // The fake phone: what this browser was "sent", live, as server-sent events. Each stream
  // holds a connection: capped per browser and in all, so a client cannot pile them up.
  const maxPerBrowser = options.maxStreamsPerBrowser ?? 4;
  const maxStreams = options.maxStreams ?? 500;
  const open = new Map<string, number>();
  let total = 0;
  app.get('/demo/phone/stream', (req, res) => {
    const id = deviceId(req, res);
    const mine = open.get(id) ?? 0;
    if (mine >= maxPerBrowser || total >= maxStreams) {
      return void res.status(429).set('Retry-After', '30').type('text').send('Too many phone panels are open; close one and reload.');
    }
    open.set(id, mine + 1);
    total += 1;
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.flushHeaders();
    const send = (message: unknown) => res.write(`data: ${JSON.stringify(message)}\n\n`);
    for (const message of phones.messages(id)) send(message);
    const unsubscribe = phones.subscribe(id, send);
    req.on('close', () => {
      unsubscribe();
      total -= 1;
      const left = (open.get(id) ?? 1) - 1;
      if (left > 0) open.set(id, left);
      else open.delete(id);
    });
  });

  app.use((_req, res) => {
    res.status(404).type('text').send('Not found');
  });

  // Failures before the plugin's router (the session store down, say) land here: the
  // widget still gets the protocol's JSON, a page gets a plain answer, no stack leaves.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    (options.logger ?? console).error(`[demo] ${req.method} ${req.path} failed: ${(error as Error)?.message ?? String(error)}`);
    if (res.headersSent) return void res.end();
    const busy = errors.busy(error);
    res.set('Retry-After', String(busy.retryAfter));
    if (req.originalUrl.startsWith('/auth/phone')) return void res.status(busy.status).json(busy);
    res.status(busy.status).type('text').send(busy.message);
  });

  /** Phone-panel streams open now, for tests. */
  const openStreams = (): number => total;
  return { app, phones, users, strategy, openStreams };
}
