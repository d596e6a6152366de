// server-plugin/test/support/redis-server.d.mts
// The types of redis-server.mjs.

export interface RedisServerOptions {
  /** Append-only file, fsync'd on every write, so data survives a restart. Default off. */
  persistence?: boolean;
  /** More redis-server arguments, e.g. `['--cluster-enabled', 'yes']`. */
  args?: string[];
}
/** Where redis-server is ($REDIS_SERVER, /usr/bin, then PATH), or a clear error. */
export declare function findRedisServer(): string;
export declare class RedisServer {
  readonly port: number;
  readonly dir: string;
  #private;
  /** Use `RedisServer.launch()`. */
  private constructor();
  /** Start a server on a free port, retrying with another port if one is taken under us. */
  static launch(options?: RedisServerOptions): Promise<RedisServer>;
  get url(): string;
  get running(): boolean;
  /** Start (again) on the same port and dir; resolves once it answers (with our pid). */
  start(): Promise<void>;
  /** Stop it (SIGTERM: an AOF is flushed first) and wait until the process has exited. */
  stop(): Promise<void>;
  /** Freeze it (SIGSTOP): connections stay open but nothing answers, like a lost host. */
  pause(): void;
  /** Let a paused server run again (SIGCONT). */
  resume(): void;
  /** Running and not paused: for an afterEach that undoes what a failed test left behind. */
  ensureUp(): Promise<void>;
  /** Stop it and remove its dir: for afterAll. */
  close(): Promise<void>;
}
