// server-plugin/src/testing/sandbox.ts
// What every provider sandbox shares: a real node:http server on 127.0.0.1, an
// outbox of the messages it "sent", fault injection, and a clock tests can move.

import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Channel } from '../protocol.js';

/** A message the sandbox delivered, as a fake phone would show it. */
export interface OutboxMessage {
  /** E.164, with `+`. */
  to: string;
  channel: Channel;
  /** The message text (or the words of the call); always contains the code. */
  text: string;
  /** When it was sent, in the sandbox clock's milliseconds. */
  at: number;
}

/** Faults a test can make the next requests meet. */
export type FaultKind = '500' | '429' | 'timeout' | 'reset' | 'garbage' | 'lost-answer' | 'late-answer';

/** Every fault kind, for tests that run a matrix over them. */
export const FAULT_KINDS: readonly FaultKind[] = ['500', '429', 'timeout', 'reset', 'garbage', 'lost-answer', 'late-answer'];

export interface Fault {
  /**
   * - `500`: an internal error in the provider's error shape;
   * - `429`: rate limited, with `Retry-After` when `retryAfter` is given;
   * - `timeout`: no answer for `delay` ms (then the request is served normally, if the client is still there);
   * - `reset`: the connection is destroyed without an answer;
   * - `garbage`: a 200 whose body is not JSON;
   * - `lost-answer`: the request is acted on (a code sent, a check judged), then the
   *   connection is destroyed before the answer;
   * - `late-answer`: the request is acted on at once and answered after `delay` ms (a
   *   client whose deadline passed first has gone, and hears nothing).
   * The first five do not act on the request (but a `timeout` served after `delay` to a
   * client still waiting); the last two do, and the client cannot know it.
   */
  kind: FaultKind;
  /** How many of the next requests meet the fault. Default 1. */
  times?: number;
  /** Seconds, for the `Retry-After` of a `429`. */
  retryAfter?: number;
  /** Milliseconds a `timeout` or a `late-answer` holds the request. Default 30 000. */
  delay?: number;
  /** Requests to serve normally before the fault starts (e.g. 1 to hit the second call of a check). Default 0. */
  after?: number;
}

/** A request as a sandbox route sees it. */
export interface SandboxRequest {
  method: string;
  /** Decoded path, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body as received. */
  raw: string;
  /** `application/json`, `application/x-www-form-urlencoded`, … (lower case, no parameters). */
  contentType: string;
}

/** A request as the sandbox recorded it (no headers, so no credentials). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON or form fields, or the raw text. */
  body: unknown;
  at: number;
}

export interface SandboxResponse {
  status: number;
  /** Sent as JSON unless undefined. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SandboxOptions {
  /** Milliseconds since the epoch. Default `Date.now`; pass `new ManualClock().now` in tests. */
  clock?: () => number;
  /** Makes codes; default: random digits. Tests can force e.g. a leading zero. */
  generateCode?: (length: number) => string;
}

const MAX_BODY = 64 * 1024;

/** Parse a body as JSON; undefined (not throw) when it is not JSON. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The base of the provider sandboxes. Subclasses implement `route` (and `errorBody`
 * for the provider's error shape); `tick` runs time-driven work such as Textmagic's
 * 60-second workflow steps.
 */
export abstract class ProviderSandbox extends EventEmitter {
  protected readonly clock: () => number;
  protected readonly generateCode: (length: number) => string;
  /** Every request served, oldest first (credentials are never recorded). */
  readonly requests: RecordedRequest[] = [];
  readonly #outbox: OutboxMessage[] = [];
  #faults: Fault[] = [];
  #server: Server | undefined;
  #url: string | undefined;
  #ticker: NodeJS.Timeout | undefined;
  readonly #held = new Set<NodeJS.Timeout>();

  constructor(options: SandboxOptions = {}) {
    super();
    this.clock = options.clock ?? Date.now;
    this.generateCode = options.generateCode ?? ((length) => String(randomInt(0, 10 ** length)).padStart(length, '0'));
  }

  /** Messages sent so far, oldest first. Reading it first delivers anything the clock has made due. */
  get outbox(): OutboxMessage[] {
    this.tick();
    return this.#outbox;
  }

  /** The base URL once listening: `http://127.0.0.1:PORT`. */
  get url(): string {
    if (!this.#url) throw new Error('the sandbox is not listening; call listen() first');
    return this.#url;
  }

  /** Start serving on 127.0.0.1 (a free port unless one is given). Resolves to the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.#server) throw new Error('the sandbox is already listening');
    const server = createServer((req, res) => void this.#serve(req, res));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.#url = `http://${host}:${address.port}`;
    // Time-driven work happens even when nobody asks (live display in the demo).
    this.#ticker = setInterval(() => this.tick(), 1000);
    this.#ticker.unref();
    return this.#url;
  }

  /** Stop serving and drop every open connection. Safe to call twice. */
  async close(): Promise<void> {
    clearInterval(this.#ticker);
    for (const timer of this.#held) clearTimeout(timer);
    this.#held.clear();
    const server = this.#server;
    this.#server = undefined;
    this.#url = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Make the next `times` requests (default 1) meet a fault. Faults queue in the order given. */
  fail(fault: Fault): void {
    const times = fault.times ?? 1;
    for (let i = 0; i < times; i++) this.#faults.push({ ...fault, times: 1, after: i === 0 ? (fault.after ?? 0) : 0 });
  }

  /** Runs time-driven work. Called before every request and when the outbox is read. */
  protected tick(): void {}

  /** Answer one request; the route validates and decides like the real API. */
  protected abstract route(request: SandboxRequest): SandboxResponse;

  /** An error in the provider's shape, for injected 500s and 429s. */
  protected abstract errorBody(status: number, message: string): unknown;

  /** The content type of error bodies (status ≥ 400) a route does not label itself. Vonage: RFC 7807's. */
  protected errorContentType = 'application/json';

  /** Deliver a message: into the outbox, and out as a `message` event. */
  protected deliver(message: OutboxMessage): void {
    this.#outbox.push(message);
    this.emit('message', message);
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      res.writeHead(413).end();
      return;
    }
    const head = this.#faults[0];
    let fault: Fault | undefined;
    if (head && (head.after ?? 0) > 0) head.after! -= 1;
    else fault = this.#faults.shift();
    if (fault) {
      switch (fault.kind) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/json' }).end('<html><body>502 Bad Gateway</body></html>');
          return;
        case '500':
          return this.#write(res, { status: 500, body: this.errorBody(500, 'Internal server error') });
        case '429':
          return this.#write(res, {
            status: 429,
            body: this.errorBody(429, 'Too many requests'),
            headers: fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) },
          });
        case 'timeout':
          // A client that gave up has closed the socket: nothing is done for it.
          return this.#hold(fault, req, res, () => this.#write(res, this.#act(req, raw)));
        case 'lost-answer':
          this.#act(req, raw);
          req.socket.destroy();
          return;
        case 'late-answer': {
          const response = this.#act(req, raw);
          return this.#hold(fault, req, res, () => this.#write(res, response));
        }
      }
    }
    this.#write(res, this.#act(req, raw));
  }

  /** Run `then` after the fault's delay if the client is still connected. */
  #hold(fault: Fault, req: IncomingMessage, res: ServerResponse, then: () => void): void {
    const timer = setTimeout(() => {
      this.#held.delete(timer);
      if (!res.destroyed && !req.socket.destroyed) then();
    }, fault.delay ?? 30_000);
    this.#held.add(timer);
  }

  /** Record and route one request: what the provider does, and the answer it would give. */
  #act(req: IncomingMessage, raw: string): SandboxResponse {
    this.tick();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const request: SandboxRequest = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, raw, contentType };
    this.requests.push({
      method: request.method,
      path,
      query: Object.fromEntries(url.searchParams),
      body:
        contentType === 'application/x-www-form-urlencoded' ? Object.fromEntries(new URLSearchParams(raw)) : raw === '' ? undefined : (parseJson(raw) ?? raw),
      at: this.clock(),
    });
    try {
      return this.route(request);
    } catch (error) {
      return { status: 500, body: this.errorBody(500, (error as Error).message) };
    }
  }

  #write(res: ServerResponse, response: SandboxResponse): void {
    const headers: Record<string, string> = { ...response.headers };
    if (response.body === undefined) {
      res.writeHead(response.status, headers).end();
    } else {
      headers['content-type'] ??= response.status >= 400 ? this.errorContentType : 'application/json';
      res.writeHead(response.status, headers).end(JSON.stringify(response.body));
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The credentials of an `Authorization: Basic …` header, if it has them. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
