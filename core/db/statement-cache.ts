import type sqlite3 from 'sqlite3';

interface Entry {
  statement: sqlite3.Statement;
  /** Settles once SQLite has compiled the statement. */
  ready: Promise<void>;
  prepared: boolean;
  /** Calls started on the statement whose callback has not run yet. */
  inUse: number;
}

/**
 * Prepared statements of one connection, by SQL text, least recently used first.
 * `Database#run` and its siblings in the sqlite3 package compile the SQL, run it and
 * finalize the statement each time, which costs a thread-pool round trip and the
 * compilation on every call. A cached statement runs in one round trip.
 *
 * Only statements whose calls have all called back are finalized on eviction, so
 * the cache may hold more than `capacity` statements while many are in use.
 */
export class StatementCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly handle: sqlite3.Database,
    private readonly capacity: number,
  ) {}

  /**
   * Runs `use` with the prepared statement for `sql`, compiling it first when needed.
   * `use` must start exactly one call on the statement and pass it `done` as the
   * last step of that call's callback. Rejects when the SQL does not compile.
   */
  async with(sql: string, use: (statement: sqlite3.Statement, done: () => void) => void): Promise<void> {
    let entry = this.#entries.get(sql);
    if (entry === undefined) {
      entry = this.prepare(sql);
    } else {
      // Moves the entry to the end of the map, the most recently used position.
      this.#entries.delete(sql);
      this.#entries.set(sql, entry);
    }

    entry.inUse += 1;
    if (!entry.prepared) {
      try {
        await entry.ready;
      } catch (error) {
        entry.inUse -= 1;
        throw error;
      }
    }

    const used = entry;
    use(used.statement, () => {
      used.inUse -= 1;
    });
  }

  /** Finalizes every cached statement; call it once no call is in progress, before closing the connection. */
  async finalizeAll(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => finalize(entry)));
  }

  private prepare(sql: string): Entry {
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });

    const entry: Entry = { statement: undefined as unknown as sqlite3.Statement, ready, prepared: false, inUse: 0 };
    entry.statement = this.handle.prepare(sql, (error: Error | null) => {
      if (error) {
        // SQLite drops a statement that does not compile, so it is not kept.
        if (this.#entries.get(sql) === entry) this.#entries.delete(sql);
        rejectReady(error);
        return;
      }
      entry.prepared = true;
      resolveReady();
    });

    this.#entries.set(sql, entry);
    this.evictIdle();
    return entry;
  }

  /** Finalizes least recently used statements that no call uses until at most `capacity` remain. */
  private evictIdle(): void {
    for (const [sql, entry] of this.#entries) {
      if (this.#entries.size <= this.capacity) return;
      if (!entry.prepared || entry.inUse > 0) continue;

      this.#entries.delete(sql);
      void finalize(entry);
    }
  }
}

/** Finalizes the statement of `entry`. A statement that failed to compile is already gone. */
async function finalize(entry: Entry): Promise<void> {
  try {
    await entry.ready;
  } catch {
    return;
  }
  await new Promise<void>((resolve) => entry.statement.finalize(() => resolve()));
}
