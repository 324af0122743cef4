import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import type { Database, RunResult, SqlRunner, SqlValue } from './database.js';
import { SqliteConnection } from './sqlite-connection.js';

export interface SqliteOptions {
  /**
   * SQLite's `synchronous` setting. FULL syncs the write-ahead log on every commit,
   * so an acknowledged change survives a power loss; NORMAL survives a crash of the
   * daemon but not of the machine.
   */
  synchronous: 'FULL' | 'NORMAL';
  /** How long a statement waits for a lock held by another process, in milliseconds. */
  busyTimeoutMs: number;
}

/** Mode of the database file: it contains password hashes, so only the daemon's user may read it. */
const DATABASE_FILE_MODE = 0o600;

/**
 * Creates the database file with mode 0600 before SQLite opens it, and tightens the
 * mode of files left by an older version. SQLite gives the `-wal` and `-shm` files it
 * creates later the mode of the database file.
 */
function restrictFileModes(file: string): void {
  closeSync(openSync(file, 'a', DATABASE_FILE_MODE));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, DATABASE_FILE_MODE);
  }
}

/**
 * SQLite in WAL mode with two connections: a writer that runs one transaction at a
 * time, in the order they were requested, and a reader for everything else, which
 * sees the last committed state.
 */
export class SqliteDatabase implements Database {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly settledListeners: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly writer: SqliteConnection,
    private readonly reader: SqliteConnection,
  ) {}

  static async open(file: string, options: SqliteOptions): Promise<SqliteDatabase> {
    restrictFileModes(file);
    const writer = await SqliteConnection.open(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
    await writer.exec(
      `PRAGMA journal_mode = WAL;
       PRAGMA synchronous = ${options.synchronous};
       PRAGMA foreign_keys = ON;
       PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)};`,
    );

    const reader = await SqliteConnection.open(file, sqlite3.OPEN_READONLY);
    await reader.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)};`);

    return new SqliteDatabase(writer, reader);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.reader.run(sql, params);
  }

  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined> {
    return this.reader.get<Row>(sql, params);
  }

  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return this.reader.all<Row>(sql, params);
  }

  afterTransaction(listener: () => void): void {
    this.settledListeners.push(listener);
  }

  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error('the database is closed; no transaction can start'));

    const result = this.queue.then(() => this.runTransaction(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs `work` between BEGIN and COMMIT. When the work or the COMMIT fails (a deferred
   * constraint, a full disk), the transaction is rolled back so that the writer is free
   * for the next one, and the original error is rethrown.
   */
  private async runTransaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    await this.writer.run('BEGIN IMMEDIATE');

    try {
      const value = await work(this.writer);
      await this.writer.run('COMMIT');
      return value;
    } catch (error) {
      await this.rollback(error);
      throw error;
    } finally {
      for (const listener of this.settledListeners) listener();
    }
  }

  /**
   * Rolls back the open transaction. SQLite has already rolled it back itself after
   * some errors (SQLITE_FULL, SQLITE_IOERR), and then ROLLBACK fails with "no
   * transaction is active", which is ignored. Any other failure is thrown with the
   * error that caused the rollback as its cause.
   */
  private async rollback(reason: unknown): Promise<void> {
    try {
      await this.writer.run('ROLLBACK');
    } catch (error) {
      const message = (error as Error).message;
      if (/no transaction is active/.test(message)) return;
      throw new Error(`ROLLBACK failed: ${message}`, { cause: reason });
    }
  }

  /** Waits for queued transactions, then closes both connections. Later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= this.closeConnections();
    return this.closing;
  }

  private async closeConnections(): Promise<void> {
    await this.queue;
    await this.reader.close();
    await this.writer.close();
  }
}
