import sqlite3 from 'sqlite3';
import type { RunResult, SqlRunner, SqlValue } from './database.js';

/** One sqlite3 connection with promise-returning calls. */
export class SqliteConnection implements SqlRunner {
  private constructor(private readonly handle: sqlite3.Database) {}

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
      this.handle.run(sql, params, function onRun(this: sqlite3.RunResult, error: Error | null) {
        if (error) {
          reject(error);
          return;
        }
        resolve({ changes: this.changes, lastId: this.lastID });
      });
    });
  }

  get<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      this.handle.get(sql, params, (error: Error | null, row: Row | undefined) => {
        if (error) reject(error);
        else resolve(row);
      });
    });
  }

  all<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.handle.all(sql, params, (error: Error | null, rows: Row[]) => {
        if (error) reject(error);
        else resolve(rows);
      });
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.handle.exec(sql, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.handle.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }
}
