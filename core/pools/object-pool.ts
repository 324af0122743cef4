import type { SqlRunner, SqlValue } from '../db/database.js';
import { BufferedRunner, type EncodedRow, type RowWriter, type StoredRow } from './buffered-runner.js';
import { RecordCache } from './record-cache.js';
import { Errors } from '../errors/catalogue.js';
import type { ResourceTypeName } from '../acl/index.js';

/** Converts between a record and the row that stores it. */
export interface RecordCodec<R> {
  toBody(record: R): unknown;
  fromBody(id: number, body: unknown): R;
  /** Extra indexed columns besides oid, name and body, in table order. */
  columns(record: R): Record<string, SqlValue>;
}

export interface PoolDefinition<R> {
  /** SQL table name. */
  table: string;
  /** Key in the `sequences` table. */
  sequence: string;
  /** The object name in messages, as OpenNebula spells it: "virtual machine", "image". */
  objectName: string;
  /** The ACL resource type the pool's objects are checked against. */
  resourceType: ResourceTypeName;
  codec: RecordCodec<R>;
}

/** A range of object ids and a page, as pool listings take them. */
export interface ListOptions {
  where?: string;
  params?: SqlValue[];
  fromId?: number;
  toId?: number;
  offset?: number;
  limit?: number;
  descending?: boolean;
}

type Row = StoredRow;

/** Rows fetched per query when a listing fills cache misses. */
const MISS_BATCH = 500;

/**
 * Rows changed by one statement of `updateMany`. Full batches share one SQL text, and so
 * one prepared statement; 50 rows of a VM take about 400 parameters, far below SQLite's
 * limit of 32766.
 */
const UPDATE_BATCH = 50;

/**
 * Stores one type of object. Every method takes the runner to use, so that changes
 * happen inside the caller's transaction and reads see it. Reads through the
 * database's own reader (outside any transaction) go through a cache of committed
 * records; the records they return are frozen and shared, so change only records
 * read inside a transaction.
 */
export class ObjectPool<R extends { id: number; name: string }> implements RowWriter {
  readonly #cache = new RecordCache<R>();
  // Kept as objects with a method, whose parameter TypeScript checks bivariantly, so that
  // an ObjectPool<VmRecord> still passes where an ObjectPool<ObjectHeader> is expected.
  readonly #writeListeners: Array<{ written(record: R): void }> = [];
  #reader: SqlRunner | undefined;

  constructor(readonly definition: PoolDefinition<R>) {}

  /** Names the runner that reads committed state; only its reads use the cache. */
  attachReader(reader: SqlRunner): void {
    this.#reader = reader;
  }

  /** Called after every transaction has committed or rolled back. */
  settle(): void {
    this.#cache.settle();
  }

  /**
   * Calls `listener` with each record that a transaction inserts or updates, as the
   * statement runs: the transaction may still roll back.
   */
  watchWrites(listener: (record: R) => void): void {
    this.#writeListeners.push({ written: listener });
  }

  /** How many inserts, updates and deletes this pool has run, committed or not. */
  get writeCount(): number {
    return this.#cache.writeCount;
  }

  get objectName(): string {
    return this.definition.objectName;
  }

  async get(runner: SqlRunner, id: number): Promise<R | undefined> {
    if (runner instanceof BufferedRunner) return this.getBuffered(runner, id);
    const cached = runner === this.#reader ? this.#cache.get(id) : undefined;
    if (cached) return cached;

    const writesBefore = this.#cache.writeCount;
    const row = await runner.get<Row>(`SELECT oid, version, body FROM ${this.definition.table} WHERE oid = ?`, [id]);
    return row ? this.decode(runner, row, writesBefore) : undefined;
  }

  /** Returns the object, or throws the API's "Error getting ..." NO_EXISTS error. */
  async require(runner: SqlRunner, id: number): Promise<R> {
    const record = await this.get(runner, id);
    if (!record) throw Errors.notFound(this.definition.objectName, id);
    return record;
  }

  async findByName(runner: SqlRunner, name: string, uid?: number): Promise<R | undefined> {
    const byOwner = uid === undefined ? '' : ' AND uid = ?';
    const params: SqlValue[] = uid === undefined ? [name] : [name, uid];
    const writesBefore = this.#cache.writeCount;
    const row = await runner.get<Row>(
      `SELECT oid, version, body FROM ${this.definition.table} WHERE name = ?${byOwner} LIMIT 1`,
      params,
    );
    return row ? this.decode(runner, row, writesBefore) : undefined;
  }

  async list(runner: SqlRunner, options: ListOptions = {}): Promise<R[]> {
    const clauses: string[] = [];
    const params: SqlValue[] = [];

    if (options.where) {
      clauses.push(`(${options.where})`);
      params.push(...(options.params ?? []));
    }
    if (options.fromId !== undefined && options.fromId >= 0) {
      clauses.push('oid >= ?');
      params.push(options.fromId);
    }
    if (options.toId !== undefined && options.toId >= 0) {
      clauses.push('oid <= ?');
      params.push(options.toId);
    }

    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const order = options.descending ? 'DESC' : 'ASC';
    let tail = `FROM ${this.definition.table}${where} ORDER BY oid ${order}`;
    if (options.limit !== undefined) {
      tail += ' LIMIT ? OFFSET ?';
      params.push(options.limit, options.offset ?? 0);
    }

    if (runner !== this.#reader) {
      const rows = await runner.all<Row>(`SELECT oid, version, body ${tail}`, params);
      return rows.map((row) => this.decode(runner, row, -1));
    }
    return this.listCommitted(runner, tail, params);
  }

  /**
   * Lists committed records: ids and versions first, then the bodies of the records
   * the cache does not hold at that version, in batches.
   */
  private async listCommitted(reader: SqlRunner, tail: string, params: SqlValue[]): Promise<R[]> {
    const keys = await reader.all<{ oid: number; version: number }>(`SELECT oid, version ${tail}`, params);
    const records: Array<R | undefined> = keys.map((key) => this.#cache.getAtVersion(key.oid, key.version));

    const missing = keys.filter((_, index) => records[index] === undefined).map((key) => key.oid);
    const fetched = new Map<number, R>();
    for (let start = 0; start < missing.length; start += MISS_BATCH) {
      const batch = missing.slice(start, start + MISS_BATCH);
      const writesBefore = this.#cache.writeCount;
      const rows = await reader.all<Row>(
        `SELECT oid, version, body FROM ${this.definition.table} WHERE oid IN (${batch.map(() => '?').join(', ')})`,
        batch,
      );
      for (const row of rows) fetched.set(row.oid, this.decode(reader, row, writesBefore));
    }

    const result: R[] = [];
    for (const [index, key] of keys.entries()) {
      const record = records[index] ?? fetched.get(key.oid);
      if (record) result.push(record);
    }
    return result;
  }

  /** Takes the next id of the pool's sequence; ids are never handed out twice. */
  async nextId(tx: SqlRunner): Promise<number> {
    const row = await tx.get<{ id: number }>(
      'UPDATE sequences SET next_id = next_id + 1 WHERE pool = ? RETURNING next_id - 1 AS id',
      [this.definition.sequence],
    );
    if (!row) throw new Error(`sequence ${this.definition.sequence} is missing from the database`);
    return row.id;
  }

  async insert(tx: SqlRunner, record: R): Promise<R> {
    this.noteWrite(record);
    const columns = this.definition.codec.columns(record);
    const names = ['oid', 'name', ...Object.keys(columns), 'body'];
    const values: SqlValue[] = [
      record.id,
      record.name,
      ...Object.values(columns),
      JSON.stringify(this.definition.codec.toBody(record)),
    ];
    const placeholders = names.map(() => '?').join(', ');

    await tx.run(`INSERT INTO ${this.definition.table} (${names.join(', ')}) VALUES (${placeholders})`, values);
    return record;
  }

  async update(tx: SqlRunner, record: R): Promise<void> {
    this.noteWrite(record);
    if (tx instanceof BufferedRunner) {
      tx.bufferRow(this, this.encodeRow(record));
      return;
    }
    const columns = this.definition.codec.columns(record);
    const assignments = ['name = ?', ...Object.keys(columns).map((c) => `${c} = ?`), 'body = ?'];
    const values: SqlValue[] = [
      record.name,
      ...Object.values(columns),
      JSON.stringify(this.definition.codec.toBody(record)),
      record.id,
    ];

    const result = await tx.run(
      `UPDATE ${this.definition.table} SET ${assignments.join(', ')}, version = version + 1 WHERE oid = ?`,
      values,
    );
    if (result.changes !== 1) throw Errors.notFound(this.definition.objectName, record.id);
  }

  /**
   * Reads the objects with the given ids, in batches, and returns those that exist by id.
   * Inside a transaction, use it to read many records that the transaction will change.
   */
  async getMany(runner: SqlRunner, ids: readonly number[]): Promise<Map<number, R>> {
    const records = new Map<number, R>();
    for (let start = 0; start < ids.length; start += MISS_BATCH) {
      const batch = ids.slice(start, start + MISS_BATCH);
      const writesBefore = this.#cache.writeCount;
      const rows = await runner.all<Row>(
        `SELECT oid, version, body FROM ${this.definition.table} WHERE oid IN (${batch.map(() => '?').join(', ')})`,
        batch,
      );
      for (const row of rows) records.set(row.oid, this.decode(runner, row, writesBefore));
    }
    return records;
  }

  /**
   * Updates many records, as `update` does each, with one statement per UPDATE_BATCH
   * records. Throws NOT_FOUND when a record no longer exists, and an Error when the same
   * id appears twice in `records`.
   */
  async updateMany(tx: SqlRunner, records: readonly R[]): Promise<void> {
    if (new Set(records.map((record) => record.id)).size !== records.length) {
      throw new Error(`updateMany of ${this.definition.table} got the same id twice`);
    }
    for (const record of records) this.noteWrite(record);
    const rows = records.map((record) => this.encodeRow(record));

    if (tx instanceof BufferedRunner) {
      for (const row of rows) tx.bufferRow(this, row);
      return;
    }
    await this.writeRows(tx, rows);
  }

  /**
   * Writes encoded rows over the stored ones, with one `UPDATE ... FROM (VALUES ...)`
   * per UPDATE_BATCH rows. Throws NOT_FOUND when a row no longer exists.
   */
  async writeRows(tx: SqlRunner, rows: readonly EncodedRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += UPDATE_BATCH) {
      await this.writeBatch(tx, rows.slice(start, start + UPDATE_BATCH));
    }
  }

  private async writeBatch(tx: SqlRunner, batch: readonly EncodedRow[]): Promise<void> {
    const { table } = this.definition;
    const columnNames = ['name', ...Object.keys(batch[0]?.columns ?? {}), 'body'];
    const values = batch.map((row) => [row.id, row.name, ...Object.values(row.columns), row.body]);

    // VALUES names its columns column1, column2, ...; column1 is the id.
    const assignments = columnNames.map((name, index) => `${name} = v.column${index + 2}`);
    const tuples = values.map((row) => `(${row.map(() => '?').join(', ')})`).join(', ');
    const result = await tx.run(
      `UPDATE ${table} SET ${assignments.join(', ')}, version = version + 1 FROM (VALUES ${tuples}) AS v WHERE ${table}.oid = v.column1`,
      values.flat(),
    );
    if (result.changes === batch.length) return;

    const found = await this.getMany(tx, batch.map((row) => row.id));
    const missing = batch.find((row) => !found.has(row.id));
    throw Errors.notFound(this.definition.objectName, missing?.id ?? batch[0].id);
  }

  private encodeRow(record: R): EncodedRow {
    const { codec } = this.definition;
    return { id: record.id, name: record.name, columns: codec.columns(record), body: JSON.stringify(codec.toBody(record)) };
  }

  /** Reads a record through a BufferedRunner: its buffered row, a row read before, or the stored row. */
  private async getBuffered(runner: BufferedRunner, id: number): Promise<R | undefined> {
    const buffered = runner.bufferedRow(this, id);
    if (buffered !== undefined) return this.definition.codec.fromBody(id, JSON.parse(buffered.body));

    let { known, row } = runner.readRow(this, id);
    if (!known) {
      row = await runner.tx.get<Row>(`SELECT oid, version, body FROM ${this.definition.table} WHERE oid = ?`, [id]);
      runner.keepRead(this, id, row);
    }
    return row === undefined ? undefined : this.definition.codec.fromBody(id, JSON.parse(row.body));
  }

  async delete(tx: SqlRunner, id: number): Promise<void> {
    this.#cache.noteWrite(id);
    await tx.run(`DELETE FROM ${this.definition.table} WHERE oid = ?`, [id]);
  }

  async count(runner: SqlRunner, where?: string, params: SqlValue[] = []): Promise<number> {
    const clause = where ? ` WHERE ${where}` : '';
    const row = await runner.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${this.definition.table}${clause}`,
      params,
    );
    return row?.n ?? 0;
  }

  private noteWrite(record: R): void {
    this.#cache.noteWrite(record.id);
    for (const listener of this.#writeListeners) listener.written(record);
  }

  /** Decodes a row; a row the reader read is offered to the cache. */
  private decode(runner: SqlRunner, row: Row, writesBefore: number): R {
    const record = this.definition.codec.fromBody(row.oid, JSON.parse(row.body));
    if (runner !== this.#reader) return record;
    return this.#cache.offer(row.oid, row.version, record, writesBefore);
  }
}
