// Transactions requested while the writer is busy share one SQLite transaction. Each
// still commits whole or not at all, and its caller gets the outcome after the commit.
import path from 'node:path';
import t from 'tap';
import { SqliteDatabase } from '../../../core/db/sqlite-database.js';
import { temporaryHome } from '../../helpers/daemon.js';

const OPTIONS = { synchronous: 'NORMAL', busyTimeoutMs: 1000 } as const;

async function openDatabase(t: { teardown(fn: () => unknown): void }): Promise<SqliteDatabase> {
  const db = await SqliteDatabase.open(path.join(temporaryHome(t), 'test.db'), OPTIONS);
  t.teardown(() => db.close());
  await db.transaction((tx) => tx.run('CREATE TABLE item (id INTEGER PRIMARY KEY, note TEXT)'));
  return db;
}

/**
 * Starts a transaction that keeps the writer busy until `release` is called, and resolves
 * once its work runs. Transactions requested meanwhile wait, and then run as one group.
 */
async function holdWriter(db: SqliteDatabase): Promise<{ release: () => void; done: Promise<unknown> }> {
  let started!: () => void;
  let release!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const done = db.transaction(async (tx) => {
    started();
    await held;
    await tx.run("INSERT INTO item (id, note) VALUES (1000, 'holder')");
  });
  await running;
  return { release, done };
}

async function storedIds(db: SqliteDatabase): Promise<number[]> {
  const rows = await db.all<{ id: number }>('SELECT id FROM item ORDER BY id');
  return rows.map((row) => row.id);
}

t.test('failed member undoes only itself', async (t) => {
  const db = await openDatabase(t);
  const holder = await holdWriter(db);

  const first = db.transaction((tx) => tx.run('INSERT INTO item (id) VALUES (1)'));
  const failing = db.transaction(async (tx) => {
    await tx.run('INSERT INTO item (id) VALUES (2)');
    throw new Error('work failed');
  });
  const third = db.transaction((tx) => tx.run('INSERT INTO item (id) VALUES (3)'));
  holder.release();

  await t.resolves(holder.done, 'the holder commits');
  await t.resolves(first, 'the member before the failure commits');
  await t.rejects(failing, { message: 'work failed' }, 'the failing member gets its own error');
  await t.resolves(third, 'the member after the failure commits');
  t.same(await storedIds(db), [1, 3, 1000], 'only the failed insert is missing');
});

t.test('member sees earlier members', async (t) => {
  const db = await openDatabase(t);
  const holder = await holdWriter(db);

  const writer = db.transaction((tx) => tx.run("INSERT INTO item (id, note) VALUES (2, 'written')"));
  const reader = db.transaction((tx) => tx.get<{ note: string }>('SELECT note FROM item WHERE id = 2'));
  holder.release();

  await writer;
  t.same(await reader, { note: 'written' }, 'the later member reads the earlier one');
});

t.test('resolved member is committed', async (t) => {
  const db = await openDatabase(t);
  const outcomes: string[] = [];

  const members = [1, 2, 3, 4, 5].map((id) =>
    db.transaction((tx) => tx.run('INSERT INTO item (id) VALUES (?)', [id])).then(async () => {
      // The database's own reader sees only committed rows.
      const row = await db.get<{ id: number }>('SELECT id FROM item WHERE id = ?', [id]);
      outcomes.push(row === undefined ? `${id} missing` : `${id} stored`);
    }),
  );
  await Promise.all(members);

  t.same(outcomes.sort(), ['1 stored', '2 stored', '3 stored', '4 stored', '5 stored']);
});

t.test('failed group COMMIT fails every member', async (t) => {
  const db = await openDatabase(t);
  await db.transaction(async (tx) => {
    await tx.run('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    await tx.run('CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
  });

  const holder = await holdWriter(db);
  // A deferred foreign key is checked at COMMIT, which the two members below share.
  const valid = db.transaction((tx) => tx.run('INSERT INTO item (id) VALUES (2)'));
  const violating = db.transaction((tx) => tx.run('INSERT INTO child (id, parent_id) VALUES (1, 99)'));
  holder.release();

  await t.resolves(holder.done, 'the holder, which ran alone, commits');
  await t.rejects(valid, /FOREIGN KEY constraint failed/, 'the valid member gets the COMMIT error');
  await t.rejects(violating, /FOREIGN KEY constraint failed/, 'the violating member gets the COMMIT error');
  t.same(await storedIds(db), [1000], 'nothing of the group is stored');
  await t.resolves(db.transaction((tx) => tx.run('INSERT INTO item (id) VALUES (3)')), 'the next transaction runs');
});

t.test('afterTransaction reports outcomes', async (t) => {
  const db = await openDatabase(t);
  const outcomes: boolean[] = [];
  db.afterTransaction((committed) => outcomes.push(committed));

  await db.transaction((tx) => tx.run('INSERT INTO item (id) VALUES (1)'));
  await db
    .transaction(async () => {
      throw new Error('work failed');
    })
    .catch(() => undefined);

  t.same(outcomes, [true, false]);
});
