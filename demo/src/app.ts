// demo/src/app.ts
// The demo application: Express, express-session and Passport with the plugin
// mounted at /auth/phone; pages to sign in, sign up (a phone proof), see the account,
// change its number (link) and reach recovery codes behind a step-up; and a fake phone.

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  errors,
  PhoneVerifyError,
  PhoneVerifyStrategy,
  phoneVerifyRouter,
  crossSiteGuard,
  requireRecentPhoneVerification,
  type LimitRule,
  type LimitStore,
  type Logger,
  type VerificationStore,
  type VerifyProvider,
} from '@phone-verify/server-plugin';
import {
  accountPage,
  changeNumberPage,
  maskedPhone,
  recoveryCodesPage,
  signInPage,
  signUpPage,
  stepUpPage,
  WIDGET_LANGUAGES,
  type PageContext,
} from './pages.js';
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
  /** Seconds before "Send again" and the other channels are offered. Default: the plugin's 30 (tests pass 0). */
  resendAfter?: number;
  /** Express's `trust proxy`: the number of proxies in front (never `true`). Default: none. */
  trustProxy?: number;
  logger?: Logger;
  /** Open phone-panel streams one browser may hold (tabs). Default 4. */
  maxStreamsPerBrowser?: number;
  /** Open phone-panel streams in all: each holds a connection and a file descriptor. Default 500. */
  maxStreams?: number;
  /** Signs the sign-up form's phone proofs (32 bytes or more). Processes sharing a store must share it. Default: random per process. */
  proofSecret?: string;
  /**
   * Codes one number may be sent per 10 minutes (`SEND_LIMIT`); one client network
   * (IP address) may ask for four times as many. Default 5. The plugin's own defaults
   * (3 per 10 minutes, 5 per hour, 10 per IP per hour) would lock a newcomer trying
   * things out for an hour; ten minutes is a wait a demo can ask.
   */
  sendLimit?: number;
}

/** How long a step-up lets someone into a guarded page (NIST 800-63B-4 reauthentication; seconds). */
export const STEP_UP_SECONDS = 300;
/** The demo's send-limit window: everything clears within it. */
const LIMIT_WINDOW_SECONDS = 600;
/** Where the step-up page may send someone back to: only the pages it guards (no open redirect). */
const STEP_UP_PAGES: ReadonlySet<string> = new Set(['/account/recovery-codes', '/account/number']);
const LANG_COOKIE = 'demo_lang';
const NAME_MAX = 60;

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

/** The widget language the visitor chose with the switch (a cookie demo.js sets), if it is one the widget ships. */
function languageOf(req: Request): string {
  const chosen = req.headers.cookie?.match(new RegExp(`(?:^|;\\s*)${LANG_COOKIE}=([A-Za-z-]{2,5})`))?.[1];
  return WIDGET_LANGUAGES.some(([tag]) => tag === chosen) ? chosen! : 'en';
}

/** This site's origin as the browser sees it: the audience the widget's proofs were made for. */
const originOf = (req: Request): string => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

export function createDemoApp(options: DemoOptions) {
  const { phones } = options;
  const users = new DemoUsers();
  const sendLimit = options.sendLimit ?? 5;
  const perNumber: LimitRule[] = [{ points: sendLimit, duration: LIMIT_WINDOW_SECONDS }];
  const perNetwork: LimitRule[] = [{ points: 4 * sendLimit, duration: LIMIT_WINDOW_SECONDS }];
  // A number range (its last four digits left out) is where SMS pumping shows; never looser than the plugin's 30 per hour.
  const perRange: LimitRule[] = [{ points: Math.max(30, 6 * sendLimit), duration: LIMIT_WINDOW_SECONDS }];
  const strategy = new PhoneVerifyStrategy<DemoUser>(
    {
      provider: options.provider,
      // The demo sends to a short list of countries, as a real deployment should (toll-fraud guard).
      allowedCountries: options.allowedCountries ?? ['GB', 'IE', 'DE', 'FR', 'NL', 'ES', 'IT', 'US', 'CA'],
      defaultCountry: 'GB',
      ...(options.store ? { store: options.store } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.ttl ? { ttl: options.ttl } : {}),
      ...(options.resendAfter !== undefined ? { resendAfter: options.resendAfter } : {}),
      limits: {
        perPhone: perNumber,
        perPhoneClient: perNumber,
        perIp: perNetwork,
        perPrefix: perRange,
        ...(options.limitStore ? { store: options.limitStore } : {}),
      },
      // The sign-up form's proofs; no fixed audience, so they are made for the page's origin.
      proof: { secret: options.proofSecret ?? randomBytes(32) },
      ...(options.logger ? { logger: options.logger } : {}),
    },
    (phone) => users.findOrCreate(phone),
  );
  const clock = strategy.service.settings.clock;
  const ttlSeconds = options.ttl ?? 300;
  const limitNote =
    `You have reached this demo's send limit: ${sendLimit} ${sendLimit === 1 ? 'code' : 'codes'} per number and ${4 * sendLimit} per network (IP address) every 10 minutes. ` +
    `It clears by itself within 10 minutes; the message above says when. ` +
    (options.limitStore
      ? 'The counts are kept in Redis (REDIS_URL), so restarting does not clear them. '
      : 'To reset it now, restart the demo (Ctrl+C, then npm start): it keeps the counts in memory. ') +
    `SEND_LIMIT=${Math.max(20, 2 * sendLimit)} npm start allows more.`;
  const context = (req: Request): PageContext => ({ path: req.path, signedIn: Boolean(req.user), lang: languageOf(req), limitNote });

  /** Whether this session re-proved its number within `seconds` (the stamp the step-up leaves). */
  const steppedUpWithin = (req: Request, seconds: number): boolean => {
    const stamp = req.session.phoneVerifyStepUp;
    const age = stamp ? clock() - stamp.at : Infinity;
    return age >= 0 && age <= seconds * 1000;
  };

  /** The signed-in user is replaced in the session too: the demo's sessions carry the user whole. */
  const rememberUser = (req: Request, user: DemoUser): void => {
    req.user = user;
    const held = req.session as { passport?: { user?: DemoUser } };
    if (held.passport) held.passport.user = user;
  };

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
  app.use(
    '/auth/phone',
    phoneVerifyRouter(strategy, {
      passport,
      successRedirect: '/account',
      summarize: (user) => ({ id: user.id }),
      phoneOf: (user) => user.phone,
      // Called once the new number's code is proven. Changing the number binds a new
      // authenticator (NIST 800-63B-4 §3.1.3.3), so the account's own number must have been
      // re-proven first: the change page sits behind a step-up, and this refuses a session
      // that skipped it (the page's window, plus the code's lifetime for the code sent from it).
      link: (user, phone, req) => {
        if (!steppedUpWithin(req, STEP_UP_SECONDS + ttlSeconds)) throw errors.stepUpRequired();
        if (!users.setPhone(user, phone)) return false;
        rememberUser(req, { ...user, phone });
        return true;
      },
      // OWASP ASVS 5.0 V6.3.6: the old number hears of the change (here, on this browser's demo phone).
      onPhoneChanged: (_user, oldPhone, newPhone) => {
        if (oldPhone) phones.sender(oldPhone, `The number on your Demo account was changed to ${maskedPhone(newPhone)}. Not you? Contact support.`, 'sms');
      },
    }),
  );

  const page = (res: Response, html: string, status = 200) => void res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
  const signedIn = (req: Request, res: Response, next: NextFunction) => (req.user ? next() : res.redirect('/'));
  const stepUp = requireRecentPhoneVerification({ maxAge: STEP_UP_SECONDS, redirectTo: '/account/step-up', clock });
  // The forms that change state (sign up, sign out, new recovery codes) are refused from other
  // sites the way the plugin's router refuses its calls (Fetch Metadata, then Origin; OWASP CSRF
  // cheat sheet). A plain form cannot add the router's custom header, so that part is left out.
  const sameSiteOnly = crossSiteGuard({ requireHeader: false });
  const sameSiteForm = (req: Request, res: Response, next: NextFunction) =>
    sameSiteOnly(req, res, (refused?: unknown) => (refused ? void res.status(403).type('text').send('Cross-site request refused') : next()));
  const readForm = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  app.get('/', (req, res) => {
    if (req.user) return res.redirect('/account');
    deviceId(req, res);
    page(res, signInPage(context(req)));
  });

  app.get('/signup', (req, res) => {
    if (req.user) return res.redirect('/account');
    deviceId(req, res);
    page(res, signUpPage(context(req)));
  });

  // The account is made from the phone proof, never from a posted number: the proof is
  // checked (signature, audience, expiry, purpose) and used up, so a tampered, replayed or
  // borrowed one is refused with its message. The name is checked first: a bad name costs no proof.
  app.post('/signup', sameSiteForm, readForm, async (req, res, next) => {
    if (req.user) return res.redirect(303, '/account');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    const refuse = (status: number, error: string) => page(res, signUpPage(context(req), { name, error }), status);
    if (name === '' || name.length > NAME_MAX) return refuse(400, `Enter your name (at most ${NAME_MAX} characters).`);
    let phone: string;
    try {
      phone = await strategy.verifyPhoneProof(body.proof, { purpose: 'signup', audience: originOf(req) });
    } catch (error) {
      if (error instanceof PhoneVerifyError) return refuse(error.status, error.message);
      throw error;
    }
    // The proof shows this browser holds the number, so saying it has an account tells no stranger anything.
    const user = users.create(name, phone);
    if (!user) return refuse(409, 'This number already has an account. Sign in with it instead.');
    // req.login regenerates the session (Passport ≥ 0.6): no session id from before sign-up survives it.
    req.login(user, (error) => (error ? next(error) : res.redirect(303, '/account')));
  });

  app.get('/account', signedIn, (req, res) => {
    const user = req.user as DemoUser;
    page(res, accountPage(context(req), user, req.query.changed === '1' ? 'Your number was changed; the old one got a message.' : undefined));
  });

  app.get('/account/step-up', signedIn, (req, res) => {
    const next = typeof req.query.next === 'string' && STEP_UP_PAGES.has(req.query.next) ? req.query.next : '/account';
    page(res, stepUpPage(context(req), (req.user as DemoUser).phone, next));
  });

  app.get('/account/number', signedIn, stepUp, (req, res) => {
    page(res, changeNumberPage(context(req), (req.user as DemoUser).phone));
  });

  app.get('/account/recovery-codes', signedIn, stepUp, (req, res) => {
    page(res, recoveryCodesPage(context(req), users.recoveryCodes(req.user as DemoUser), req.query.renewed === '1'));
  });

  app.post('/account/recovery-codes', sameSiteForm, signedIn, stepUp, (req, res) => {
    users.recoveryCodes(req.user as DemoUser, true);
    res.redirect(303, '/account/recovery-codes?renewed=1');
  });

  app.post('/logout', sameSiteForm, (req, res, next) => {
    req.logout((error) => (error ? next(error) : res.redirect(303, '/')));
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
    if (res.headersSent) return void res.end();
    // A form body that cannot be read (too large, too many fields, bad encoding): the sender's mistake, said plainly.
    const status = (error as { status?: unknown })?.status;
    if (typeof (error as { type?: unknown })?.type === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
      return void res.status(status).type('text').send('The form could not be read.');
    }
    (options.logger ?? console).error(`[demo] ${req.method} ${req.path} failed: ${(error as Error)?.message ?? String(error)}`);
    const busy = errors.busy(error);
    res.set('Retry-After', String(busy.retryAfter));
    if (req.originalUrl.startsWith('/auth/phone')) return void res.status(busy.status).json(busy);
    res.status(busy.status).type('text').send(busy.message);
  });

  /** Phone-panel streams open now, for tests. */
  const openStreams = (): number => total;
  return { app, phones, users, strategy, openStreams };
}
