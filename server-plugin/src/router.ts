// server-plugin/src/router.ts
// The HTTP face of the plugin: the JSON endpoints <phone-verify> calls. It reads and
// validates requests, keeps the pending verification's id in the session, and turns
// every failure into the protocol's error body.

import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type {} from 'express-session';
import passport from 'passport';
import { PhoneVerifyError } from './errors.js';
import { crossSiteGuard } from './guard.js';
import { metadataAnswers } from './metadata.js';
import { pendingStatus, rememberPending, resendOrRestart } from './pending.js';
import { maskPhonesIn } from './phone.js';
import { Endpoints, type Channel, type ErrorBody, type MetadataType, type UserSummary, type VerifyResponse } from './protocol.js';
import type { SendContext } from './service.js';
import type { PhoneVerifyStrategy } from './strategy.js';

export interface RouterOptions<User> {
  /** What the widget learns about the signed-in user (its `phone-verify-success` event). Default: `{ id }` when the user has one. */
  summarize?: (user: User) => UserSummary;
  /** Where the browser should go after sign-in; sent to the widget, which follows it unless told not to. */
  successRedirect?: string;
  /** The Passport instance the strategy was registered with. Default: the `passport` module. */
  passport?: passport.Authenticator;
  /** Largest JSON body accepted. Default `'2kb'`. */
  bodyLimit?: string;
  /**
   * Origins besides the page's own that may call the endpoints. Default: none, so a
   * request from another site is refused with 403 `forbidden` (login CSRF defence).
   */
  allowedOrigins?: readonly string[];
  /**
   * Your last check before a code is sent to a new number, e.g. a CAPTCHA token in the
   * body or a bot score: return `false` (or throw a PhoneVerifyError) to refuse with
   * `forbidden`. Runs after the country and line-type checks, before the send limits.
   */
  beforeSend?: (req: Request, phone: string) => boolean | void | Promise<boolean | void>;
}

const CHANNELS: ReadonlySet<string> = new Set<Channel>(['sms', 'voice', 'whatsapp']);

function defaultSummary(user: unknown): UserSummary {
  const id = (user as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? { id } : {};
}

/** Reads an optional string field; anything else there is a client error. */
function optionalString(body: Record<string, unknown>, field: string, maxLength: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new PhoneVerifyError('invalid_request', `"${field}" must be a string of at most ${maxLength} characters.`);
  }
  return value;
}

function optionalChannel(body: Record<string, unknown>): Channel | undefined {
  const channel = optionalString(body, 'channel', 16);
  if (channel !== undefined && !CHANNELS.has(channel)) {
    throw new PhoneVerifyError('invalid_request', `"channel" must be one of ${[...CHANNELS].join(', ')}.`);
  }
  return channel as Channel | undefined;
}

function jsonBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PhoneVerifyError('invalid_request', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function requireSession(req: Request): void {
  if (!req.session || typeof req.session.regenerate !== 'function') {
    throw new TypeError('phone-verify needs express-session (or a store with regenerate()) mounted before its router (ERR_PV_NO_SESSION)');
  }
}

/**
 * Routes an async handler's rejection to `next`. Express 5 does this itself; Express 4
 * does not, and a throwing handler there would leave the request hanging.
 */
const handle =
  (handler: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };

/**
 * What is weak in the session cookie's settings (NIST 800-63B-4 §5.1.1, OWASP session
 * cheat sheet): read from the first session, since the router cannot see the
 * session middleware's options.
 */
function sessionCookieProblems(cookie: { httpOnly?: boolean; sameSite?: unknown; secure?: unknown }, production: boolean): string[] {
  const problems: string[] = [];
  if (cookie.httpOnly === false) problems.push('httpOnly is false, so page scripts can read the session id');
  if (cookie.sameSite !== 'lax' && cookie.sameSite !== 'strict' && cookie.sameSite !== true) {
    problems.push(`sameSite is ${JSON.stringify(cookie.sameSite ?? 'unset')}; set 'lax' or 'strict' (a defence in depth against login CSRF)`);
  }
  if (production && cookie.secure !== true) problems.push("secure is off, so the session id can travel over plain HTTP; set secure: true (or 'auto' with trust proxy)");
  return problems;
}

/**
 * The Express router for the widget. Mount it where the widget's `endpoint` points:
 * `app.use('/auth/phone', phoneVerifyRouter(strategy))`.
 */
export function phoneVerifyRouter<User>(strategy: PhoneVerifyStrategy<User>, options: RouterOptions<User> = {}): Router {
  const { service } = strategy;
  const authenticator = options.passport ?? passport;
  const summarize = options.summarize ?? defaultSummary;
  const logger = service.settings.logger;
  const router = express.Router();
  let validated = false;
  let cookieChecked = false;

  router.use((req, res, next) => {
    if (!validated) {
      validated = true;
      // express-rate-limit's ERR_ERL_PERMISSIVE_TRUST_PROXY: with `true`, any client can
      // claim any IP in X-Forwarded-For and walk around the per-network send limit.
      if (req.app.get('trust proxy') === true) {
        logger.error("app.set('trust proxy', true) lets clients choose their own IP and evade the per-network send limit; set the number of proxies instead, e.g. app.set('trust proxy', 1) (ERR_PV_PERMISSIVE_TRUST_PROXY)");
      }
    }
    if (!cookieChecked && req.session?.cookie) {
      cookieChecked = true;
      const problems = sessionCookieProblems(req.session.cookie, process.env.NODE_ENV === 'production');
      if (problems.length > 0) logger.warn(`the session cookie is weak: ${problems.join('; ')} (ERR_PV_SESSION_COOKIE)`);
    }
    // Answers here are about one person's sign-in: no cache may keep them.
    res.set('Cache-Control', 'no-store');
    next();
  });
  // Before the body is even read: a cross-site request costs nothing and reaches no provider.
  router.use(crossSiteGuard(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}));
  const parseJson = express.json({ limit: options.bodyLimit ?? '2kb', strict: true });
  router.use((req, res, next) => {
    parseJson(req, res, (error?: unknown) => {
      // Security fix: a body that fails to decompress (Content-Encoding: gzip/deflate/br with bad
      // data) reaches here from zlib with no body-parser `type`, and was answered 500 internal_error
      // with a stack in the log: any client could raise server errors and log noise at will.
      if (error !== undefined && error !== null && (error as { type?: unknown }).type === undefined) {
        return next(new PhoneVerifyError('invalid_request', 'The body could not be decompressed.', { cause: error }));
      }
      next(error as Error | undefined);
    });
  });
  router.use((req, _res, next) => {
    // A JSON endpoint refuses "simple" content types, which a cross-site form could send.
    if (req.method === 'POST' && req.headers['content-length'] !== '0' && !req.is('application/json') && req.headers['content-type'] !== undefined) {
      return next(new PhoneVerifyError('invalid_request', 'Send JSON with Content-Type: application/json.', { status: 415 }));
    }
    next();
  });

  router.get(Endpoints.config, (_req, res) => {
    res.json(service.describe());
  });

  // Public, static data (the same for everyone until the configuration changes): cacheable, no session.
  const metadata = metadataAnswers(service.settings.allowedCountries);
  router.get(Endpoints.metadata, (req, res) => {
    const type = req.query.type ?? 'min';
    if (type !== 'min' && type !== 'mobile') throw new PhoneVerifyError('invalid_request', '"type" must be min or mobile.');
    const answer = metadata(type as MetadataType);
    res.set({ 'Cache-Control': 'public, max-age=86400', ETag: answer.etag });
    if (req.fresh) return void res.status(304).end();
    res.type('json').send(answer.body);
  });

  /** Who asks for a send: the client's IP, and for a new number the application's bot check. */
  const sendContext = (req: Request, newNumber: boolean): SendContext => {
    const context: SendContext = {};
    if (req.ip !== undefined) context.ip = req.ip;
    const { beforeSend } = options;
    if (beforeSend && newNumber) context.beforeSend = (phone) => beforeSend(req, phone);
    return context;
  };

  router.post(Endpoints.start, handle(async (req, res) => {
    requireSession(req);
    const body = jsonBody(req);
    const phone = body.phone;
    if (typeof phone !== 'string') throw new PhoneVerifyError('invalid_request', '"phone" is required and must be a string.');
    const input: Parameters<typeof service.start>[0] = { phone };
    const country = optionalString(body, 'country', 2);
    const channel = optionalChannel(body);
    const locale = optionalString(body, 'locale', 35);
    if (country !== undefined) input.country = country.toUpperCase();
    if (channel !== undefined) input.channel = channel;
    if (locale !== undefined) input.locale = locale;

    const { verification, response } = await service.start(input, sendContext(req, true));
    const previous = req.session.phoneVerify;
    rememberPending(req, verification);
    // A new number replaces the old verification: its code must stop working.
    if (previous) await service.cancel(previous.id);
    res.json(response);
  }));

  router.post(Endpoints.resend, handle(async (req, res) => {
    requireSession(req);
    const body = jsonBody(req);
    const input: Parameters<typeof service.resend>[1] = {};
    const channel = optionalChannel(body);
    const locale = optionalString(body, 'locale', 35);
    if (channel !== undefined) input.channel = channel;
    if (locale !== undefined) input.locale = locale;
    // After expiry this starts a new verification for the same number (pending.ts).
    res.json(await resendOrRestart(req, service, input, sendContext(req, false)));
  }));

  router.get(Endpoints.status, handle(async (req, res) => {
    requireSession(req);
    res.json(await pendingStatus(req, service));
  }));

  router.post(Endpoints.verify, (req, res, next) => {
    requireSession(req);
    // The number of the verification being checked (the login regenerates the session): the widget's form value,
    // also when a reloaded page resumed with the number masked.
    const verifiedPhone = req.session.phoneVerify?.phone;
    authenticator.authenticate(strategy.name, (error: unknown, user: User | false, info: unknown) => {
      if (error) return next(error);
      if (!user) {
        return next(info instanceof PhoneVerifyError ? info : new PhoneVerifyError('forbidden', 'This number cannot sign in here.'));
      }
      // req.login regenerates the session (Passport ≥ 0.6): the pre-login id and the pending verification are gone.
      req.login(user, (loginError) => {
        if (loginError) return next(loginError);
        // This runs in a session-store callback, outside Express's reach: a throwing summarize would crash the process.
        try {
          const answer: VerifyResponse = { status: 'approved', user: summarize(user) };
          if (verifiedPhone) answer.phone = verifiedPhone;
          if (options.successRedirect) answer.redirect = options.successRedirect;
          res.json(answer);
        } catch (error) {
          next(error);
        }
      });
    })(req, res, next);
  });

  router.post(Endpoints.cancel, handle(async (req, res) => {
    requireSession(req);
    const pending = req.session.phoneVerify;
    delete req.session.phoneVerify;
    if (pending) await service.cancel(pending.id);
    res.json({ status: 'canceled' });
  }));

  router.use((_req, _res, next) => {
    next(new PhoneVerifyError('not_found', 'No such phone-verify endpoint.'));
  });

  // One place turns every failure into the protocol's error body; no stack trace leaves the server.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const failure = toPhoneVerifyError(error);
    if (failure.code === 'internal_error') logger.error(`internal error: ${maskPhonesIn(String((error as Error)?.stack ?? error))}`);
    if (failure.retryAfter !== undefined) res.set('Retry-After', String(failure.retryAfter));
    const body: ErrorBody = failure.toJSON();
    res.status(failure.status).json(body);
  });

  return router;
}

/** Body-parser errors carry a `type`; anything unknown is an internal error. */
function toPhoneVerifyError(error: unknown): PhoneVerifyError {
  if (error instanceof PhoneVerifyError) return error;
  const type = (error as { type?: unknown })?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new PhoneVerifyError('invalid_request', 'The body is not valid JSON.');
    case 'entity.too.large':
      return new PhoneVerifyError('invalid_request', 'The body is too large.', { status: 413 });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new PhoneVerifyError('invalid_request', 'Send the body as UTF-8 JSON.', { status: 415 });
    case 'request.aborted':
    case 'request.size.invalid':
      return new PhoneVerifyError('invalid_request', 'The body was cut short.');
    default:
      return new PhoneVerifyError('internal_error', 'Something went wrong on the server.', { cause: error });
  }
}
