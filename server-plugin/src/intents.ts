// server-plugin/src/intents.ts
// What a proven number is for, beyond sign-in: `verify` (a phone proof, no login),
// `link` (the signed-in user adds or changes their number) and `stepup` (the signed-in
// user re-proves their own number). The router reads the intent at start and hands the
// proven verification here; the server decides what each intent may do, never the client.

import type { Request } from 'express';
import type {} from 'express-session';
import { errors } from './errors.js';
import { PURPOSE_PATTERN } from './proof.js';
import type { Intent, VerifyResponse } from './protocol.js';
import type { PhoneVerifyStrategy } from './strategy.js';
import type { Verification } from './store.js';

/** What a successful step-up leaves in the session, for `requireRecentPhoneVerification`. */
export interface StepUpStamp {
  /** When the number was re-proven (ms since the epoch). */
  at: number;
  /** The number re-proven, E.164. */
  phone: string;
}

declare module 'express-session' {
  interface SessionData {
    phoneVerifyStepUp?: StepUpStamp;
  }
}

/** The router's options for `link` and `stepup`. */
export interface IntentOptions<User> {
  /**
   * The `link` intent: save the proven number on the signed-in user. Called only once
   * the code is proven. Return `false` when the number belongs to another account
   * (answered `phone_taken`), anything else when it is saved. Without it, `link` is refused.
   */
  link?: (user: User, phone: string, req: Request) => unknown;
  /** The number on a user's account, E.164, or undefined. Needed by `stepup` (and tells `onPhoneChanged` the old number). */
  phoneOf?: (user: User) => string | null | undefined | Promise<string | null | undefined>;
  /** After `link` changed a number: e.g. tell the old number (OWASP ASVS 5.0 V6.3.6). Its failure is logged, not answered. */
  onPhoneChanged?: (user: User, oldPhone: string | undefined, newPhone: string) => unknown;
}

export const INTENT_OPTION_KEYS = ['link', 'phoneOf', 'onPhoneChanged'] as const;

const INTENTS: ReadonlySet<string> = new Set<Intent>(['signin', 'verify', 'link', 'stepup']);

/** The intent and purpose a start request asks for, checked against what this server offers. */
export function readIntent<User>(
  body: Record<string, unknown>,
  strategy: PhoneVerifyStrategy<User>,
  options: IntentOptions<User>,
): { intent: Intent; purpose?: string } {
  const intent = body.intent ?? 'signin';
  if (typeof intent !== 'string' || !INTENTS.has(intent)) {
    throw errors.invalidRequest(`"intent" must be one of ${[...INTENTS].join(', ')}.`);
  }
  if (intent === 'verify' && !strategy.proofs) throw errors.invalidRequest('This server does not make phone proofs (the strategy has no proof option).');
  if (intent === 'link' && !options.link) throw errors.invalidRequest('This server does not link numbers (the router has no link option).');
  if (intent === 'stepup' && !options.phoneOf) throw errors.invalidRequest('This server does not step up (the router has no phoneOf option).');
  if (intent !== 'verify') {
    if (body.purpose !== undefined) throw errors.invalidRequest('"purpose" goes with intent "verify" only.');
    return { intent: intent as Intent };
  }
  const purpose = body.purpose ?? 'verify';
  if (typeof purpose !== 'string' || !PURPOSE_PATTERN.test(purpose)) {
    throw errors.invalidRequest('"purpose" must be a word of 1 to 64 letters, digits, or _ . : -');
  }
  return { intent: 'verify', purpose };
}

/** The signed-in user, or `forbidden`: `link` and `stepup` are for someone already signed in. */
export function signedInUser<User>(req: Request): User {
  const user = (req as Request & { user?: User }).user;
  if (!user) throw errors.signInFirst();
  return user;
}

/** `stepup`: the number comes from the account, never from the request. */
export async function accountPhone<User>(user: User, options: IntentOptions<User>): Promise<string> {
  const phone = await options.phoneOf!(user);
  if (typeof phone !== 'string' || phone === '') throw errors.noPhoneOnAccount();
  return phone;
}

/** The audience of a proof: the configured one, else the page's origin. */
function audienceOf(req: Request, configured: string | undefined): string {
  if (configured) return configured;
  const origin = req.get('origin');
  if (origin && origin !== 'null') return origin;
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/**
 * Finishes a proven verification of intent `verify`, `link` or `stepup`. Nobody is
 * signed in or out here: the session keeps its user.
 */
export async function completeIntent<User>(
  req: Request,
  intent: Exclude<Intent, 'signin'>,
  verified: Verification,
  purpose: string | undefined,
  strategy: PhoneVerifyStrategy<User>,
  options: IntentOptions<User> & { summarize: (user: User) => Record<string, unknown> },
): Promise<VerifyResponse> {
  const logger = strategy.service.settings.logger;
  switch (intent) {
    case 'verify': {
      const proofs = strategy.proofs!;
      const proof = await proofs.issue(verified.phone, purpose ?? 'verify', audienceOf(req, proofs.audience));
      return { status: 'approved', intent, user: {}, proof, phone: verified.phone };
    }
    case 'link': {
      const user = signedInUser<User>(req);
      const oldPhone = options.phoneOf ? ((await options.phoneOf(user)) ?? undefined) : undefined;
      if (oldPhone !== verified.phone) {
        if ((await options.link!(user, verified.phone, req)) === false) throw errors.phoneTaken();
        if (options.onPhoneChanged) {
          await Promise.resolve()
            .then(() => options.onPhoneChanged!(user, oldPhone, verified.phone))
            .catch((error: unknown) => logger.error(`onPhoneChanged failed: ${error instanceof Error ? error.name : 'error'}`));
        }
      }
      return { status: 'approved', intent, user: options.summarize(user), phone: verified.phone };
    }
    case 'stepup': {
      const user = signedInUser<User>(req);
      // The account's number may have changed (or the user) since the code was sent.
      if ((await accountPhone(user, options)) !== verified.phone) throw errors.signInFirst();
      const at = strategy.service.settings.clock();
      req.session.phoneVerifyStepUp = { at, phone: verified.phone };
      return { status: 'approved', intent, user: {}, verifiedAt: at };
    }
  }
}
