// server-plugin/src/proof.ts
// The phone proof of the `verify` intent: a short-lived, single-use signed token that
// says "this browser proved it holds this number", for a form handler to trust (a
// plain number in a form can be anyone's). Signed and checked by `jose` (HS256, RFC
// 7515/7519); we write no crypto of our own.

import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { PhoneVerifyConfigError, PhoneVerifyError } from './errors.js';
import type { VerificationStore } from './store.js';

export interface PhoneProofOptions {
  /**
   * The HMAC key the proofs are signed with: at least 32 bytes (RFC 7518 §3.2 asks
   * for a key as long as the hash). Keep it secret, the same on every process.
   */
  secret: string | Uint8Array;
  /**
   * Who the proofs are for: your app's origin, e.g. `https://app.example`. A proof
   * made for another audience is refused. Default: the origin of the page asking
   * (its `Origin` header), and `verifyPhoneProof` must then be told the audience.
   */
  audience?: string;
  /** Minutes a proof stays valid, 1–60. Default 10. */
  validMinutes?: number;
}

/** What a proof says, once checked. */
export interface PhoneProofClaims {
  /** E.164 */
  phone: string;
  /** When the code was proven (ms since the epoch). */
  verifiedAt: number;
  purpose: string;
  audience: string;
}

/** What `verifyPhoneProof` must know beside the token. */
export interface VerifyPhoneProofOptions {
  /** The purpose the proof must have been made for, e.g. `'signup'`. */
  purpose: string;
  /** The audience expected; default the configured `proof.audience`. */
  audience?: string;
}

/** The purposes a client may ask for: short, plain words (they travel in the token and the log). */
export const PURPOSE_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,63}$/i;

const ISSUER = 'phone-verify';
const ALGORITHM = 'HS256';

export const proofErrors = {
  invalid: (why = 'The phone proof is not valid.') => new PhoneVerifyError('proof_invalid', why),
  expired: () => new PhoneVerifyError('proof_expired', 'The phone proof has expired; verify the number again.'),
  used: () => new PhoneVerifyError('proof_used', 'The phone proof has already been used; verify the number again.'),
  wrongPurpose: () => new PhoneVerifyError('proof_wrong_purpose', 'The phone proof was made for something else; verify the number again.'),
};

/** Issues and checks phone proofs; single use is remembered in the verification store. */
export class PhoneProofs {
  private readonly key: Uint8Array;
  readonly audience: string | undefined;
  readonly validMs: number;

  constructor(
    options: PhoneProofOptions,
    private readonly store: VerificationStore,
    private readonly clock: () => number,
  ) {
    const key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (!(key instanceof Uint8Array) || key.length < 32) {
      throw new PhoneVerifyConfigError(
        'ERR_PV_PROOF_SECRET',
        'proof.secret must be a string or bytes of at least 32 bytes (RFC 7518 §3.2), the same on every process',
      );
    }
    if (typeof store.rememberOnce !== 'function') {
      throw new PhoneVerifyConfigError(
        'ERR_PV_PROOF_STORE',
        'phone proofs are single use: the store needs rememberOnce(key, ttlMs) (MemoryStore and RedisStore have it)',
      );
    }
    const minutes = options.validMinutes ?? 10;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
      throw new PhoneVerifyConfigError('ERR_PV_PROOF_MINUTES', `proof.validMinutes must be a whole number from 1 to 60, got ${String(options.validMinutes)}`);
    }
    if (options.audience !== undefined && (typeof options.audience !== 'string' || options.audience === '')) {
      throw new PhoneVerifyConfigError('ERR_PV_PROOF_AUDIENCE', 'proof.audience must be your app origin, e.g. https://app.example');
    }
    this.key = key;
    this.audience = options.audience;
    this.validMs = 60_000 * minutes;
  }

  /** A new proof that `phone` was proven now, for `audience` and `purpose`. */
  async issue(phone: string, purpose: string, audience: string): Promise<string> {
    const now = Math.floor(this.clock() / 1000);
    return new SignJWT({ phone_number: phone, phone_number_verified: true, purpose })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'pv-proof+jwt' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.validMs / 1000)
      .setJti(randomBytes(16).toString('base64url'))
      .sign(this.key);
  }

  /**
   * Checks the signature, audience, expiry and purpose, then uses the proof up (once,
   * across processes). A proof for another purpose is refused without being used up.
   */
  async verify(token: unknown, options: VerifyPhoneProofOptions): Promise<PhoneProofClaims> {
    if (!options || typeof options.purpose !== 'string' || options.purpose === '') {
      throw new TypeError('verifyPhoneProof(token, { purpose }) needs the purpose the proof is for');
    }
    const audience = options.audience ?? this.audience;
    if (!audience) throw new TypeError('verifyPhoneProof needs { audience } (your app origin), or set proof.audience');
    if (typeof token !== 'string' || token === '' || token.length > 2048) throw proofErrors.invalid('A phone proof is required.');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience,
        typ: 'pv-proof+jwt',
        requiredClaims: ['jti', 'exp', 'iat'],
        currentDate: new Date(this.clock()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw proofErrors.expired();
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud')
        throw proofErrors.invalid('The phone proof was made for another site.');
      throw proofErrors.invalid();
    }
    const { phone_number: phone, purpose, jti, iat, exp } = payload as { phone_number?: unknown; purpose?: unknown; jti: string; iat: number; exp: number };
    if (typeof phone !== 'string' || typeof purpose !== 'string') throw proofErrors.invalid();
    if (purpose !== options.purpose) throw proofErrors.wrongPurpose();
    const ttlMs = Math.max(1, exp * 1000 - this.clock());
    if (!(await this.store.rememberOnce!(`proof:${jti}`, ttlMs))) throw proofErrors.used();
    return { phone, verifiedAt: iat * 1000, purpose, audience };
  }
}
