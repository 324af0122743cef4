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

/**
 * SQLite in WAL mode with two connections: a writer that runs one transaction at a
 * time, in the order they were requested, and a reader for everything else, which
 * sees the last committed state.
 */
export class SqliteDatabase implements Database {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly writer: SqliteConnection,
    private readonly reader: SqliteConnection,
  ) {}

  static async open(file: string, options: SqliteOptions): Promise<SqliteDatabase> {
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

  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const result = this.queue.then(() => this.runTransaction(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runTransaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    await this.writer.run('BEGIN IMMEDIATE');

    let value: T;
    try {
      value = await work(this.writer);
    } catch (error) {
      await this.writer.run('ROLLBACK');
      throw error;
    }

    await this.writer.run('COMMIT');
    return value;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.reader.close();
    await this.writer.close();
  }
}
