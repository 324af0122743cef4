/** Every setting of stratusd, with the defaults it runs on when nothing is configured. */
export interface Settings {
  listenAddress: string;
  port: number;
  logLevel: string;
  db: {
    synchronous: 'FULL' | 'NORMAL';
    busyTimeoutMs: number;
  };
  rpc: {
    /** Largest request body accepted, in bytes. */
    maxBodyBytes: number;
    /** Deepest nesting of arrays and structs in a call. */
    maxDepth: number;
    /** Longest string parameter, in characters. */
    maxStringLength: number;
    /** Most parameters in one call. */
    maxParams: number;
    /** Most open client connections; further ones are refused until one closes. */
    maxConnections: number;
    /** Most calls handled at once; further ones wait in line. */
    maxConcurrentCalls: number;
    /** Time a client has to send a whole request, in milliseconds. */
    requestTimeoutMs: number;
    /** Time an idle keep-alive connection stays open, in milliseconds. */
    keepAliveTimeoutMs: number;
  };
  auth: {
    /** Longest lifetime of a login token, in seconds. */
    maxTokenSeconds: number;
  };
  /** Permissions removed from new objects, as an octal mask like a file umask. */
  defaultUmask: number;
  /** Order of pool listings by id. */
  listOrder: 'ASC' | 'DESC';
}

export const DEFAULT_SETTINGS: Settings = {
  listenAddress: '127.0.0.1',
  port: 2633,
  logLevel: 'info',
  db: { synchronous: 'FULL', busyTimeoutMs: 5000 },
  rpc: {
    maxBodyBytes: 16 * 1024 * 1024,
    maxDepth: 32,
    maxStringLength: 8 * 1024 * 1024,
    maxParams: 64,
    maxConnections: 240,
    maxConcurrentCalls: 64,
    requestTimeoutMs: 15_000,
    keepAliveTimeoutMs: 15_000,
  },
  auth: { maxTokenSeconds: 36_000 },
  defaultUmask: 0o177,
  listOrder: 'ASC',
};
