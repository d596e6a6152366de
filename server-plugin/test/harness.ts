// server-plugin/test/harness.ts
// A real Express app with express-session and Passport around the plugin, the way an
// application mounts it, plus the test's handles on it: an outbox, a clock, a log.

import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import type supertest from 'supertest';
import {
  localProvider,
  MemoryStore,
  PhoneVerifyStrategy,
  phoneVerifyRouter,
  type Logger,
  type LocalProviderOptions,
  type PhoneVerifyOptions,
  type RouterOptions,
  type Sender,
  type VerifyCallback,
  type VerifyFunction,
  type VerifyProvider,
  VerificationService,
} from '../src/index.js';
import type { Channel } from '../src/protocol.js';
import { browserAgent } from './support/http.js';
import { ManualClock } from './support/index.js';

// The HTTP helpers live in test/support; re-exported for the suites that import them from here.
export { browserAgent, sessionCookie } from './support/http.js';

export interface SentMessage {
  phone: string;
  text: string;
  channel: Channel;
}

/** Collects log lines so tests can assert on them (and keep the output quiet). */
export class LogSpy implements Logger {
  readonly lines: string[] = [];
  info = (m: string): void => void this.lines.push(`info ${m}`);
  warn = (m: string): void => void this.lines.push(`warn ${m}`);
  error = (m: string): void => void this.lines.push(`error ${m}`);
}

/** The code in the latest message to a number. */
export function codeFrom(message: SentMessage | undefined): string {
  const match = message?.text.match(/\b(\d{6,10})\b/);
  if (!match) throw new Error(`no code in ${JSON.stringify(message)}`);
  return match[1]!;
}

export interface User {
  id: string;
  phone: string;
}

export interface TestAppOptions {
  options?: Partial<PhoneVerifyOptions>;
  router?: RouterOptions<User>;
  /** Replaces the local provider. */
  provider?: VerifyProvider;
  /** Called instead of the default find-or-create; either style the strategy takes. */
  verify?: VerifyFunction<User> | VerifyCallback<User>;
  /** Replaces the outbox sender of the local provider (ignored when `provider` is given). */
  sender?: Sender;
  /** Leave out express-session (and passport.session(), which would fail first), to test the misconfiguration error. */
  withoutSession?: boolean;
  /** express-session's cookie options. Default: `{ httpOnly: true, sameSite: 'lax' }`, as the README recommends. */
  cookie?: session.CookieOptions;
  /** express-session's store. Default: a fresh `session.MemoryStore`. */
  sessionStore?: session.MemoryStore;
  /** `app.set('trust proxy', …)` before anything is mounted (e.g. 1, so tests can vary X-Forwarded-For). */
  trustProxy?: boolean | number | string | string[] | ((address: string, hop: number) => boolean);
}

export function createTestApp(config: TestAppOptions = {}) {
  const outbox: SentMessage[] = [];
  const clock = new ManualClock();
  const log = new LogSpy();
  const users = new Map<string, User>();
  const sender: Sender = config.sender ?? ((phone, text, channel) => void outbox.push({ phone, text, channel }));
  const store = new MemoryStore({ clock: clock.now });
  /** express-session's store, so tests can look inside sessions. */
  const sessions = config.sessionStore ?? new session.MemoryStore();

  const strategy = new PhoneVerifyStrategy<User>(
    {
      provider: config.provider ?? localProvider({ sender }),
      allowedCountries: ['GB', 'DE', 'US'],
      store,
      clock: clock.now,
      logger: log,
      ...config.options,
    },
    config.verify ??
      (async (phone) => {
        let user = users.get(phone);
        if (!user) users.set(phone, (user = { id: `u${users.size + 1}`, phone }));
        return user;
      }),
  );
  const passport = new Passport();
  passport.use(strategy);
  passport.serializeUser<string>((user, done) => done(null, (user as User).phone));
  passport.deserializeUser<string>((phone, done) => done(null, users.get(phone) ?? false));

  const app = express();
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  if (!config.withoutSession) {
    app.use(
      session({
        secret: 'test secret',
        resave: false,
        saveUninitialized: false,
        name: 'sid',
        store: sessions,
        cookie: config.cookie ?? { httpOnly: true, sameSite: 'lax' },
      }),
    );
    app.use(passport.session());
  }
  app.use('/auth/phone', phoneVerifyRouter(strategy, { passport, ...config.router }));
  app.get('/account', (req, res) => {
    if (!req.user) return void res.status(401).json({ signedIn: false });
    res.json({ signedIn: true, phone: (req.user as User).phone });
  });
  app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.json({ signedIn: false }))));

  /** Every stored session's data, by session id. */
  const sessionData = (): Promise<Record<string, Record<string, unknown>>> =>
    new Promise((resolve, reject) =>
      sessions.all((err, all) => (err ? reject(err) : resolve((all ?? {}) as unknown as Record<string, Record<string, unknown>>))),
    );
  return { app, agent: browserAgent(app), outbox, clock, log, users, strategy, store, passport, sessionData };
}

/** A local provider and a VerificationService around an outbox, a fake clock and a log spy, without HTTP. */
export function createTestService(options: Partial<PhoneVerifyOptions> = {}, providerOptions: LocalProviderOptions = {}) {
  const outbox: SentMessage[] = [];
  const clock = new ManualClock();
  const log = new LogSpy();
  const store = new MemoryStore({ clock: clock.now });
  /** Set `failSends` to make the sender throw, as a gateway that is down would. */
  const control = { failSends: false };
  const sender: Sender = (phone, text, channel) => {
    if (control.failSends) throw new Error('gateway down');
    outbox.push({ phone, text, channel });
  };
  const service = new VerificationService({
    provider: localProvider({ sender, ...providerOptions }),
    allowedCountries: ['GB', 'DE', 'US'],
    store,
    clock: clock.now,
    logger: log,
    ...options,
  });
  /** The code of the latest message. */
  const lastCode = (): string => codeFrom(outbox.at(-1));
  return { service, outbox, clock, log, store, lastCode, control };
}

/** Start a verification over HTTP and return the response and the code that was sent. */
export async function startVerification(
  agent: supertest.Agent,
  outbox: SentMessage[],
  body: Record<string, unknown> = { phone: '+447400123456' },
): Promise<{ res: supertest.Response; code: string }> {
  const res = await agent.post('/auth/phone/start').send(body);
  if (res.status !== 200) throw new Error(`start answered ${res.status} ${JSON.stringify(res.body)}`);
  return { res, code: codeFrom(outbox.at(-1)) };
}

/** How a strategy ended one authentication (Passport's augmented actions). */
export type Outcome =
  | { action: 'success'; user: unknown; info: unknown }
  | { action: 'fail'; challenge: unknown; status: number | undefined }
  | { action: 'error'; error: unknown }
  | { action: 'pass' }
  | { action: 'redirect'; url: string };

/**
 * Runs `strategy.authenticate(req)` the way Passport does, with the actions replaced
 * by recorders (chai-passport-strategy style). Rejects if no action is taken within `ms`.
 */
export function runStrategy(strategy: object, req: Record<string, unknown>, ms = 1000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`strategy took no action within ${ms} ms`)), ms);
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    const s = Object.create(strategy) as Record<string, unknown> & { authenticate(req: unknown, options: unknown): void };
    s.success = (user: unknown, info: unknown) => done({ action: 'success', user, info });
    s.fail = (challenge: unknown, status?: number) => done({ action: 'fail', challenge, status });
    s.error = (error: unknown) => done({ action: 'error', error });
    s.pass = () => done({ action: 'pass' });
    s.redirect = (url: string) => done({ action: 'redirect', url });
    s.authenticate(req, {});
  });
}

/**
 * A strategy over an outbox and a fake clock, with a verification already started
 * for `phone`: `req()` builds a request whose session points at it.
 */
export async function strategyWithPending<U>(
  verify: ConstructorParameters<typeof PhoneVerifyStrategy<U>>[1],
  phone = '+447400123456',
  options: Partial<PhoneVerifyOptions> = {},
) {
  const outbox: SentMessage[] = [];
  const clock = new ManualClock();
  const log = new LogSpy();
  const sender: Sender = (to, text, channel) => void outbox.push({ phone: to, text, channel });
  const strategy = new PhoneVerifyStrategy<U>(
    { provider: localProvider({ sender }), allowedCountries: ['GB', 'DE', 'US'], clock: clock.now, logger: log, ...options },
    verify,
  );
  const { verification } = await strategy.service.start({ phone });
  const code = codeFrom(outbox.at(-1));
  const session = { phoneVerify: { id: verification.id, expiresAt: verification.expiresAt } };
  const req = (body: unknown = { code }): Record<string, unknown> => ({ body, session });
  return { strategy, code, clock, log, req, verification, session };
}
