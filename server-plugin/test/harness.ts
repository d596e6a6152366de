// server-plugin/test/harness.ts
// A real Express app with express-session and Passport around the plugin, the way an
// application mounts it, plus the test's handles on it: an outbox, a clock, a log.

import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import supertest from 'supertest';
import {
  localProvider,
  MemoryStore,
  PhoneVerifyStrategy,
  phoneVerifyRouter,
  type Logger,
  type PhoneVerifyOptions,
  type RouterOptions,
  type Sender,
  type VerifyProvider,
} from '../src/index.js';
import type { Channel } from '../src/protocol.js';

export interface SentMessage {
  phone: string;
  text: string;
  channel: Channel;
}

/** A clock the test moves by hand. */
export class FakeClock {
  now = Date.UTC(2026, 10, 22, 12, 0, 0);
  readonly read = (): number => this.now;
  advance(seconds: number): void {
    this.now += seconds * 1000;
  }
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
  /** Called instead of the default find-or-create. */
  verify?: (phone: string) => Promise<User | false>;
  /** Leave out express-session, to test the misconfiguration error. */
  withoutSession?: boolean;
}

export function createTestApp(config: TestAppOptions = {}) {
  const outbox: SentMessage[] = [];
  const clock = new FakeClock();
  const log = new LogSpy();
  const users = new Map<string, User>();
  const sender: Sender = (phone, text, channel) => void outbox.push({ phone, text, channel });
  const store = new MemoryStore({ clock: clock.read });

  const strategy = new PhoneVerifyStrategy<User>(
    {
      provider: config.provider ?? localProvider({ sender }),
      allowedCountries: ['GB', 'DE', 'US'],
      store,
      clock: clock.read,
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
  if (!config.withoutSession) {
    app.use(session({ secret: 'test secret', resave: false, saveUninitialized: false, name: 'sid' }));
  }
  app.use(passport.session());
  app.use('/auth/phone', phoneVerifyRouter(strategy, { passport, ...config.router }));
  app.get('/account', (req, res) => {
    if (!req.user) return void res.status(401).json({ signedIn: false });
    res.json({ signedIn: true, phone: (req.user as User).phone });
  });
  app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.json({ signedIn: false }))));

  return { app, agent: supertest.agent(app), outbox, clock, log, users, strategy, store, passport };
}

/** The session cookie's value in a response, if it set one. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith('sid='));
}
