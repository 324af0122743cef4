import { chmodSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { SqliteDatabase } from '../../../core/db/sqlite-database.js';
import { temporaryHome } from '../../helpers/daemon.js';

const OPTIONS = { synchronous: 'NORMAL', busyTimeoutMs: 1000 } as const;

async function openDatabase(t: { teardown(fn: () => unknown): void }): Promise<{ db: SqliteDatabase; file: string }> {
  const file = path.join(temporaryHome(t), 'test.db');
  const db = await SqliteDatabase.open(file, OPTIONS);
  t.teardown(() => db.close());
  return { db, file };
}

function fileMode(file: string): number {
  return statSync(file).mode & 0o777;
}

t.test('failed COMMIT rolled back', async (t) => {
  const { db } = await openDatabase(t);
  await db.transaction(async (tx) => {
    await tx.run('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    await tx.run('CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
  });

  // A deferred foreign key is checked at COMMIT, so the COMMIT itself fails.
  const failed = db.transaction((tx) => tx.run('INSERT INTO child (id, parent_id) VALUES (1, 99)'));
  await t.rejects(failed, /FOREIGN KEY constraint failed/, 'COMMIT error reaches the caller');

  const next = db.transaction((tx) => tx.run('INSERT INTO parent (id) VALUES (1)'));
  await t.resolves(next, 'next transaction runs');
  t.same(await db.all('SELECT id FROM child'), [], 'failed insert not stored');
  t.same(await db.all('SELECT id FROM parent'), [{ id: 1 }], 'next insert stored');
});

t.test('failed work rolled back', async (t) => {
  const { db } = await openDatabase(t);
  await db.transaction((tx) => tx.run('CREATE TABLE item (id INTEGER PRIMARY KEY)'));

  const failed = db.transaction(async (tx) => {
    await tx.run('INSERT INTO item (id) VALUES (1)');
    throw new Error('work failed');
  });

  await t.rejects(failed, { message: 'work failed' }, 'the work error reaches the caller');
  t.same(await db.all('SELECT id FROM item'), [], 'insert rolled back');
});

t.test('concurrent transactions serialize', async (t) => {
  const { db } = await openDatabase(t);
  await db.transaction(async (tx) => {
    await tx.run('CREATE TABLE counter (n INTEGER NOT NULL)');
    await tx.run('INSERT INTO counter (n) VALUES (0)');
  });

  const increments = Array.from({ length: 50 }, () =>
    db.transaction(async (tx) => {
      const row = await tx.get<{ n: number }>('SELECT n FROM counter');
      await tx.run('UPDATE counter SET n = ?', [(row?.n ?? 0) + 1]);
    }),
  );
  await Promise.all(increments);

  t.same(await db.get('SELECT n FROM counter'), { n: 50 });
});

t.test('database files mode 0600', async (t) => {
  const { db, file } = await openDatabase(t);
  await db.transaction((tx) => tx.run('CREATE TABLE item (id INTEGER PRIMARY KEY)'));

  t.equal(fileMode(file), 0o600, 'database file');
  t.equal(fileMode(`${file}-wal`), 0o600, 'WAL file');
  t.equal(fileMode(`${file}-shm`), 0o600, 'shared-memory file');
});

t.test('existing database file tightened', async (t) => {
  const file = path.join(temporaryHome(t), 'old.db');
  writeFileSync(file, '');
  chmodSync(file, 0o644);

  const db = await SqliteDatabase.open(file, OPTIONS);
  t.teardown(() => db.close());

  t.equal(fileMode(file), 0o600);
});

t.test('close twice', async (t) => {
  const { db } = await openDatabase(t);

  await db.close();

  await t.resolves(db.close(), 'second close resolves');
  await t.rejects(db.transaction((tx) => tx.run('SELECT 1')), /closed/, 'no transaction after close');
});
