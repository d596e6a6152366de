// demo/src/phone.ts
// The demo's stand-in for a real phone: messages "sent" to a number are kept per
// browser, so each visitor sees only the codes their own browser asked for.

import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { Channel, Sender, VerifyProvider } from '@phone-verify/server-plugin';

export interface PhoneMessage {
  to: string;
  channel: Channel;
  text: string;
  at: number;
}

/** Browsers (and numbers) whose messages the demo remembers; the least recently used go first. */
const MAX_TRACKED = 10_000;

/** Drops the oldest entries of an insertion-ordered map beyond `max`. */
function bound<K, V>(map: Map<K, V>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}

/** Which browser the current request came from; set by middleware, read by the sender. */
const device = new AsyncLocalStorage<string>();

/** Keeps the last few messages per browser and tells listeners about new ones. */
export class DemoPhones {
  private readonly inbox = new Map<string, PhoneMessage[]>();
  private readonly events = new EventEmitter();
  private readonly keep: number;

  constructor(keep = 5) {
    this.keep = keep;
    this.events.setMaxListeners(0);
  }

  /** Runs `next` with the browser's device id in scope, so a send made during it lands in that browser's inbox. */
  runAs(deviceId: string, next: () => void): void {
    device.run(deviceId, next);
  }

  /** The sender handed to the local provider: it delivers to the current browser's panel. */
  readonly sender: Sender = (to, text, channel) => {
    const id = device.getStore();
    if (id === undefined) throw new Error('demo phone: a message was sent outside a browser request');
    this.deliver(id, { to, channel, text, at: Date.now() });
  };

  /**
   * Wraps a provider so each send remembers which browser asked for it. A sandbox's
   * messages arrive on the sandbox's own HTTP request, outside the browser's context,
   * so they are routed by number with `deliverToNumber`.
   */
  track(provider: VerifyProvider): VerifyProvider {
    const remember = (phone: string) => {
      const id = device.getStore();
      if (id === undefined) return;
      this.lastAsker.delete(phone);
      this.lastAsker.set(phone, id);
      bound(this.lastAsker, MAX_TRACKED);
    };
    return {
      ...provider,
      start: (request) => (remember(request.phone), provider.start(request)),
      ...(provider.resend ? { resend: (pending, request) => (remember(request.phone), provider.resend!(pending, request)) } : {}),
      check: (pending, code) => provider.check(pending, code),
      ...(provider.cancel ? { cancel: (pending) => provider.cancel!(pending) } : {}),
    };
  }

  /** Delivers to the browser that last asked for a code for this number, if any did. */
  deliverToNumber(message: PhoneMessage): void {
    const id = this.lastAsker.get(message.to);
    if (id !== undefined) this.deliver(id, message);
  }

  private readonly lastAsker = new Map<string, string>();

  deliver(deviceId: string, message: PhoneMessage): void {
    const messages = [...(this.inbox.get(deviceId) ?? []), message].slice(-this.keep);
    // Re-inserted, so the map's order is oldest-used first, and the oldest inbox goes when it is full.
    this.inbox.delete(deviceId);
    this.inbox.set(deviceId, messages);
    bound(this.inbox, MAX_TRACKED);
    this.events.emit(deviceId, message);
  }

  messages(deviceId: string): PhoneMessage[] {
    return this.inbox.get(deviceId) ?? [];
  }

  /** Calls `listener` for each new message to this browser; returns the unsubscribe function. */
  subscribe(deviceId: string, listener: (message: PhoneMessage) => void): () => void {
    this.events.on(deviceId, listener);
    return () => this.events.off(deviceId, listener);
  }
}
