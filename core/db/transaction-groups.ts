import type { SqlRunner } from './database.js';
import type { SqliteConnection } from './sqlite-connection.js';

/**
 * Maximum transactions in one SQLite transaction. Every caller of a group waits for the
 * group's commit, so this bounds the extra wait of the first caller.
 */
const MAX_GROUP_SIZE = 200;

/** Savepoint around the work of one transaction in a group, so that its failure undoes its writes only. */
const SAVEPOINT = 'group_member';

interface Queued {
  work: (tx: SqlRunner) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Runs transactions on the writer connection one at a time, in the order requested.
 * The transactions requested while the writer is busy run together as one group: one
 * BEGIN, each one's work inside its own savepoint, and one COMMIT. A transaction whose
 * work fails is rolled back to its savepoint, and the others of its group still
 * commit. Every caller's promise settles after the COMMIT (or the rollback) of its
 * group, so a resolved transaction is durable, as it is without groups.
 *
 * A group saves a commit per transaction, which is a write of the WAL pages, and a
 * sync of the log with SYNCHRONOUS = FULL.
 *
 * NOTE: a failed COMMIT fails every member of its group, although only one member may
 * have caused it, such as by breaking a deferred constraint. The schema has none.
 */
export class TransactionGroups {
  private readonly queue: Queued[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly writer: SqliteConnection,
    /** Called after each group ends, with whether it committed. */
    private readonly onSettled: (committed: boolean) => void,
  ) {}

  run<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.writing ??= this.writeAll();
    });
  }

  /** Resolves once every transaction requested so far has settled. */
  async drained(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP_SIZE);
      if (group.length === 1) await this.runAlone(group[0]);
      else await this.runGroup(group);
    }
    this.writing = undefined;
  }

  /**
   * Runs one transaction between BEGIN and COMMIT. When the work or the COMMIT fails
   * (a deferred constraint, a full disk), the transaction is rolled back so that the
   * writer is free for the next one, and the caller gets the original error.
   */
  private async runAlone(member: Queued): Promise<void> {
    try {
      await this.writer.run('BEGIN IMMEDIATE');
    } catch (error) {
      member.reject(error);
      return;
    }

    let committed = false;
    try {
      const value = await member.work(this.writer);
      await this.writer.run('COMMIT');
      committed = true;
      member.resolve(value);
    } catch (error) {
      member.reject(await this.rollback(error));
    } finally {
      this.onSettled(committed);
    }
  }

  /**
   * Runs the group's transactions in one SQLite transaction, each inside the savepoint.
   * When SQLite has rolled back the whole transaction itself (SQLITE_FULL, SQLITE_IOERR),
   * the members that ran get that error, and those that did not run are queued again.
   */
  private async runGroup(group: Queued[]): Promise<void> {
    try {
      await this.writer.exec(`BEGIN IMMEDIATE; SAVEPOINT ${SAVEPOINT}`);
    } catch (error) {
      for (const member of group) member.reject(error);
      return;
    }

    const outcomes: Outcome[] = [];
    let committed = false;
    try {
      for (const [index, member] of group.entries()) {
        if (index > 0) await this.writer.exec(`RELEASE ${SAVEPOINT}; SAVEPOINT ${SAVEPOINT}`);
        await this.runMember(member, outcomes);
      }
      await this.writer.exec(`RELEASE ${SAVEPOINT}; COMMIT`);
      committed = true;
    } catch (error) {
      this.failGroup(group, outcomes, await this.rollback(error));
      return;
    } finally {
      this.onSettled(committed);
    }

    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.ok) group[index].resolve(outcome.value);
      else group[index].reject(outcome.error);
    }
  }

  /**
   * Settles a group whose SQLite transaction was rolled back after `outcomes.length`
   * members ran. A member whose own work failed gets its own error, the other members
   * that ran get `cause`, and the members that did not run are queued again, first.
   */
  private failGroup(group: Queued[], outcomes: readonly Outcome[], cause: unknown): void {
    this.queue.unshift(...group.slice(outcomes.length));
    for (const [index, outcome] of outcomes.entries()) {
      group[index].reject(outcome.ok ? cause : outcome.error);
    }
  }

  /**
   * Runs one member's work and adds its outcome. A failure rolls back to the savepoint.
   * When the ROLLBACK TO itself fails, SQLite has ended the whole transaction, and this
   * throws so that the group fails.
   */
  private async runMember(member: Queued, outcomes: Outcome[]): Promise<void> {
    try {
      outcomes.push({ ok: true, value: await member.work(this.writer) });
    } catch (error) {
      outcomes.push({ ok: false, error });
      try {
        await this.writer.exec(`ROLLBACK TO ${SAVEPOINT}`);
      } catch (rollbackError) {
        const message = `SQLite rolled back a transaction shared with other transactions after: ${(error as Error).message}`;
        throw new Error(message, { cause: rollbackError });
      }
    }
  }

  /**
   * Rolls back the open transaction and returns the error to report. SQLite has already
   * rolled it back itself after some errors (SQLITE_FULL, SQLITE_IOERR), and then
   * ROLLBACK fails with "no transaction is active", which is ignored. Any other failure
   * of the ROLLBACK is returned with the error that caused it as its cause.
   */
  private async rollback(reason: unknown): Promise<unknown> {
    try {
      await this.writer.run('ROLLBACK');
      return reason;
    } catch (error) {
      const message = (error as Error).message;
      if (/no transaction is active/.test(message)) return reason;
      return new Error(`ROLLBACK failed: ${message}`, { cause: reason });
    }
  }
}
