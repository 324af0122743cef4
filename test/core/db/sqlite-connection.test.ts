// The connection keeps prepared statements; a statement that does not compile is not kept.
import path from 'node:path';
import sqlite3 from 'sqlite3';
import t from 'tap';
import { SqliteConnection } from '../../../core/db/sqlite-connection.js';
import { temporaryHome } from '../../helpers/daemon.js';

async function openConnection(t: { teardown(fn: () => unknown): void }): Promise<SqliteConnection> {
  const connection = await SqliteConnection.open(path.join(temporaryHome(t), 'test.db'), sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
  t.teardown(() => connection.close());
  await connection.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, note TEXT)');
  return connection;
}

t.test('invalid SQL rejected', async (t) => {
  const connection = await openConnection(t);

  await t.rejects(connection.run('INSERT INTO missing (id) VALUES (1)'), /no such table: missing/, 'the SQLite error');
  await t.rejects(connection.run('INSERT INTO missing (id) VALUES (1)'), /no such table: missing/, 'again, from a fresh compile');
  await t.resolves(connection.run('INSERT INTO item (id) VALUES (1)'), 'the connection still works');
});

t.test('statement reused with new values', async (t) => {
  const connection = await openConnection(t);

  const results = await Promise.all([1, 2, 3].map((id) => connection.run('INSERT INTO item (id, note) VALUES (?, ?)', [id, `note ${id}`])));
  const rows = await connection.all<{ id: number; note: string }>('SELECT id, note FROM item ORDER BY id');

  t.same(results.map((result) => result.lastId), [1, 2, 3], 'each run reports its own row id');
  t.same(results.map((result) => result.changes), [1, 1, 1], 'each run reports its own changes');
  t.same(rows, [1, 2, 3].map((id) => ({ id, note: `note ${id}` })), 'every row stored');
});

t.test('get returns first row', async (t) => {
  const connection = await openConnection(t);
  await connection.run("INSERT INTO item (id, note) VALUES (1, 'a'), (2, 'b')");

  t.same(await connection.get('SELECT id FROM item ORDER BY id'), { id: 1 }, 'the first of two rows');
  t.equal(await connection.get('SELECT id FROM item WHERE id = 9'), undefined, 'undefined without rows');
});

t.test('get releases read snapshot', async (t) => {
  const file = path.join(temporaryHome(t), 'wal.db');
  const writer = await SqliteConnection.open(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
  await writer.exec("PRAGMA journal_mode = WAL; CREATE TABLE item (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO item VALUES (1, 'old')");
  const reader = await SqliteConnection.open(file, sqlite3.OPEN_READONLY);
  t.teardown(async () => {
    await reader.close();
    await writer.close();
  });

  const before = await reader.get<{ note: string }>('SELECT note FROM item WHERE id = ?', [1]);
  await writer.run("UPDATE item SET note = 'new' WHERE id = 1");
  const after = await reader.get<{ note: string }>('SELECT note FROM item WHERE id = ?', [1]);

  t.same(before, { note: 'old' });
  t.same(after, { note: 'new' }, 'a second read sees the later commit');
});
