// server-plugin/src/step-up.ts
// Guards a sensitive action behind a recent step-up (the `stepup` intent): the session
// must carry a re-proof of the account's number no older than `maxAge` (NIST 800-63B-4
// §2.2.3 reauthentication; OWASP ASVS V6 asks to re-verify before sensitive changes).

import type { NextFunction, Request, Response } from 'express';
import { errors } from './errors.js';
import './intents.js';

export interface RecentPhoneVerificationOptions {
  /** Seconds a step-up counts as recent. */
  maxAge: number;
  /**
   * Where a page request (a browser navigation) is sent when the step-up is missing or
   * old, e.g. `/account/step-up`; `?next=` carries the page's path. Without it, pages get
   * the JSON 401 like fetch requests.
   */
  redirectTo?: string;
  /** Milliseconds since the epoch; pass the strategy's clock in tests. Default `Date.now`. */
  clock?: () => number;
}

/** Whether the request is a page load rather than a fetch: browsers say so (Fetch Metadata), else Accept does. */
function isPageRequest(req: Request): boolean {
  const mode = req.get('sec-fetch-mode');
  if (mode !== undefined) return mode === 'navigate';
  return req.method === 'GET' && req.accepts(['json', 'html']) === 'html';
}

/**
 * `app.post('/account/delete', requireRecentPhoneVerification({ maxAge: 300 }), handler)`:
 * answers 401 `step_up_required` (JSON, or a redirect for pages with `redirectTo`) when
 * the session has no step-up stamp or an older one.
 */
export function requireRecentPhoneVerification(options: RecentPhoneVerificationOptions) {
  if (!options || !Number.isFinite(options.maxAge) || options.maxAge <= 0) {
    throw new TypeError('requireRecentPhoneVerification({ maxAge }) needs maxAge in seconds, above 0');
  }
  const clock = options.clock ?? Date.now;
  const maxAgeMs = 1000 * options.maxAge;
  return (req: Request, res: Response, next: NextFunction): void => {
    const stamp = req.session?.phoneVerifyStepUp;
    const signedIn = Boolean((req as { user?: unknown }).user);
    const age = stamp ? clock() - stamp.at : Infinity;
    if (signedIn && age >= 0 && age <= maxAgeMs) return next();
    if (options.redirectTo && isPageRequest(req)) {
      return res.redirect(303, `${options.redirectTo}${options.redirectTo.includes('?') ? '&' : '?'}next=${encodeURIComponent(req.originalUrl)}`);
    }
    const refusal = errors.stepUpRequired();
    res.status(refusal.status).set('Cache-Control', 'no-store').json(refusal.toJSON());
  };
}
