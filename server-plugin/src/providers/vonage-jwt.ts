// server-plugin/src/providers/vonage-jwt.ts
// Vonage application auth: a fresh RS256 JWT for every call, signed with the
// application's private key (jose), carrying application_id, iat, exp and a unique jti.

import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export interface VonageApplicationCredentials {
  /** The Vonage application's id (a UUID), sent as the `application_id` claim. */
  applicationId: string;
  /**
   * The application's private key: the PEM Vonage hands out when the application is
   * created (PKCS#8 `-----BEGIN PRIVATE KEY-----`, PKCS#1 accepted too), or a KeyObject.
   * Never logged.
   */
  privateKey: string | KeyObject;
}

/**
 * Seconds each token is valid. Vonage's own generator and SDK default to 15 minutes
 * (developer.vonage.com/jwt); a token lives only for its one call, so one minute is
 * plenty and keeps a leaked header short-lived.
 */
export const VONAGE_JWT_TTL_SECONDS = 60;

/**
 * Check the credentials once, at construction (a bad key is a TypeError naming the
 * option, not a 401 at the first sign-in), and return a function that signs a new
 * token for each request. A fresh `jti` per call: Vonage documents `jti` as "a unique
 * identifier for the JWT", and our sandbox refuses a replayed one.
 */
export function vonageJwtSigner(provider: string, credentials: VonageApplicationCredentials, clock: () => number = Date.now): () => Promise<string> {
  const { applicationId } = credentials;
  if (typeof applicationId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(applicationId)) {
    throw new TypeError(`${provider}: options.applicationId must be the application's id (a UUID)`);
  }
  let key: KeyObject;
  try {
    key = typeof credentials.privateKey === 'string' ? createPrivateKey(credentials.privateKey) : credentials.privateKey;
  } catch {
    // The parser's message could quote part of the key: say only what is wrong.
    throw new TypeError(`${provider}: options.privateKey must be the application's private key in PEM form`);
  }
  if (key?.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`${provider}: options.privateKey must be an RSA private key (Vonage signs application JWTs with RS256)`);
  }
  return async () => {
    const now = Math.floor(clock() / 1000);
    return new SignJWT({ application_id: applicationId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + VONAGE_JWT_TTL_SECONDS)
      .setJti(randomUUID())
      .sign(key);
  };
}
