// server-plugin/src/testing/vonage-jwt.ts
// How the Vonage sandbox judges an application JWT: RS256 only, the signature against
// the application's public key, application_id, iat/nbf/exp against the sandbox clock,
// and a jti that may be used once. Written with node:crypto, independently of the
// adapter's signer (jose), so a signer bug cannot be mirrored by the checker.

import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { isRecord, parseJson } from './sandbox.js';

export interface VonageApplication {
  /** The application's id (the `application_id` claim must equal it). */
  id: string;
  /** The application's public key: PEM or KeyObject. */
  publicKey: string | KeyObject;
}

/**
 * Seconds a token's `iat` may lie ahead of the sandbox clock (clock skew). UNCONFIRMED:
 * Vonage documents no tolerance; a minute is the usual allowance.
 */
export const VONAGE_JWT_LEEWAY_SECONDS = 60;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodePart(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const value = parseJson(Buffer.from(part, 'base64url').toString('utf8'));
  return isRecord(value) ? value : undefined;
}

/** Judges bearer tokens for one application and remembers the jtis it has accepted. */
export class VonageJwtVerifier {
  readonly #applicationId: string;
  readonly #publicKey: KeyObject;
  /** Accepted jtis and the time (ms) after which their token is dead anyway, so the entry can go. */
  readonly #seen = new Map<string, number>();

  constructor(
    application: VonageApplication,
    private readonly clock: () => number,
  ) {
    this.#applicationId = application.id;
    this.#publicKey = typeof application.publicKey === 'string' ? createPublicKey(application.publicKey) : application.publicKey;
    if (this.#publicKey.asymmetricKeyType !== 'rsa') throw new TypeError('the Vonage sandbox verifies RS256 tokens: give it an RSA public key');
  }

  /** Undefined when the token is good (and now used), else why it is refused. */
  check(token: string): string | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return 'the token is not a JWS compact serialization';
    const [rawHeader, rawClaims, rawSignature] = parts as [string, string, string];
    const header = decodePart(rawHeader);
    const claims = decodePart(rawClaims);
    if (!header || !claims || !BASE64URL.test(rawSignature)) return 'the token is not well formed';
    // RS256 only: `none` and HS256 (the public key used as an HMAC secret) are the classic forgeries.
    if (header.alg !== 'RS256') return `the token is signed with ${String(header.alg)}, not RS256`;
    const signed = verify('RSA-SHA256', Buffer.from(`${rawHeader}.${rawClaims}`), this.#publicKey, Buffer.from(rawSignature, 'base64url'));
    if (!signed) return 'the token signature does not match the application key';
    if (claims.application_id !== this.#applicationId) return 'the token is for another application';
    const now = this.clock() / 1000;
    const { iat, nbf, exp, jti } = claims;
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'the token has no iat';
    if (iat > now + VONAGE_JWT_LEEWAY_SECONDS) return 'the token is issued in the future';
    if (nbf !== undefined && !(typeof nbf === 'number' && nbf <= now + VONAGE_JWT_LEEWAY_SECONDS)) return 'the token is not valid yet';
    // UNCONFIRMED whether Vonage insists on exp (its generator always sets one); we do.
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'the token has no exp';
    if (exp <= now) return 'the token has expired';
    if (typeof jti !== 'string' || jti === '') return 'the token has no jti';
    this.#forgetDead();
    if (this.#seen.has(jti)) return 'the token was already used (jti seen before)';
    this.#seen.set(jti, exp * 1000);
    return undefined;
  }

  #forgetDead(): void {
    const now = this.clock();
    for (const [jti, deadAt] of this.#seen) if (deadAt <= now) this.#seen.delete(jti);
  }
}
