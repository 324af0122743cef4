import type { EventLog, LogFields } from '../drivers/runtime/event-log.js';

/**
 * Work that goes on after an API call has returned, such as copying an image file.
 * The daemon waits for it before it closes the database, so that every outcome is
 * recorded. A failure that the work itself does not handle is logged with the ids
 * the caller gave, and no promise is left unhandled.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: EventLog) {}

  /** Starts `work` on the next tick. `fields` name the step and the ids for the log. */
  start(fields: LogFields, work: () => Promise<void>): void {
    const task: Promise<void> = Promise.resolve()
      .then(work)
      .catch((error: unknown) => this.log.internalError(fields, error))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Number of tasks that have not finished. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once every task has finished, including tasks started while waiting. */
  async settled(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
  }
}
