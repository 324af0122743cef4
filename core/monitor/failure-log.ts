import type { DaemonLog } from '../log/events.js';
import type { LogFields } from '../log/logger.js';

interface LastFailure {
  message: string;
  /** Failures with the same message since it was logged. */
  repeats: number;
}

/**
 * Logs the failures of monitored objects (hosts or VMs) without repeating itself.
 * A failure is logged when its message differs from the object's last one, and
 * identical repeats are only counted. The first success after a failure is logged
 * with that count.
 */
export class FailureLog {
  private readonly last = new Map<number, LastFailure>();

  constructor(
    private readonly log: DaemonLog,
    /** The object kind in event names and fields: "host" or "vm". */
    private readonly kind: 'host' | 'vm',
  ) {}

  failed(id: number, message: string, fields: LogFields): void {
    const previous = this.last.get(id);
    if (previous?.message === message) {
      previous.repeats += 1;
      return;
    }

    this.last.set(id, { message, repeats: 0 });
    this.log.warn(`${this.kind}.monitor_failed`, {
      [`${this.kind}Id`]: id,
      ...fields,
      error: message,
      note: 'identical failures of this object are counted, not logged, until it recovers',
    });
  }

  succeeded(id: number, fields: LogFields): void {
    const previous = this.last.get(id);
    if (previous === undefined) return;

    this.last.delete(id);
    this.log.info(`${this.kind}.monitor_recovered`, { [`${this.kind}Id`]: id, ...fields, repeatedFailures: previous.repeats });
  }
}
