interface Entry<R> {
  version: number;
  record: R;
}

/**
 * Decoded records as the database last committed them, so that reads outside a
 * transaction need neither SQL nor JSON decoding. A record enters only from a read
 * that overlapped no write to the pool and concerns no object written by the open
 * transaction; a write removes its object until the next read after the transaction
 * has settled. Entries are frozen: code that changes a record must read it inside a
 * transaction, which bypasses this cache.
 */
export class RecordCache<R extends object> {
  readonly #entries = new Map<number, Entry<R>>();
  readonly #pending = new Set<number>();
  #writes = 0;

  get writeCount(): number {
    return this.#writes;
  }

  /** Records a write to object `id` in the open transaction. */
  noteWrite(id: number): void {
    this.#writes += 1;
    this.#pending.add(id);
    this.#entries.delete(id);
  }

  /**
   * Called once the open transaction has committed or rolled back. A read that began
   * before the commit may have seen the old rows, so the write count moves on and
   * `offer` refuses that read.
   */
  settle(): void {
    if (this.#pending.size > 0) this.#writes += 1;
    this.#pending.clear();
  }

  /** The committed record of object `id`, if cached. */
  get(id: number): R | undefined {
    return this.#entries.get(id)?.record;
  }

  /** The cached record of object `id` when it is at `version`. */
  getAtVersion(id: number, version: number): R | undefined {
    const entry = this.#entries.get(id);
    return entry !== undefined && entry.version === version ? entry.record : undefined;
  }

  /**
   * Offers a record read outside a transaction; `writesBefore` is `writeCount` taken
   * before the read started. Returns the record to hand out (frozen when cached).
   */
  offer(id: number, version: number, record: R, writesBefore: number): R {
    if (this.#writes !== writesBefore || this.#pending.has(id)) return record;

    Object.freeze(record);
    this.#entries.set(id, { version, record });
    return record;
  }

  forget(id: number): void {
    this.#entries.delete(id);
  }
}
