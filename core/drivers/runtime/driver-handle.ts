import type { DriverKind, LogSeverity } from './protocol-types.js';

/** Receives what a driver logs: LOG lines (executable) or `context.log` calls (module). */
export type DriverLogListener = (severity: LogSeverity, objectId: number, text: string) => void;

/** Options of one call on a running driver. */
export interface DriverCallOptions {
  /** The object the request is about, or -1; it names the object in errors. */
  objectId: number;
  /** Deadline for the reply, in milliseconds. */
  timeoutMs: number;
}

/** How a driver ended when it was stopped. */
export interface DriverStopResult {
  /** True when the driver ended on its own after FINALIZE (or `finalize()` resolved). */
  clean: boolean;
  /** What happened, for logs and the verifier, such as "exited with code 0 after FINALIZE". */
  description: string;
}

/** The life-cycle state of a driver instance. */
export type DriverState = 'new' | 'starting' | 'ready' | 'restarting' | 'broken' | 'stopping' | 'stopped';

/**
 * A running driver, executable or module: the driver manager and the plugin loader
 * use only this. `start()` rejects with a DriverStartError; `call()` rejects only
 * with a DriverError and settles by its deadline at the latest.
 */
export interface DriverHandle {
  readonly kind: DriverKind;
  readonly name: string;
  readonly state: DriverState;
  /** The protocol version agreed at INIT, or 0 before that. */
  readonly version: number;
  /** Requests sent and not yet settled. */
  readonly inFlight: number;
  start(): Promise<void>;
  call(action: string, request: unknown, options: DriverCallOptions): Promise<unknown>;
  /** Resolves once no request is in flight. */
  idle(): Promise<void>;
  stop(): Promise<DriverStopResult>;
}

/** Limits shared by both kinds of driver, with the defaults in DEFAULT_RUNTIME_SETTINGS. */
export interface DriverRuntimeSettings {
  /** Deadline for the INIT reply (or a module's `init()`), in milliseconds. */
  initTimeoutMs: number;
  /** Time a driver has to end after FINALIZE before it gets SIGKILL, in milliseconds. */
  stopGraceMs: number;
  /** Longest line a driver may write on standard output, in bytes; a longer one restarts the driver. */
  maxLineBytes: number;
  /** Longest standard-error line kept in the log, in characters; the rest is cut. */
  maxStderrLineChars: number;
  /** Standard-error lines logged per driver per minute; further ones are counted, not logged. */
  maxStderrLinesPerMinute: number;
  /** Restarts of a crashed driver allowed in any 60-second window; past it the driver is BROKEN. */
  maxRestartsPerMinute: number;
  /** Delay before the first restart, in milliseconds; each further restart in the window doubles it. */
  restartBackoffMs: number;
  /** Longest delay between restarts, in milliseconds. */
  maxRestartBackoffMs: number;
}

export const DEFAULT_RUNTIME_SETTINGS: DriverRuntimeSettings = {
  initTimeoutMs: 10_000,
  stopGraceMs: 5_000,
  maxLineBytes: 1024 * 1024,
  maxStderrLineChars: 4096,
  maxStderrLinesPerMinute: 200,
  maxRestartsPerMinute: 5,
  restartBackoffMs: 500,
  maxRestartBackoffMs: 10_000,
};
