// server-plugin/src/guard.ts
// Refuses cross-site requests to the state-changing endpoints before anything else
// runs (OWASP CSRF cheat sheet: Fetch Metadata, then Origin, plus a custom header).
// Login CSRF is real: an attacker must not be able to sign a victim into the attacker's account.

import type { NextFunction, Request, Response } from 'express';
import { errors } from './errors.js';
import type { RequestHeader } from './protocol.js';

/** The header the widget sends on every POST; a cross-site form or a "simple" request cannot. */
export const REQUEST_HEADER: RequestHeader = 'x-phone-verify';

export interface GuardOptions {
  /**
   * Origins, besides the page's own, allowed to call the endpoints
   * (`https://app.example.com`). Same-origin is always allowed.
   */
  allowedOrigins?: readonly string[];
  /**
   * Require the widget's `x-phone-verify` header too. Default `true`; `false` only for
   * endpoints a plain HTML form posts to (a sign-out button), which cannot add headers.
   */
  requireHeader?: boolean;
}

const refuse = errors.crossSite;

/** Express middleware: passes same-origin POSTs that carry the widget's header, refuses the rest with 403 forbidden. */
export function crossSiteGuard(options: GuardOptions = {}) {
  const allowed = new Set((options.allowedOrigins ?? []).map((o) => new URL(o).origin));
  return (req: Request, res: Response, next: NextFunction): void => {
    res.vary('Origin').vary('Sec-Fetch-Site');
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();

    const origin = req.get('origin');
    const originAllowed =
      origin !== undefined &&
      origin !== 'null' &&
      // Compare hosts, not schemes: behind a TLS-terminating proxy Express may see http for an https page.
      ((URL.canParse(origin) && new URL(origin).host === req.get('host')) || allowed.has(origin));

    const site = req.get('sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') {
      if (!originAllowed) return next(refuse(`Sec-Fetch-Site is ${site}`));
    } else if (origin !== undefined && !originAllowed) {
      // No Fetch Metadata (older browsers, other clients): the Origin check is the fallback.
      return next(refuse('the Origin is not allowed'));
    }
    if (options.requireHeader !== false && req.get(REQUEST_HEADER) === undefined) return next(refuse(`the ${REQUEST_HEADER} header is missing`));
    next();
  };
}
