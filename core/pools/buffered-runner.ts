import type { RunResult, SqlRunner, SqlValue } from '../db/database.js';

/** A record encoded as its table row, ready for an UPDATE. */
export interface EncodedRow {
  id: number;
  name: string;
  /** The pool's extra indexed columns, in table order. */
  columns: Record<string, SqlValue>;
  /** The record's body as JSON. */
  body: string;
}

/** A stored row as the pools read it. */
export interface StoredRow {
  oid: number;
  version: number;
  body: string;
}

/** The part of a pool that writes the rows a BufferedRunner kept for it. */
export interface RowWriter {
  writeRows(tx: SqlRunner, rows: readonly EncodedRow[]): Promise<void>;
}

/**
 * A transaction's runner that buffers the updates of records: `ObjectPool.update` and
 * `updateMany` leave the encoded row here, and `ObjectPool.get` of that record decodes
 * it, until the work ends or a statement runs that may depend on it. Then the rows are
 * written with a few multi-row statements (`ObjectPool.writeRows`). Rows read by id are
 * kept as well, so a record read many times costs one statement. Each read decodes the
 * row again, so that every caller gets its own record, as without the buffer.
 *
 * Every other statement (an insert, a delete, a listing, plain SQL) first writes the
 * buffered rows and drops the rows read, so it reads what a transaction without the
 * buffer would see. Use it through `withBufferedWrites`.
 */
export class BufferedRunner implements SqlRunner {
  private readonly pending = new Map<RowWriter, Map<number, EncodedRow>>();
  private readonly reads = new Map<RowWriter, Map<number, StoredRow | undefined>>();

  constructor(readonly tx: SqlRunner) {}

  /** Keeps the row to write for `writer`; a later row of the same id replaces it. */
  bufferRow(writer: RowWriter, row: EncodedRow): void {
    let rows = this.pending.get(writer);
    if (rows === undefined) {
      rows = new Map();
      this.pending.set(writer, rows);
    }
    rows.set(row.id, row);
  }

  /** Returns the buffered row of `id`, or undefined when none is buffered. */
  bufferedRow(writer: RowWriter, id: number): EncodedRow | undefined {
    return this.pending.get(writer)?.get(id);
  }

  /** Returns the row of `id` as read before in this buffer, with `known` false when it was never read. */
  readRow(writer: RowWriter, id: number): { known: boolean; row: StoredRow | undefined } {
    const rows = this.reads.get(writer);
    return { known: rows?.has(id) ?? false, row: rows?.get(id) };
  }

  /** Keeps a row read by id, or its absence. */
  keepRead(writer: RowWriter, id: number, row: StoredRow | undefined): void {
    let rows = this.reads.get(writer);
    if (rows === undefined) {
      rows = new Map();
      this.reads.set(writer, rows);
    }
    rows.set(id, row);
  }

  /** Writes every buffered row. */
  async flush(): Promise<void> {
    const pending = [...this.pending];
    this.pending.clear();
    for (const [writer, rows] of pending) await writer.writeRows(this.tx, [...rows.values()]);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    await this.beforeStatement();
    return this.tx.run(sql, params);
  }

  async get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined> {
    await this.beforeStatement();
    return this.tx.get<Row>(sql, params);
  }

  async all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    await this.beforeStatement();
    return this.tx.all<Row>(sql, params);
  }

  private async beforeStatement(): Promise<void> {
    await this.flush();
    this.reads.clear();
  }
}

/**
 * Runs `work` with a BufferedRunner over `tx` and writes what it buffered before
 * returning, for work that changes many records of a pool, each maybe several times.
 * When `work` throws, the buffered rows are dropped with the transaction.
 */
export async function withBufferedWrites<T>(tx: SqlRunner, work: (runner: BufferedRunner) => Promise<T>): Promise<T> {
  const runner = new BufferedRunner(tx);
  const value = await work(runner);
  await runner.flush();
  return value;
}
