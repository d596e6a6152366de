// server-plugin/test/support/ports.d.mts
// The types of ports.mjs.

/** A port nobody listens on right now (it may be taken again before we use it: callers retry). */
export declare function freePort(): Promise<number>;
