import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import type { Database, RunResult, SqlRunner, SqlValue } from './database.js';
import { SqliteConnection } from './sqlite-connection.js';
import { TransactionGroups } from './transaction-groups.js';

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
 * reads the last committed state. Transactions requested while the writer is busy
 * share one SQLite transaction and one commit (`TransactionGroups`), and each still
 * commits whole or not at all.
 */
export class SqliteDatabase implements Database {
  private readonly settledListeners: Array<(committed: boolean) => void> = [];
  private readonly groups: TransactionGroups;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly writer: SqliteConnection,
    private readonly reader: SqliteConnection,
  ) {
    this.groups = new TransactionGroups(writer, (committed) => {
      for (const listener of this.settledListeners) listener(committed);
    });
  }

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

  afterTransaction(listener: (committed: boolean) => void): void {
    this.settledListeners.push(listener);
  }

  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error('the database is closed; no transaction can start'));
    return this.groups.run(work);
  }

  /** Waits for queued transactions, then closes both connections. Later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= this.closeConnections();
    return this.closing;
  }

  private async closeConnections(): Promise<void> {
    await this.groups.drained();
    await this.reader.close();
    await this.writer.close();
  }
}
