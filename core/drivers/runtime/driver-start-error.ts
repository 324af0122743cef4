/** Why a driver could not be started; the plugin loader turns it into a rejection. */
export type DriverStartErrorCode =
  /** The process could not be spawned. */
  | 'SPAWN_FAILED'
  /** The module could not be imported, or it does not export a driver with every claimed action. */
  | 'MODULE_INVALID'
  /** The driver answered INIT FAILURE, exited before answering, or `init()` threw. */
  | 'INIT_FAILED'
  /** No INIT reply within the deadline. */
  | 'INIT_TIMEOUT'
  /** The driver answered INIT SUCCESS with another version than the one sent. */
  | 'INIT_VERSION_MISMATCH'
  /** The INIT reply does not follow the line format. */
  | 'INIT_INVALID';

export class DriverStartError extends Error {
  readonly code: DriverStartErrorCode;

  constructor(code: DriverStartErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DriverStartError';
    this.code = code;
  }
}
