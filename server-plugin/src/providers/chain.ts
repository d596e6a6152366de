// server-plugin/src/providers/chain.ts
// Failover across providers: a start that finds one provider down goes to the next
// that has the channel; everything after that goes back to whichever started it.

import { errors, mayHaveActed, PhoneVerifyError } from '../errors.js';
import type { Channel } from '../protocol.js';
import type { CheckResult, PendingVerification, ProviderState, StartRequest, Started, VerifyProvider } from './types.js';

export interface ProviderChainOptions {
  /**
   * Also move on when a provider answers `provider_error` (refused credentials, no
   * balance): keeps codes flowing while the operator fixes the account, at the price
   * of hiding the fault from users. The failing provider still logs its line. Default false.
   */
  failoverOnProviderError?: boolean;
}

/** The state key naming the provider that started a verification. */
const VIA = 'via';

/** Whether an error from a start means "try the next provider". */
function movesOn(error: unknown, options: ProviderChainOptions): boolean {
  // A provider that may have sent (a timeout, a lost answer) is not asked again elsewhere:
  // that would be two codes, two SMS paid, for one counted send.
  if (mayHaveActed(error)) return false;
  // Anything else that is not a PhoneVerifyError is a fault the service would call provider_unavailable.
  if (!(error instanceof PhoneVerifyError)) return true;
  return error.code === 'provider_unavailable' || (options.failoverOnProviderError === true && error.code === 'provider_error');
}

/**
 * Combine providers in order of preference. The state of each verification records
 * the provider that started it (`{ via: 'telnyx', … }`), and check, resend and cancel
 * go back to that one. Channels are the union, in order; code lengths the ones every
 * provider can send (so a failover never changes the code's length).
 */
export function providerChain(providers: readonly VerifyProvider[], options: ProviderChainOptions = {}): VerifyProvider {
  if (!Array.isArray(providers) || providers.length === 0) throw new TypeError('providerChain needs at least one provider');
  const byName = new Map<string, VerifyProvider>();
  for (const provider of providers) {
    if (byName.has(provider.name)) throw new TypeError(`providerChain: two providers are named "${provider.name}"; names must be unique`);
    byName.set(provider.name, provider);
  }
  const channels: Channel[] = [];
  for (const provider of providers) for (const channel of provider.channels) if (!channels.includes(channel)) channels.push(channel);
  const codeLengths = providers[0]!.codeLengths.filter((length: number) => providers.every((p) => p.codeLengths.includes(length)));

  const tag = (provider: VerifyProvider, started: Started): Started => ({ state: { ...started.state, [VIA]: provider.name } });

  /** The provider that started `pending`, and the pending verification as it knows it. */
  function origin(pending: PendingVerification): { provider: VerifyProvider; inner: PendingVerification } | undefined {
    const provider = byName.get(String(pending.state[VIA]));
    if (!provider) return undefined;
    const state: ProviderState = { ...pending.state };
    delete state[VIA];
    return { provider, inner: { ...pending, state } };
  }

  /** Start with the first provider that can, skipping `skip`; rethrows the last failure. */
  async function startWith(request: StartRequest, signal: AbortSignal | undefined, skip?: VerifyProvider): Promise<Started> {
    const candidates = providers.filter((p) => p !== skip && p.channels.includes(request.channel) && p.codeLengths.includes(request.codeLength));
    if (candidates.length === 0) {
      throw errors.channelUnavailable(`Codes cannot be sent by ${request.channel} right now.`);
    }
    let last: unknown;
    for (const provider of candidates) {
      try {
        return tag(provider, await provider.start(request, signal));
      } catch (error) {
        if (!movesOn(error, options)) throw error;
        last = error;
      }
    }
    throw last;
  }

  return {
    name: `chain(${providers.map((p) => p.name).join(',')})`,
    channels,
    codeLengths,
    // A failover must not outlive what the shortest-lived provider can keep, nor allow more tries.
    ...lowest('maxTtlSeconds', providers),
    ...lowest('maxAttempts', providers),

    start: (request, signal) => startWith(request, signal),

    /**
     * Back to the provider that started it when it has the channel (its own resend,
     * e.g. Textmagic's cancel-then-start). If it is down, or lacks the channel, the
     * send goes to the next provider, like a start: a user asking again is exactly the
     * one whose code did not arrive.
     */
    async resend(pending: PendingVerification, request: StartRequest, signal?: AbortSignal): Promise<Started> {
      const found = origin(pending);
      if (found && found.provider.channels.includes(request.channel)) {
        const { provider, inner } = found;
        try {
          return tag(provider, await (provider.resend ? provider.resend(inner, request, signal) : provider.start(request, signal)));
        } catch (error) {
          if (!movesOn(error, options)) throw error;
          return startWith(request, signal, provider);
        }
      }
      if (found?.provider.cancel) {
        // Switching provider: drop the old code where we can; it expires by itself otherwise.
        await found.provider.cancel(found.inner, signal).catch(() => undefined);
      }
      return startWith(request, signal, found?.provider);
    },

    async check(pending: PendingVerification, code: string, signal?: AbortSignal): Promise<CheckResult> {
      const found = origin(pending);
      // Started by a provider no longer configured: it cannot be checked any more.
      if (!found) return { status: 'expired' };
      return found.provider.check(found.inner, code, signal);
    },

    async cancel(pending: PendingVerification, signal?: AbortSignal): Promise<void> {
      const found = origin(pending);
      if (found?.provider.cancel) await found.provider.cancel(found.inner, signal);
    },
  };
}

/** The lowest of a limit some providers have, or nothing if none has it. */
function lowest<K extends 'maxTtlSeconds' | 'maxAttempts'>(key: K, providers: readonly VerifyProvider[]): { [k in K]?: number } {
  const limits = providers.map((p) => p[key]).filter((t): t is number => t !== undefined);
  return (limits.length > 0 ? { [key]: Math.min(...limits) } : {}) as { [k in K]?: number };
}
