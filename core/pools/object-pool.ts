import type { SqlRunner, SqlValue } from '../db/database.js';
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

interface Row {
  oid: number;
  body: string;
}

/**
 * Stores one type of object. Every method takes the runner to use, so that changes
 * happen inside the caller's transaction and reads see it.
 */
export class ObjectPool<R extends { id: number; name: string }> {
  constructor(readonly definition: PoolDefinition<R>) {}

  get objectName(): string {
    return this.definition.objectName;
  }

  async get(runner: SqlRunner, id: number): Promise<R | undefined> {
    const row = await runner.get<Row>(`SELECT oid, body FROM ${this.definition.table} WHERE oid = ?`, [
      id,
    ]);
    return row ? this.decode(row) : undefined;
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
    const row = await runner.get<Row>(
      `SELECT oid, body FROM ${this.definition.table} WHERE name = ?${byOwner} LIMIT 1`,
      params,
    );
    return row ? this.decode(row) : undefined;
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
    let sql = `SELECT oid, body FROM ${this.definition.table}${where} ORDER BY oid ${order}`;
    if (options.limit !== undefined) {
      sql += ' LIMIT ? OFFSET ?';
      params.push(options.limit, options.offset ?? 0);
    }

    const rows = await runner.all<Row>(sql, params);
    return rows.map((row) => this.decode(row));
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

  async delete(tx: SqlRunner, id: number): Promise<void> {
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

  private decode(row: Row): R {
    return this.definition.codec.fromBody(row.oid, JSON.parse(row.body));
  }
}
