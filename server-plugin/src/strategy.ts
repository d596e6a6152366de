// server-plugin/src/strategy.ts
// The Passport strategy: checks the code of the verification this session started
// and hands the verified phone number to your `verify` function, like passport-local
// hands it a username and password.

import type { Request } from 'express';
import type {} from 'express-session';
import type passport from 'passport';
import passportCustom from 'passport-custom';
import { errors, PhoneVerifyConfigError, PhoneVerifyError } from './errors.js';
import type { Logger } from './logger.js';
import type { PhoneVerifyOptions } from './options.js';
import { PhoneProofs, type VerifyPhoneProofOptions } from './proof.js';
import type { Channel, Intent } from './protocol.js';
import { VerificationService } from './service.js';
import { failClosedStore, type Verification } from './store.js';

/** What the session keeps between start and verify. Gone after login (Passport regenerates the session). */
export interface PendingSessionData {
  /** The store's id of the pending verification. */
  id: string;
  /** When it expires (ms since the epoch), to tell "expired" from "never started". */
  expiresAt: number;
  /** What it was started for; absent means `signin`. */
  intent?: Intent;
  /** `verify`: the purpose its proof will carry. */
  purpose?: string;
  /** The number (E.164) and the channel of the latest send: "Send a new code" after expiry starts again with them. */
  phone?: string;
  channel?: Channel;
}

// passport-custom types its name as the literal 'custom'; a subclass needs its own.
const CustomStrategy = passportCustom.Strategy as unknown as new (verify: passportCustom.VerifyCallback) => passport.Strategy;

declare module 'express-session' {
  interface SessionData {
    phoneVerify?: PendingSessionData;
  }
}

/** What `verify` hands back through `done`: `done(null, user)` signs in, `done(null, false, { message })` refuses, `done(err)` fails. */
export type VerifiedCallback<User> = (error: unknown, user?: User | false | null, info?: { message?: string }) => void;

/** What `verify` may return instead of calling `done`: the user, `false` (or nothing) to refuse, or a promise of either. */
export type VerifyResult<User> = User | false | null | undefined | void | Promise<User | false | null | undefined | void>;

/**
 * Find or create the user for a verified number. Write it either way, like
 * passport-local's verify: call `done(null, user)`, or return (a promise of) the user.
 * `done` is always passed (so NestJS's `PassportStrategy` wrapper works); the first
 * answer counts and a second is ignored with a warning.
 * @param phone the number, in E.164 (`+447700900123`), proven to be in the user's hands
 */
export type VerifyFunction<User> = (phone: string, done: VerifiedCallback<User>) => VerifyResult<User>;

/** The callback style on its own: what it returns is ignored (as passport-local ignores it), `done` answers. */
export type VerifyCallback<User> = (phone: string, done: VerifiedCallback<User>) => void;

/** With `passReqToCallback: true`, the request comes first (passport-local's `verify(req, username, password, done)`). */
export type VerifyFunctionWithRequest<User> = (req: Request, phone: string, done: VerifiedCallback<User>) => VerifyResult<User>;

/** The request-first callback style: what it returns is ignored, `done` answers. */
export type VerifyCallbackWithRequest<User> = (req: Request, phone: string, done: VerifiedCallback<User>) => void;

/** Options of the strategy: the plugin's options plus `passReqToCallback`. */
export type PhoneVerifyStrategyOptions = PhoneVerifyOptions;

type AnyVerify<User> = VerifyFunction<User> | VerifyFunctionWithRequest<User> | VerifyCallback<User> | VerifyCallbackWithRequest<User>;

/**
 * `new PhoneVerifyStrategy(options, verify)`: register with `passport.use(strategy)`
 * (its name is `'phone-verify'` unless `options.name` says otherwise) and mount
 * `phoneVerifyRouter(strategy)`.
 *
 * @example
 * passport.use(new PhoneVerifyStrategy(
 *   { provider: localProvider({ sender }), allowedCountries: ['GB'] },
 *   async (phone) => users.findOrCreateByPhone(phone),
 * ));
 */
export class PhoneVerifyStrategy<User = unknown> extends CustomStrategy {
  /** The name Passport knows it by: `passport.authenticate('phone-verify')`, or `options.name`. */
  override readonly name: string;
  /** Owns the verifications: the router starts them, this strategy checks them. */
  readonly service: VerificationService;
  /** Issues and checks phone proofs (the `verify` intent); undefined without `options.proof`. */
  readonly proofs: PhoneProofs | undefined;

  // Overloads in pairs with the same parameters, so `(phone, done) => …` is typed without
  // annotations under strict (no TS7006): first the returning style, whose result is
  // checked against User, then the callback style, whose result is ignored.
  constructor(options: PhoneVerifyOptions & { passReqToCallback: true }, verify: VerifyFunctionWithRequest<User>);
  constructor(options: PhoneVerifyOptions & { passReqToCallback: true }, verify: VerifyCallbackWithRequest<User>);
  constructor(options: PhoneVerifyOptions & { passReqToCallback?: false }, verify: VerifyFunction<User>);
  constructor(options: PhoneVerifyOptions & { passReqToCallback?: false }, verify: VerifyCallback<User>);
  // Options typed as plain PhoneVerifyOptions (built elsewhere): the phone-first styles.
  constructor(options: PhoneVerifyOptions, verify: VerifyFunction<User>);
  constructor(options: PhoneVerifyOptions, verify: VerifyCallback<User>);
  constructor(options: PhoneVerifyOptions, verify: AnyVerify<User>) {
    if (typeof verify !== 'function') throw new TypeError('PhoneVerifyStrategy requires a verify function');
    const service = new VerificationService(options);
    const name = options.name ?? 'phone-verify';
    if (typeof name !== 'string' || name === '') {
      throw new PhoneVerifyConfigError('ERR_PV_NAME', 'options.name must be a non-empty string, the name passport.use() registers the strategy under');
    }
    const withRequest = options.passReqToCallback === true;
    const logger = service.settings.logger;
    if (options.whenSignedIn !== undefined && options.whenSignedIn !== 'refuse' && options.whenSignedIn !== 'switch') {
      throw new PhoneVerifyConfigError(
        'ERR_PV_WHEN_SIGNED_IN',
        `options.whenSignedIn must be 'refuse' or 'switch', got ${JSON.stringify(options.whenSignedIn)}`,
      );
    }
    const signedIn = { switch: options.whenSignedIn === 'switch', sameUser: options.sameUser ?? sameAccount };
    super((req, done) => {
      // passport-custom catches only synchronous throws: every rejection is routed to done().
      authenticatePhone(service, req as Request, signedIn, (phone) => callVerify(verify, withRequest, req as Request, phone, logger)).then(
        ({ user, info }) => done(null, user, info),
        (error: unknown) => (error instanceof PhoneVerifyError ? done(null, false, error) : done(error)),
      );
    });
    this.name = name;
    this.service = service;
    this.proofs = options.proof ? new PhoneProofs(options.proof, failClosedStore(service.settings.store, logger), service.settings.clock) : undefined;
  }

  /**
   * The number a phone proof (the `verify` intent's answer) was made for, checked and
   * used up: call it in the handler the proof is posted to. Throws a PhoneVerifyError
   * `proof_invalid`, `proof_expired`, `proof_used` or `proof_wrong_purpose`.
   */
  async verifyPhoneProof(token: unknown, options: VerifyPhoneProofOptions): Promise<string> {
    if (!this.proofs) throw new PhoneVerifyConfigError('ERR_PV_NO_PROOF', 'verifyPhoneProof needs the strategy option proof: { secret, audience }');
    return (await this.proofs.verify(token, options)).phone;
  }

  /** The router's check for intents other than `signin`: the same code check and budget, no login. */
  checkPending(req: Request): Promise<Verification> {
    return checkPendingCode(this.service, req);
  }

  /**
   * Puts back the verification this request's right code consumed, when the sign-in it
   * was for did not happen (the session store failed to save): the same code works again.
   * Best effort: if the store cannot take it back either, the user asks for a new code.
   */
  async restoreVerification(req: Request): Promise<void> {
    const verification = consumed.get(req);
    if (!verification) return;
    consumed.delete(req);
    await this.service.restore(verification).catch(() => undefined);
  }
}

/** The verification each signing-in request consumed, until its session is saved (or the request is gone). */
const consumed = new WeakMap<Request, Verification>();

/** The same account: the same object, or the same `id` (a deserialized req.user is another object). */
function sameAccount(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const idOf = (user: unknown): unknown => (user as { id?: unknown } | null | undefined)?.id;
  const id = idOf(a);
  return (typeof id === 'string' || typeof id === 'number') && id === idOf(b);
}

/** Checks the code in the body against this session's pending verification; consumes it when right. */
async function checkPendingCode(service: VerificationService, req: Request): Promise<Verification> {
  const code: unknown = req.body?.code;
  if (typeof code !== 'string' || code.length > 32) {
    throw errors.invalidRequest('Send the code as a string: {"code": "123456"}.');
  }
  const pending = req.session?.phoneVerify;
  if (!pending) {
    throw errors.gone();
  }
  try {
    return await service.check(pending.id, code);
  } catch (error) {
    // The store forgets a verification when it expires; the session remembers when that was.
    if (error instanceof PhoneVerifyError && error.code === 'no_pending_verification' && pending.expiresAt <= service.settings.clock()) {
      throw errors.expired();
    }
    throw error;
  }
}

async function authenticatePhone<User>(
  service: VerificationService,
  req: Request,
  signedIn: { switch: boolean; sameUser: (a: unknown, b: unknown) => boolean },
  verify: (phone: string) => Promise<User | false>,
): Promise<{ user: User | false; info?: PhoneVerifyError }> {
  const verified = await checkPendingCode(service, req);
  consumed.set(req, verified);
  // Used up: a session Passport does not regenerate ({ session: false }) must not keep pointing at it.
  const pending = req.session.phoneVerify;
  delete req.session.phoneVerify;
  let user;
  try {
    user = await verify(verified.phone);
  } catch (error) {
    // Your verify failed (a database down?): nobody signed in, so the code must work again.
    consumed.delete(req);
    await service.restore(verified).catch(() => undefined);
    if (pending) req.session.phoneVerify = pending;
    throw error;
  }
  if (!user) return { user: false, info: errors.cannotSignIn() };
  // Never switch accounts by surprise: a signed-in alice who proves bob's number stays alice.
  const current = (req as { user?: unknown }).user;
  if (current && !signedIn.switch && !signedIn.sameUser(current, user)) {
    consumed.delete(req);
    return { user: false, info: errors.alreadySignedIn() };
  }
  return { user };
}

/**
 * Calls `verify` with `done` always passed, and takes whichever answer comes first:
 * `done(…)` or the returned value or promise. NestJS's `PassportStrategy` mixin wraps
 * `validate` in `(...params) => …` (no declared parameters) and calls the last
 * argument as `done`, so the strategy cannot choose a style by counting parameters.
 * When `verify` declares `done` (callback style), only a returned promise counts, and
 * one that settles on `undefined` means "I will call done"; a plain return value is
 * ignored, as passport-local ignores it (`(phone, done) => setImmediate(…)`). When it
 * does not declare `done`, what it returns is the answer, `undefined` meaning refused.
 */
function callVerify<User>(verify: AnyVerify<User>, withRequest: boolean, req: Request, phone: string, logger: Logger): Promise<User | false> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const done: VerifiedCallback<User> = (error, user) => {
      if (answered) {
        logger.warn('verify answered twice (done called again, or done called and a value returned); the first answer counts (ERR_PV_VERIFY_TWICE)');
        return;
      }
      answered = true;
      if (error) reject(error);
      else resolve(user ?? false);
    };
    const declaresDone = verify.length >= (withRequest ? 3 : 2);
    let returned: VerifyResult<User>;
    try {
      returned = withRequest ? (verify as VerifyFunctionWithRequest<User>)(req, phone, done) : (verify as VerifyFunction<User>)(phone, done);
    } catch (error) {
      if (!answered) done(error);
      return;
    }
    const isPromise = typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function';
    if (declaresDone && !isPromise) return;
    Promise.resolve(returned).then(
      (user) => {
        if (answered) {
          if (user !== undefined) logger.warn('verify answered twice (done called and a value returned); the first answer counts (ERR_PV_VERIFY_TWICE)');
          return;
        }
        if (user === undefined && declaresDone) return; // it will call done
        done(null, user ?? false);
      },
      (error: unknown) => {
        if (!answered) done(error ?? new Error('verify rejected without a reason'));
      },
    );
  });
}
