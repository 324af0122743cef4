import sqlite3 from 'sqlite3';
import type { RunResult, SqlRunner, SqlValue } from './database.js';
import { StatementCache } from './statement-cache.js';

/** Prepared statements kept per connection; the least recently used is finalized first. */
const STATEMENT_CACHE_CAPACITY = 256;

/** One sqlite3 connection with promise-returning calls, which reuse prepared statements. */
export class SqliteConnection implements SqlRunner {
  private readonly statements: StatementCache;

  private constructor(private readonly handle: sqlite3.Database) {
    this.statements = new StatementCache(handle, STATEMENT_CACHE_CAPACITY);
  }

  static open(file: string, mode: number): Promise<SqliteConnection> {
    return new Promise((resolve, reject) => {
      const handle = new sqlite3.Database(file, mode, (error) => {
        if (error) {
          reject(new Error(`cannot open database ${file}: ${error.message}`, { cause: error }));
          return;
        }
        resolve(new SqliteConnection(handle));
      });
    });
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const started = this.statements.with(sql, (statement, done) => {
        statement.run(params, function onRun(this: sqlite3.RunResult, error: Error | null) {
          done();
          if (error) reject(error);
          else resolve({ changes: this.changes, lastId: this.lastID });
        });
      });
      started.catch(reject);
    });
  }

  /**
   * Returns the first row. The statement runs to its end, because a statement left
   * after its first row would keep the connection's read snapshot open.
   */
  async get<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row | undefined> {
    const rows = await this.all<Row>(sql, params);
    return rows[0];
  }

  all<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      const started = this.statements.with(sql, (statement, done) => {
        statement.all<Row>(params, (error: Error | null, rows: Row[]) => {
          done();
          if (error) reject(error);
          else resolve(rows);
        });
      });
      started.catch(reject);
    });
  }

  /** Runs one or more statements without parameters, separated by semicolons, in one call. */
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.handle.exec(sql, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  async close(): Promise<void> {
    await this.statements.finalizeAll();
    await new Promise<void>((resolve, reject) => {
      this.handle.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }
}
