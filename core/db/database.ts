/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | null | Buffer;

export interface RunResult {
  changes: number;
  lastId: number;
}

/** What a pool needs to run statements, whether inside a transaction or not. */
export interface SqlRunner {
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

/**
 * The storage seam. Reads outside a transaction see the last committed state;
 * `transaction` runs its work alone and commits it whole or not at all. A PostgreSQL
 * backend implements the same interface.
 */
export interface Database extends SqlRunner {
  /**
   * Runs `work` in a transaction and resolves with its value once the transaction has
   * committed, so that the change is durable when the promise resolves.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` each time the backend's own transaction ends: with true after a
   * commit, with false after a rollback. One backend transaction may carry the work of
   * several `transaction` calls, and a commit then does not tell which of them failed.
   */
  afterTransaction(listener: (committed: boolean) => void): void;
  close(): Promise<void>;
}
