// server-plugin/src/strategy.ts
// The Passport strategy: checks the code of the verification this session started
// and hands the verified phone number to your `verify` function, like passport-local
// hands it a username and password.

import type { Request } from 'express';
import type {} from 'express-session';
import type passport from 'passport';
import passportCustom from 'passport-custom';
import { PhoneVerifyError } from './errors.js';
import type { PhoneVerifyOptions } from './options.js';
import type { Channel } from './protocol.js';
import { VerificationService } from './service.js';

/** What the session keeps between start and verify. Gone after login (Passport regenerates the session). */
export interface PendingSessionData {
  /** The store's id of the pending verification. */
  id: string;
  /** When it expires (ms since the epoch), to tell "expired" from "never started". */
  expiresAt: number;
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

/**
 * Find or create the user for a verified number.
 * @param phone the number, in E.164 (`+447700900123`), proven to be in the user's hands
 * @param done `done(null, user)` to sign in, `done(null, false, { message })` to refuse, `done(err)` on failure
 */
export type VerifyCallback<User> = (phone: string, done: (error: unknown, user?: User | false, info?: { message?: string }) => void) => void;

/** The same as a function returning (a promise of) the user, or `false` to refuse. */
export type VerifyFunction<User> = (phone: string) => User | false | null | undefined | Promise<User | false | null | undefined>;

/**
 * `new PhoneVerifyStrategy(options, verify)`: register with `passport.use(strategy)`
 * (its name is `'phone-verify'`) and mount `phoneVerifyRouter(strategy)`.
 *
 * @example
 * passport.use(new PhoneVerifyStrategy(
 *   { provider: localProvider({ sender }), allowedCountries: ['GB'] },
 *   async (phone) => users.findOrCreateByPhone(phone),
 * ));
 */
export class PhoneVerifyStrategy<User = unknown> extends CustomStrategy {
  /** The name Passport knows it by: `passport.authenticate('phone-verify')`. */
  override readonly name = 'phone-verify';
  /** Owns the verifications: the router starts them, this strategy checks them. */
  readonly service: VerificationService;

  // Overloads, so `(phone) => …` and `(phone, done) => …` both get their parameter types inferred.
  constructor(options: PhoneVerifyOptions, verify: VerifyFunction<User>);
  constructor(options: PhoneVerifyOptions, verify: VerifyCallback<User>);
  constructor(options: PhoneVerifyOptions, verify: VerifyCallback<User> | VerifyFunction<User>) {
    if (typeof verify !== 'function') throw new TypeError('PhoneVerifyStrategy requires a verify function');
    const service = new VerificationService(options);
    super((req, done) => {
      // passport-custom catches only synchronous throws: every rejection is routed to done().
      authenticatePhone(service, req as Request, verify).then(
        ({ user, info }) => done(null, user, info),
        (error: unknown) => (error instanceof PhoneVerifyError ? done(null, false, error) : done(error)),
      );
    });
    this.service = service;
  }
}

async function authenticatePhone<User>(
  service: VerificationService,
  req: Request,
  verify: VerifyCallback<User> | VerifyFunction<User>,
): Promise<{ user: User | false; info?: PhoneVerifyError }> {
  const code: unknown = req.body?.code;
  if (typeof code !== 'string' || code.length > 32) {
    throw new PhoneVerifyError('invalid_request', 'Send the code as a string: {"code": "123456"}.');
  }
  const pending = req.session?.phoneVerify;
  if (!pending) {
    throw new PhoneVerifyError('no_pending_verification', 'There is no code waiting to be checked; ask for a new one.');
  }
  let verified;
  try {
    verified = await service.check(pending.id, code);
  } catch (error) {
    // The store forgets a verification when it expires; the session remembers when that was.
    if (error instanceof PhoneVerifyError && error.code === 'no_pending_verification' && pending.expiresAt <= service.settings.clock()) {
      throw new PhoneVerifyError('expired', 'That code has expired; ask for a new one.');
    }
    throw error;
  }
  const user = await callVerify(verify, verified.phone);
  if (!user) return { user: false, info: new PhoneVerifyError('forbidden', 'This number cannot sign in here.') };
  return { user };
}

/** Calls `verify` in whichever style it was written: callback (arity 2) or returning a value or promise. */
function callVerify<User>(verify: VerifyCallback<User> | VerifyFunction<User>, phone: string): Promise<User | false> {
  if (verify.length >= 2) {
    return new Promise((resolve, reject) => {
      (verify as VerifyCallback<User>)(phone, (error, user) => (error ? reject(error) : resolve(user ?? false)));
    });
  }
  return Promise.resolve((verify as VerifyFunction<User>)(phone)).then((user) => user ?? false);
}
