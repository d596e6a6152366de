// server-plugin/src/pending.ts
// What the session remembers of its verification, beyond its id: enough to tell a
// reloaded page where it was (`GET /status`) and to start again for the same number
// once the code's time is up ("Send a new code" instead of a dead end).

import type { Request } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { PhoneVerifyError } from './errors.js';
import type { Channel, Intent, StartResponse, StatusResponse } from './protocol.js';
import type { ResendInput, SendContext, VerificationService } from './service.js';
import type { Verification } from './store.js';
import type { PendingSessionData } from './strategy.js';

/**
 * Remembers a new verification in the session (replacing any other), with what it was started
 * for: `purpose` given, or else the one it replaces (a new code after expiry is for the same thing).
 */
export function rememberPending(
  req: Request,
  verification: Pick<Verification, 'id' | 'expiresAt' | 'phone' | 'channel'>,
  purpose: { intent?: Intent | undefined; purpose?: string | undefined } = req.session.phoneVerify ?? {},
): void {
  const { id, expiresAt, phone, channel } = verification;
  const pending: PendingSessionData = { id, expiresAt, phone, channel };
  if (purpose.intent !== undefined && purpose.intent !== 'signin') pending.intent = purpose.intent;
  if (purpose.purpose !== undefined) pending.purpose = purpose.purpose;
  req.session.phoneVerify = pending;
}

/**
 * A number as the page may show it after a reload: its country code and last four
 * digits (`+44 ••••••3456`), like the masked identifiers OWASP's logging cheat sheet asks for.
 */
export function maskForDisplay(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const digits = e164.replace(/\D/g, '');
  const callingCode = parsed?.countryCallingCode ?? '';
  const rest = digits.slice(callingCode.length);
  return `+${callingCode} ${'•'.repeat(Math.max(0, rest.length - 4))}${rest.slice(-4)}`;
}

/** `GET /status`: this session's verification, the number masked. */
export async function pendingStatus(req: Request, service: VerificationService): Promise<StatusResponse> {
  const pending = req.session?.phoneVerify;
  if (!pending) return { status: 'none' };
  const described = await service.describePending(pending.id);
  if (described) return { ...described, status: 'pending', phone: maskForDisplay(described.phone) };
  if (pending.phone && pending.channel && pending.expiresAt <= service.settings.clock()) {
    return { status: 'expired', phone: maskForDisplay(pending.phone), channel: pending.channel };
  }
  return { status: 'none' };
}

/**
 * `POST /resend`: the pending verification sent again; or, when its code's time ran out,
 * a new verification for the same number (the number's and the network's send limits,
 * the lock and the breaker apply as to any start: nothing is skipped but retyping it).
 */
export async function resendOrRestart(req: Request, service: VerificationService, input: ResendInput, context: SendContext): Promise<StartResponse> {
  const pending = req.session.phoneVerify;
  if (!pending) throw new PhoneVerifyError('no_pending_verification', 'There is no verification to resend; enter your number again.');
  try {
    const answer = await service.resend(pending.id, input, context);
    pending.channel = answer.channel;
    // A resend of the same verification: the provider says whether it sent the same code again.
    return service.settings.provider.resendKeepsCode ? { ...answer, sameCode: true } : answer;
  } catch (error) {
    const expired = pending.phone !== undefined && pending.expiresAt <= service.settings.clock();
    if (!(error instanceof PhoneVerifyError && error.code === 'no_pending_verification' && expired)) throw error;
  }
  const channel: Channel | undefined = input.channel ?? pending.channel;
  const { verification, response } = await service.start(
    { phone: pending.phone!, ...(channel ? { channel } : {}), ...(input.locale ? { locale: input.locale } : {}) },
    context,
  );
  rememberPending(req, verification);
  return response;
}
