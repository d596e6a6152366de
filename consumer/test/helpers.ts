// consumer/test/helpers.ts — what the consumer checks share: running the fixture apps'
// tools and servers as child processes, reading the code each server's own sender
// printed, and a cookie-keeping HTTP client that talks to the router as the widget does.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { cleanEnv } from '../setup.js';

export const root = (): string => inject('consumerRoot');
export const legacy = (): string => join(root(), 'legacy');

const execFileAsync = promisify(execFile);

/** Runs a command to completion; rejects with its output when it fails. */
export async function exec(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, env: { ...cleanEnv(), ...env }, maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${stdout}${stderr}`);
  }
}

/** The fixture root's own TypeScript and Vite, as an app would run them. */
export const tsc = (cwd: string, project = '.') => exec(process.execPath, [join(root(), 'node_modules/typescript/bin/tsc'), '-p', project], cwd);
export const viteBuild = (cwd: string) => exec(process.execPath, [join(root(), 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], cwd);

export interface RunningApp {
  url: string;
  /** The next code the app's sender printed (waits for it). */
  nextCode(): Promise<string>;
  /** Everything the process wrote, for assertions and failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts a server script that prints `{"listening": port}` and `{"sms": {phone, message}}` lines. */
export async function startApp(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<RunningApp> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const codes: string[] = [];
  const waiting: Array<() => void> = [];
  let buffered = '';
  const port = new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening:\n${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let parsed: { listening?: number; sms?: { message: string } } | undefined;
        try {
          parsed = JSON.parse(line) as typeof parsed;
        } catch {
          continue;
        }
        if (parsed?.listening) resolve(parsed.listening);
        const code = parsed?.sms?.message.match(/\b(\d{6})\b/)?.[1];
        if (code) {
          codes.push(code);
          waiting.splice(0).forEach((wake) => wake());
        }
      }
    });
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const listening = await Promise.race([
      port,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${args.join(' ')} did not listen in 30 s:\n${output}`)), 30_000)),
    ]);
    return {
      url: `http://localhost:${listening}`,
      output: () => output,
      stop,
      async nextCode() {
        const deadline = Date.now() + 10_000;
        while (codes.length === 0) {
          if (Date.now() > deadline) throw new Error(`no code printed:\n${output}`);
          await new Promise<void>((resolve) => {
            waiting.push(resolve);
            setTimeout(resolve, 200);
          });
        }
        return codes.shift()!;
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A client the way the widget is one: JSON, the `x-phone-verify` header, one session cookie. */
export class Client {
  private cookie = '';
  constructor(private readonly base: string) {}

  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { 'x-phone-verify': '1' };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    if (set.length > 0) this.cookie = set.join('; ');
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }
}
