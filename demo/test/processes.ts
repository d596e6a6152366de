// demo/test/processes.ts
// Real demo processes (`node demo/dist/server.js`) for the multi-process tests, and a
// tiny HTTP client that behaves like one browser: its own cookie jar, its own client
// IP (X-Forwarded-For, the demo runs with TRUST_PROXY=1), and the demo phone read the
// way a person reads it, from the phone panel's event stream.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../server-plugin/test/support/ports.mjs';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What every test process signs sessions and derives the local provider's HMAC key from. */
export const TEST_SECRET = 'phone-verify multi-process test secret';

export interface DemoProcessOptions {
  redisUrl: string;
  /** Default TEST_SECRET. */
  sessionSecret?: string;
  /** Default: a free port. */
  port?: number;
  /** A name for messages ("A", "B"). */
  name?: string;
}

/** Every child this module started and has not yet seen exit, so nothing outlives the test run. */
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/** One `node demo/dist/server.js`, on 127.0.0.1, with REDIS_URL. */
export class DemoProcess {
  readonly name: string;
  readonly port: number;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private output = '';

  private constructor(name: string, port: number, child: ChildProcess) {
    this.name = name;
    this.port = port;
    this.child = child;
    alive.add(child);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => alive.delete(child));
    child.stdout!.on('data', (chunk: Buffer) => void (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => void (this.output += chunk.toString()));
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the process printed (its log), for failure messages. */
  get log(): string {
    return this.output;
  }

  /** The exit code once it has exited (null after a signal), undefined while it runs. */
  get exitCode(): number | null | undefined {
    return this.running ? undefined : this.child.exitCode;
  }

  get running(): boolean {
    return alive.has(this.child);
  }

  /** Starts a demo process and resolves once it prints its "open http://localhost:PORT" line. */
  static async spawn(options: DemoProcessOptions): Promise<DemoProcess> {
    if (!existsSync(SERVER))
      throw new Error(`${SERVER} is missing: run \`npm run build --workspace server-plugin && npm run build --workspace demo\` (npm test does)`);
    let lastError: unknown;
    for (let attempt = 0; attempt < (options.port === undefined ? 4 : 1); attempt++) {
      const port = options.port ?? (await freePort());
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_URL: options.redisUrl,
        SESSION_SECRET: options.sessionSecret ?? TEST_SECRET,
        TRUST_PROXY: '1',
        PROVIDER: 'local',
        // The suites count sends against the plugin's own 3 per number (the demo's default is 5).
        SEND_LIMIT: '3',
      };
      const child = spawn(process.execPath, [SERVER], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const demo = new DemoProcess(options.name ?? `demo:${port}`, port, child);
      try {
        await demo.ready();
        return demo;
      } catch (error) {
        lastError = error;
        await demo.kill();
      }
    }
    throw lastError;
  }

  private ready(timeoutMs = 15_000): Promise<void> {
    const line = `open http://localhost:${this.port}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${this.name} did not start within ${timeoutMs} ms:\n${this.output.slice(-2000)}`)), timeoutMs);
      const check = () => {
        if (this.output.includes(line)) finish();
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish(new Error(`${this.name} exited (${code ?? signal}) before it was ready:\n${this.output.slice(-2000)}`));
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.child.stdout!.off('data', check);
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      this.child.stdout!.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Kills the process (SIGKILL by default: no goodbye) and waits until it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The processes a test file started: `killAll` in afterEach / afterAll. */
export class Fleet {
  private readonly members: DemoProcess[] = [];
  constructor(private readonly redisUrl: () => string) {}

  async spawn(name: string, options: Partial<DemoProcessOptions> = {}): Promise<DemoProcess> {
    const demo = await DemoProcess.spawn({ redisUrl: this.redisUrl(), name, ...options });
    this.members.push(demo);
    return demo;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.members.splice(0).map((demo) => demo.kill()));
  }
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The JSON body, or undefined when the body is not JSON. */
  json: any;
  /** Milliseconds from sending to the full answer. */
  ms: number;
}

/** One simulated browser: a cookie jar, a client IP, no connection reuse (processes come and go). */
export class Client {
  readonly ip: string;
  readonly cookies = new Map<string, string>();

  constructor(ip: string) {
    this.ip = ip;
  }

  /** The Cookie header this browser would send. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** A second browser holding a copy of this one's cookies (a copied / stolen cookie). */
  clone(ip = this.ip): Client {
    const copy = new Client(ip);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }

  private remember(headers: IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.split('=').map((s) => s.trim());
        return (key.toLowerCase() === 'max-age' && Number(val) <= 0) || (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now());
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...extra };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    return headers;
  }

  /** One request; no redirect is followed. Rejects after `timeoutMs` rather than hang a test. */
  request(demo: DemoProcess, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = this.headers(
      payload === undefined ? {} : { 'content-type': 'application/json', 'x-phone-verify': '1', 'content-length': String(Buffer.byteLength(payload)) },
    );
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: demo.port, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          this.remember(res.headers);
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          if (/^application\/json/.test(res.headers['content-type'] ?? '')) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: performance.now() - started });
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`${method} ${path} on ${demo.name}: no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(payload);
    });
  }

  get(demo: DemoProcess, path: string): Promise<Reply> {
    return this.request(demo, 'GET', path);
  }

  /** A protocol POST: JSON, with the x-phone-verify header, no Origin (same-origin client). */
  post(demo: DemoProcess, path: string, body: unknown = {}): Promise<Reply> {
    return this.request(demo, 'POST', path, body);
  }

  start(demo: DemoProcess, phone: string): Promise<Reply> {
    return this.post(demo, '/auth/phone/start', { phone });
  }

  verify(demo: DemoProcess, code: string): Promise<Reply> {
    return this.post(demo, '/auth/phone/verify', { code });
  }

  /** POST /logout as the account page's form does (no JSON, no Origin from a Node client). */
  logout(demo: DemoProcess): Promise<Reply> {
    return this.request(demo, 'POST', '/logout');
  }

  /**
   * Reads the code off this browser's demo phone on `demo` (the process that sent it):
   * opens the phone panel's event stream with this browser's cookies, takes the first
   * `data:` event, and hangs up.
   */
  readMessage(demo: DemoProcess, timeoutMs = 5000): Promise<{ to: string; text: string; code: string }> {
    return new Promise((resolve, reject) => {
      let buffer = '';
      const req = httpRequest(
        { host: '127.0.0.1', port: demo.port, method: 'GET', path: '/demo/phone/stream', headers: this.headers(), agent: false },
        (res) => {
          if (res.statusCode !== 200) return finish(new Error(`phone stream on ${demo.name} answered ${res.statusCode}`));
          this.remember(res.headers);
          // Hanging up below aborts the response; that is how reading ends, not an error.
          res.on('error', () => {});
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            const event = buffer.match(/^data: (.*)\n\n/m)?.[1];
            if (event === undefined) return;
            const message = JSON.parse(event) as { to: string; text: string };
            const code = message.text.match(/\b(\d{6})\b/)?.[1];
            if (!code) return finish(new Error(`no code in ${JSON.stringify(message.text)}`));
            finish(undefined, { to: message.to, text: message.text, code });
          });
        },
      );
      const timer = setTimeout(() => finish(new Error(`no message on ${demo.name}'s phone for ${this.ip} within ${timeoutMs} ms`)), timeoutMs);
      const finish = (error?: Error, message?: { to: string; text: string; code: string }) => {
        clearTimeout(timer);
        req.destroy();
        if (error) reject(error);
        else resolve(message!);
      };
      req.on('error', (error) => finish(error));
      req.end();
    });
  }

  /** Reads the code and checks it was sent to `phone`. */
  async readCode(demo: DemoProcess, phone: string): Promise<string> {
    const message = await this.readMessage(demo);
    if (message.to !== phone) throw new Error(`the message on ${demo.name}'s phone is for ${message.to}, not ${phone}`);
    return message.code;
  }

  /** Starts a verification for `phone` on `demo` (pending for that number, or an error saying what came back) and reads its code off that process's phone. */
  async startAndRead(demo: DemoProcess, phone: string): Promise<string> {
    const started = await this.start(demo, phone);
    if (started.status !== 200 || started.json?.status !== 'pending' || started.json?.phone !== phone) {
      throw new Error(`start ${phone} on ${demo.name}: ${started.status} ${started.text}`);
    }
    return this.readCode(demo, phone);
  }
}

/** `GET /account` shows this number (E.164 in its data-e164, formatted for people in its text). */
export function showsNumber(reply: Reply, phone: string): boolean {
  return reply.status === 200 && reply.text.includes(`data-testid="phone" data-e164="${phone}">`);
}
