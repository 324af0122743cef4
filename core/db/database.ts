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
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Calls `listener` after every transaction has committed or rolled back. */
  afterTransaction(listener: () => void): void;
  close(): Promise<void>;
}
