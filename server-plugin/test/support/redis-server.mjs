// server-plugin/test/support/redis-server.mjs
// A real redis-server for tests and benchmarks: on 127.0.0.1, a free port, its own temp
// dir. stop() and start() simulate an outage and a recovery on the same port and dir.
// Plain JavaScript (its types in redis-server.d.mts) so that the benchmarks, run by plain
// `node`, launch Redis the same way as the tests.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.mjs';

const INSTALL_HINT = 'redis-server is needed for the Redis tests: apt-get install redis-server (Debian/Ubuntu) or put it on PATH';

/** Where redis-server is ($REDIS_SERVER, /usr/bin, then PATH), or a clear error. */
export function findRedisServer() {
  const override = process.env.REDIS_SERVER;
  if (override) {
    try {
      accessSync(override, constants.X_OK);
      return override;
    } catch {
      throw new Error(`${INSTALL_HINT} ($REDIS_SERVER=${override} is not an executable)`);
    }
  }
  const candidates = [
    '/usr/bin/redis-server',
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'redis-server')),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(`${INSTALL_HINT} (not found in /usr/bin or PATH)`);
}

/**
 * The process id of the redis-server answering on this port, or undefined while nothing
 * answers (refused, -LOADING). Checked against our child's pid, so a server another test
 * started on a port taken under us is never mistaken for ours.
 */
function answeringPid(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    const done = (pid) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(500, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.startsWith('-')) return done(undefined);
      const match = data.match(/process_id:(\d+)\r\n/);
      if (match) done(Number(match[1]));
    });
  });
}

export class RedisServer {
  /** @type {number} */ port;
  /** @type {string} */ dir;
  #persistence;
  #extraArgs;
  #binary;
  /** @type {import('node:child_process').ChildProcess | undefined} */ #child;
  #exited = Promise.resolve();
  #output = '';
  #paused = false;

  /** Use `RedisServer.launch()`. */
  constructor(binary, port, dir, persistence, extraArgs = []) {
    this.#binary = binary;
    this.#extraArgs = extraArgs;
    this.port = port;
    this.dir = dir;
    this.#persistence = persistence;
  }

  /** Start a server on a free port, retrying with another port if one is taken under us. */
  static async launch(options = {}) {
    const binary = findRedisServer();
    const dir = await mkdtemp(join(tmpdir(), 'pv-redis-'));
    let lastError;
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(binary, await freePort(), dir, options.persistence ?? false, options.args ?? []);
      try {
        await server.start();
        return server;
      } catch (error) {
        lastError = error;
        await server.stop();
      }
    }
    await rm(dir, { recursive: true, force: true });
    throw new Error(`redis-server would not start after 5 ports: ${lastError.message}`);
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running() {
    return this.#child !== undefined;
  }

  /** Start (again) on the same port and dir; resolves once it answers (with our pid). */
  async start() {
    if (this.#child) throw new Error('redis-server is already running');
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--daemonize',
      'no',
      '--logfile',
      '',
      ...(this.#persistence ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      ...this.#extraArgs,
    ];
    this.#output = '';
    const child = spawn(this.#binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout.on('data', (chunk) => void (this.#output += chunk.toString()));
    child.stderr.on('data', (chunk) => void (this.#output += chunk.toString()));
    let exitCode;
    let spawnError;
    this.#exited = new Promise((resolve) => {
      child.once('error', (error) => {
        spawnError = error;
        resolve();
      });
      child.once('exit', (code) => {
        exitCode = code;
        resolve();
      });
    });
    void this.#exited.then(() => {
      if (this.#child === child) this.#child = undefined;
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (spawnError) {
        throw new Error(spawnError.code === 'ENOENT' ? INSTALL_HINT : `redis-server failed to spawn: ${spawnError.message}`);
      }
      if (exitCode !== undefined) throw new Error(`redis-server exited (${exitCode}) on port ${this.port}:\n${this.#output.slice(-2000)}`);
      if ((await answeringPid(this.port)) === child.pid) return;
      await sleep(20);
    }
    throw new Error(`redis-server did not answer on port ${this.port} within 10 s:\n${this.#output.slice(-2000)}`);
  }

  /** Stop it (SIGTERM: an AOF is flushed first) and wait until the process has exited. */
  async stop() {
    const child = this.#child;
    if (!child) return;
    // A paused server would never handle SIGTERM.
    child.kill('SIGCONT');
    this.#paused = false;
    child.kill('SIGTERM');
    const killed = await Promise.race([this.#exited.then(() => true), sleep(5000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await this.#exited;
    }
    this.#child = undefined;
  }

  /** Freeze it (SIGSTOP): connections stay open but nothing answers, like a lost host. */
  pause() {
    if (!this.#child?.pid) throw new Error('redis-server is not running');
    process.kill(this.#child.pid, 'SIGSTOP');
    this.#paused = true;
  }

  /** Let a paused server run again (SIGCONT). */
  resume() {
    if (!this.#child?.pid) throw new Error('redis-server is not running');
    process.kill(this.#child.pid, 'SIGCONT');
    this.#paused = false;
  }

  /** Running and not paused: for an afterEach that undoes what a failed test left behind. */
  async ensureUp() {
    if (this.#paused) this.resume();
    if (!this.#child) await this.start();
  }

  /** Stop it and remove its dir: for afterAll. */
  async close() {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
