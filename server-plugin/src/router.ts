// server-plugin/src/router.ts
// The HTTP face of the plugin: the JSON endpoints <phone-verify> calls. It reads and
// validates requests, keeps the pending verification's id in the session, and turns
// every failure into the protocol's error body.

import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type session from 'express-session';
import passport from 'passport';
import { errors, PhoneVerifyConfigError, PhoneVerifyError } from './errors.js';
import { withExamples } from './examples.js';
import { crossSiteGuard } from './guard.js';
import { accountPhone, completeIntent, INTENT_OPTION_KEYS, readIntent, signedInUser, type IntentOptions } from './intents.js';
import { metadataAnswers } from './metadata.js';
import { checkOptionKeys } from './options.js';
import { pendingStatus, rememberPending, resendOrRestart } from './pending.js';
import { maskPhonesIn } from './phone.js';
import { Endpoints, type Channel, type ErrorBody, type MetadataType, type UserSummary, type VerifyResponse } from './protocol.js';
import type { SendContext } from './service.js';
import type { PendingSessionData, PhoneVerifyStrategy } from './strategy.js';

export interface RouterOptions<User> extends IntentOptions<User> {
  /** What the widget learns about the signed-in user (its `phone-verify-success` event). Default: `{ id }` when the user has one. */
  summarize?: (user: User) => UserSummary;
  /** Where the browser should go after sign-in; sent to the widget, which follows it unless told not to. */
  successRedirect?: string;
  /** The Passport instance the strategy was registered with. Default: the `passport` module. */
  passport?: passport.Authenticator;
  /** Largest JSON body accepted. Default `'2kb'`, or `'8kb'` with a `challenge` (its tokens are long). */
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
  /**
   * Your CAPTCHA (Turnstile, reCAPTCHA, hCaptcha…), asked for only under pressure: when a
   * number's sends are used up by other clients, its range or the world is at its limit,
   * or the breaker is open, `/start` and `/resend` answer 429 `challenge_required` instead
   * of `rate_limited`; the widget shows its `challenge` slot and sends the request again
   * with `challengeToken`, which `verify` checks (`true` lets it through, under the
   * tighter `limits.challenged` quota). Without it, those refusals stay `rate_limited`.
   */
  challenge?: { verify(token: string, req: Request): boolean | Promise<boolean> };
}

/** Longest `challengeToken` read (Turnstile's are at most 2048 characters). */
const MAX_CHALLENGE_TOKEN = 4096;

/** Every key `RouterOptions` has: anything else is a typo (`successRedirct`) refused at start-up. */
const ROUTER_OPTION_KEYS = [
  'summarize',
  'successRedirect',
  'passport',
  'bodyLimit',
  'allowedOrigins',
  'beforeSend',
  'challenge',
  ...INTENT_OPTION_KEYS,
] as const satisfies readonly (keyof RouterOptions<unknown>)[];

/**
 * The session cookie is `secure: true` but this request came over plain HTTP: the
 * browser would never get the cookie, so the code sent now could never be checked
 * (express-session sets no cookie then, and says nothing). Operator help, logged once.
 */
const INSECURE_COOKIE_HELP =
  "the session cookie is set with secure: true but this request is plain HTTP, so express-session sends no cookie and no code could ever be checked; nothing was sent. Serve the app over HTTPS; behind a TLS proxy set app.set('trust proxy', 1) and cookie.secure: 'auto'; in development set cookie.secure: false, or 'auto' (ERR_PV_INSECURE_COOKIE)";

const CHANNELS: ReadonlySet<string> = new Set<Channel>(['sms', 'voice', 'whatsapp', 'flashcall', 'telegram']);

function defaultSummary(user: unknown): UserSummary {
  const id = (user as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? { id } : {};
}

/** Reads an optional string field; anything else there is a client error. */
function optionalString(body: Record<string, unknown>, field: string, maxLength: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw errors.invalidRequest(`"${field}" must be a string of at most ${maxLength} characters.`);
  }
  return value;
}

function optionalChannel(body: Record<string, unknown>): Channel | undefined {
  const channel = optionalString(body, 'channel', 16);
  if (channel !== undefined && !CHANNELS.has(channel)) {
    throw errors.invalidRequest(`"channel" must be one of ${[...CHANNELS].join(', ')}.`);
  }
  return channel as Channel | undefined;
}

function jsonBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.invalidRequest('The body must be a JSON object.');
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
function sessionCookieProblems(cookie: { httpOnly?: boolean | undefined; sameSite?: unknown; secure?: unknown }, production: boolean): string[] {
  const problems: string[] = [];
  if (cookie.httpOnly === false) problems.push('httpOnly is false, so page scripts can read the session id');
  if (cookie.sameSite !== 'lax' && cookie.sameSite !== 'strict' && cookie.sameSite !== true) {
    problems.push(`sameSite is ${JSON.stringify(cookie.sameSite ?? 'unset')}; set 'lax' or 'strict' (a defence in depth against login CSRF)`);
  }
  if (production && cookie.secure !== true)
    problems.push("secure is off, so the session id can travel over plain HTTP; set secure: true (or 'auto' with trust proxy)");
  return problems;
}

/**
 * The Express router for the widget. Mount it where the widget's `endpoint` points:
 * `app.use('/auth/phone', phoneVerifyRouter(strategy))`.
 */
export function phoneVerifyRouter<User>(strategy: PhoneVerifyStrategy<User>, options: RouterOptions<User> = {}): Router {
  if (!strategy || typeof strategy !== 'object' || !strategy.service || typeof (strategy as { authenticate?: unknown }).authenticate !== 'function') {
    throw new PhoneVerifyConfigError(
      'ERR_PV_NO_STRATEGY',
      'phoneVerifyRouter(strategy) needs the PhoneVerifyStrategy you registered with passport.use(), got ' + (strategy === null ? 'null' : typeof strategy),
    );
  }
  checkOptionKeys('phoneVerifyRouter', options ?? {}, ROUTER_OPTION_KEYS);
  const { service } = strategy;
  const authenticator = options.passport ?? passport;
  const summarize = options.summarize ?? defaultSummary;
  const logger = service.settings.logger;
  const router = express.Router();
  let validated = false;
  let cookieChecked = false;
  let insecureCookieLogged = false;

  const guard = crossSiteGuard(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {});
  const parseJson = express.json({ limit: options.bodyLimit ?? (options.challenge ? '8kb' : '2kb'), strict: true });

  /** What every request passes before its route, in this order; `next(error)` ends at the error handler below. */
  const admit = (req: Request, res: Response, next: NextFunction): void => {
    if (!validated) {
      validated = true;
      // express-rate-limit's ERR_ERL_PERMISSIVE_TRUST_PROXY: a setting that trusts every hop
      // lets any client claim any IP in X-Forwarded-For and walk around the per-network limits.
      if (trustsEveryHop(req.app.get('trust proxy fn'))) {
        logger.error(
          `trust proxy ${JSON.stringify(String(req.app.get('trust proxy')))} trusts every hop, so clients choose their own IP and evade the per-network send limit; set the number of proxies instead, e.g. app.set('trust proxy', 1) (ERR_PV_PERMISSIVE_TRUST_PROXY)`,
        );
      }
    }
    if (!cookieChecked && req.session?.cookie) {
      cookieChecked = true;
      const problems = sessionCookieProblems(req.session.cookie, process.env.NODE_ENV === 'production');
      if (problems.length > 0) logger.warn(`the session cookie is weak: ${problems.join('; ')} (ERR_PV_SESSION_COOKIE)`);
    }
    // Answers here are about one person's sign-in: no cache may keep them.
    res.set('Cache-Control', 'no-store');
    // Before the body is even read: a cross-site request costs nothing and reaches no provider.
    guard(req, res, (refused?: unknown) => {
      if (refused) return next(refused);
      parseJson(req, res, (error?: unknown) => {
        // Called back by body-parser, outside the router's own try: a throw must still reach the error handler.
        try {
          // Security fix: a body that fails to decompress (Content-Encoding: gzip/deflate/br with bad
          // data) reaches here from zlib with no body-parser `type`, and was answered 500 internal_error
          // with a stack in the log: any client could raise server errors and log noise at will.
          if (error !== undefined && error !== null && (error as { type?: unknown }).type === undefined) {
            return next(errors.invalidRequest('The body could not be decompressed.', { cause: error }));
          }
          if (error) return next(error);
          // A JSON endpoint refuses "simple" content types, which a cross-site form could send.
          if (req.method === 'POST' && req.headers['content-length'] !== '0' && !req.is('application/json') && req.headers['content-type'] !== undefined) {
            return next(errors.invalidRequest('Send JSON with Content-Type: application/json.', { status: 415 }));
          }
          if (req.method !== 'POST' || req.session?.cookie?.secure !== true || req.secure) return next();
          if (!insecureCookieLogged) {
            insecureCookieLogged = true;
            logger.error(INSECURE_COOKIE_HELP);
          }
          const refusal = new PhoneVerifyError(
            'internal_error',
            'The server cannot keep a session over this connection; its log says what to change (ERR_PV_INSECURE_COOKIE).',
          );
          res.status(refusal.status).json(refusal.toJSON());
        } catch (thrown) {
          next(thrown);
        }
      });
    });
  };
  // One middleware rather than five: each layer of a router costs its dispatch on every request (the /start and /verify profiles).
  router.use(admit);

  // Computed once: an example number per country costs the widget's bundle nothing here.
  const config = withExamples(service.describe());
  router.get(Endpoints.config, (_req, res) => {
    res.json(config);
  });

  // Public, static data (the same for everyone until the configuration changes): cacheable, no session.
  const metadata = metadataAnswers(service.settings.allowedCountries);
  router.get(Endpoints.metadata, (req, res) => {
    const type = req.query.type ?? 'min';
    if (type !== 'min' && type !== 'mobile') throw errors.invalidRequest('"type" must be min or mobile.');
    const answer = metadata(type as MetadataType);
    res.set({ 'Cache-Control': 'public, max-age=86400', ETag: answer.etag });
    if (req.fresh) return void res.status(304).end();
    res.type('json').send(answer.body);
  });

  /** Who asks for a send: the client's IP, and for a new number the application's bot check. */
  const sendContext = (req: Request, newNumber: boolean): SendContext => {
    const context: SendContext = {};
    if (req.ip !== undefined) context.ip = req.ip;
    const { beforeSend, challenge } = options;
    if (beforeSend && newNumber) context.beforeSend = (phone) => beforeSend(req, phone);
    if (challenge) {
      const token = optionalString(jsonBody(req), 'challengeToken', MAX_CHALLENGE_TOKEN);
      context.challenge = { verify: (t) => challenge.verify(t, req), ...(token === undefined || token === '' ? {} : { token }) };
    }
    return context;
  };

  router.post(
    Endpoints.start,
    handle(async (req, res) => {
      requireSession(req);
      const body = jsonBody(req);
      const { intent, purpose } = readIntent(body, strategy, options);
      // link and stepup are for the signed-in; stepup's number is the account's, never the request's.
      const user = intent === 'link' || intent === 'stepup' ? signedInUser<User>(req) : undefined;
      const phone = intent === 'stepup' ? await accountPhone(user as User, options) : body.phone;
      if (typeof phone !== 'string') throw errors.invalidRequest('"phone" is required and must be a string.');
      const input: Parameters<typeof service.start>[0] = { phone };
      const country = optionalString(body, 'country', 2);
      const channel = optionalChannel(body);
      const locale = optionalString(body, 'locale', 35);
      if (country !== undefined && intent !== 'stepup') input.country = country.toUpperCase();
      if (channel !== undefined) input.channel = channel;
      if (locale !== undefined) input.locale = locale;

      const { verification, response } = await service.start(input, sendContext(req, true));
      const previous = req.session.phoneVerify;
      rememberPending(req, verification, { intent, purpose });
      // A new number replaces the old verification: its code must stop working.
      if (previous) await service.cancel(previous.id);
      res.json(response);
    }),
  );

  router.post(
    Endpoints.resend,
    handle(async (req, res) => {
      requireSession(req);
      const body = jsonBody(req);
      const input: Parameters<typeof service.resend>[1] = {};
      const channel = optionalChannel(body);
      const locale = optionalString(body, 'locale', 35);
      if (channel !== undefined) input.channel = channel;
      if (locale !== undefined) input.locale = locale;
      // After expiry this starts a new verification for the same number (pending.ts).
      res.json(await resendOrRestart(req, service, input, sendContext(req, false)));
    }),
  );

  router.get(
    Endpoints.status,
    handle(async (req, res) => {
      requireSession(req);
      res.json(await pendingStatus(req, service));
    }),
  );

  router.post(Endpoints.verify, (req, res, next) => {
    requireSession(req);
    // The number of the verification being checked (the login regenerates the session): the widget's form value,
    // also when a reloaded page resumed with the number masked.
    const verifiedPhone = req.session.phoneVerify?.phone;
    const pendingBefore = req.session.phoneVerify;
    const intent = pendingBefore?.intent;
    if (intent !== undefined && intent !== 'signin') {
      // No login here: the code is checked on the same budget as a sign-in, then the intent finishes.
      return void strategy
        .checkPending(req)
        .then(async (verified) => {
          delete req.session.phoneVerify;
          try {
            res.json(await completeIntent(req, intent, verified, pendingBefore!.purpose, strategy, { ...options, summarize }));
          } catch (error) {
            // Your link or phoneOf failed (a database down?): nothing was done, so the code must work again.
            if (!(error instanceof PhoneVerifyError)) {
              await service.restore(verified).catch(() => undefined);
              if (pendingBefore) req.session.phoneVerify = pendingBefore;
            }
            throw error;
          }
        })
        .catch(next);
    }
    // A per-request copy of this router's own strategy, as Passport makes of a registered
    // one: it works whatever name the strategy was registered under (options.name,
    // NestJS's PassportStrategy(…, 'name')), and concurrent requests never share state.
    authenticator.authenticate(Object.create(strategy) as passport.Strategy, (error: unknown, user: User | false, info: unknown) => {
      if (error) return next(error);
      if (!user) {
        return next(info instanceof PhoneVerifyError ? info : errors.cannotSignIn());
      }
      // req.login regenerates the session (Passport ≥ 0.6): the pre-login id and the pending verification are gone.
      // Regenerate replaces req.session with a new object and leaves this one as it is, so a reference keeps
      // it: it is copied only if the login fails (a copy at every sign-in showed in the /verify profile).
      const preLogin = { id: req.sessionID, session: req.session };
      req.login(user, (loginError) => {
        if (loginError) {
          // The session store failed at sign-in: nobody is signed in, and the code must work again.
          logger.error(
            `session store failed at sign-in; nobody was signed in and the code stays usable: ${maskPhonesIn(String((loginError as Error)?.message ?? loginError))}`,
          );
          return void undoSignIn(req, preLogin, pendingBefore, strategy).then(() => next(errors.busy(loginError)), next);
        }
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

  router.post(
    Endpoints.cancel,
    handle(async (req, res) => {
      requireSession(req);
      const pending = req.session.phoneVerify;
      delete req.session.phoneVerify;
      if (pending) await service.cancel(pending.id);
      res.json({ status: 'canceled' });
    }),
  );

  router.use((_req, _res, next) => {
    next(errors.notFound());
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

/**
 * Whether Express's compiled `trust proxy` trusts any address at any depth: `true`,
 * `Infinity` (or any huge hop count), ranges that cover the Internet (`0.0.0.0/1` with
 * `128.0.0.0/1`, `::ffff:0:0/96`; Express itself refuses `0.0.0.0/0` and `::/0`), or a
 * function that says yes to everyone. A hop count or a list of proxy addresses says no
 * to a stranger 1000 hops away.
 */
function trustsEveryHop(trust: unknown): boolean {
  if (typeof trust !== 'function') return false;
  const probe = trust as (address: string, hop: number) => boolean;
  try {
    // Public addresses from both halves of IPv4 and from IPv6 global unicast: no real proxy list holds them all.
    return ['203.0.113.9', '9.9.9.9', '2001:db8:1234::9'].some((address) => probe(address, 1000) === true);
  } catch {
    return false;
  }
}

/**
 * Puts back what a failed sign-in took: the verification (so the same code can be tried
 * again) and the browser's pre-login session (Passport regenerated it, and its new one,
 * carrying the user, was never saved: it must not be saved later either).
 */
async function undoSignIn(
  req: Request,
  preLogin: { id: string; session: session.Session },
  pending: PendingSessionData | undefined,
  strategy: PhoneVerifyStrategy<unknown>,
): Promise<void> {
  await strategy.restoreVerification(req);
  // express-session's own way to rebuild a session object from stored data; other session middleware keeps what it has.
  if (typeof req.sessionStore?.createSession !== 'function') return;
  // Its data as a store would hold it; the strategy dropped the used-up verification from it, and it goes back too.
  const data = JSON.parse(JSON.stringify(preLogin.session)) as session.SessionData;
  if (pending) data.phoneVerify = pending;
  req.sessionID = preLogin.id;
  req.sessionStore.createSession(req, data);
  // Regenerate may have destroyed it before the save failed: write it back, if the store lets us now.
  await new Promise<void>((resolve) => req.session.save(() => resolve()));
}

/** Body-parser errors carry a `type`; anything unknown is an internal error. */
function toPhoneVerifyError(error: unknown): PhoneVerifyError {
  if (error instanceof PhoneVerifyError) return error;
  const type = (error as { type?: unknown })?.type;
  switch (type) {
    case 'entity.parse.failed':
      return errors.invalidRequest('The body is not valid JSON.');
    case 'entity.too.large':
      return errors.invalidRequest('The body is too large.', { status: 413 });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return errors.invalidRequest('Send the body as UTF-8 JSON.', { status: 415 });
    case 'request.aborted':
    case 'request.size.invalid':
      return errors.invalidRequest('The body was cut short.');
    default:
      return errors.internal(error);
  }
}
