import type { DriverLine } from '../protocol/wire.js';
import { DriverStartError } from './driver-start-error.js';
import { excerpt } from './event-log.js';

/**
 * Waits for the reply to `INIT <version>` from one driver process. It settles once:
 * with the version on `INIT SUCCESS <same version>`, or with a DriverStartError on
 * INIT FAILURE, another version, a malformed INIT line, the process ending, or the
 * deadline.
 */
export class InitHandshake {
  readonly done: Promise<void>;
  private settled = false;
  private timer?: NodeJS.Timeout;
  private resolveDone!: () => void;
  private rejectDone!: (error: DriverStartError) => void;

  constructor(
    private readonly version: number,
    private readonly timeoutMs: number,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.timer = setTimeout(() => {
      this.fail(new DriverStartError('INIT_TIMEOUT', `no reply to "INIT ${version}" within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Handles a line read while INIT is pending; returns false for lines that are not INIT replies. */
  handleLine(parsed: DriverLine, raw: string): boolean {
    if (parsed.kind === 'init' && parsed.ok) {
      this.onSuccess(parsed.version);
      return true;
    }
    if (parsed.kind === 'init') {
      this.fail(new DriverStartError('INIT_FAILED', `the driver answered INIT FAILURE: ${parsed.message}`));
      return true;
    }
    if (parsed.kind === 'invalid' && /^INIT( |$)/.test(raw)) {
      const reason = `the INIT reply "${excerpt(raw, 80)}" is invalid: ${parsed.reason}; the expected form is "INIT SUCCESS ${this.version}"`;
      this.fail(new DriverStartError('INIT_INVALID', reason));
      return true;
    }
    return false;
  }

  /** The process ended before it answered. */
  handleEnd(description: string, recentStderr: string): void {
    const stderr = recentStderr === '' ? '' : `; its last standard-error lines: ${recentStderr}`;
    this.fail(new DriverStartError('INIT_FAILED', `the driver process ${description} before answering INIT${stderr}`));
  }

  /** Ends the wait with the given error, for a caller that gives up (stop during start). */
  abort(error: DriverStartError): void {
    this.fail(error);
  }

  private onSuccess(version: number): void {
    if (version !== this.version) {
      const message = `the core sent "INIT ${this.version}" and the driver answered "INIT SUCCESS ${version}"; it must answer with the version it was sent`;
      this.fail(new DriverStartError('INIT_VERSION_MISMATCH', message));
      return;
    }
    if (this.settle()) this.resolveDone();
  }

  private fail(error: DriverStartError): void {
    if (this.settle()) this.rejectDone(error);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    return true;
  }
}
