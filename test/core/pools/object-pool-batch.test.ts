// getMany, updateMany and buffered writes read and write many records of a pool in a few statements.
import path from 'node:path';
import t from 'tap';
import { AclStore } from '../../../core/auth/acl-store.js';
import { bootstrapIfEmpty } from '../../../core/db/bootstrap.js';
import { migrate } from '../../../core/db/migrate.js';
import { MIGRATIONS } from '../../../core/db/migrations/index.js';
import { SqliteDatabase } from '../../../core/db/sqlite-database.js';
import { ErrorCode } from '../../../core/errors/api-error.js';
import { withBufferedWrites } from '../../../core/pools/buffered-runner.js';
import { Store } from '../../../core/pools/store.js';
import { Template } from '../../../core/template/index.js';
import { temporaryHome } from '../../helpers/daemon.js';

type Teardown = { teardown(fn: () => unknown): void };

/** Groups 0 and 1 come from the bootstrap; this adds groups 100 to 100 + extra - 1. */
async function storeWithGroups(t: Teardown, extra: number): Promise<Store> {
  const home = temporaryHome(t);
  const db = await SqliteDatabase.open(path.join(home, 'stratus.db'), { synchronous: 'NORMAL', busyTimeoutMs: 1000 });
  t.teardown(() => db.close());
  await migrate(db, MIGRATIONS);
  const store = new Store(db);
  await bootstrapIfEmpty(store, new AclStore(), home);
  await db.transaction(async (tx) => {
    for (let n = 0; n < extra; n++) {
      await store.groups.insert(tx, { id: 100 + n, name: `group${n}`, users: [], admins: [], template: new Template() });
    }
  });
  return store;
}

t.test('getMany returns existing records', async (t) => {
  const store = await storeWithGroups(t, 3);

  const found = await store.db.transaction((tx) => store.groups.getMany(tx, [0, 101, 555, 102]));

  t.same([...found.keys()].sort((a, b) => a - b), [0, 101, 102], 'the missing id is left out');
  t.equal(found.get(101)?.name, 'group1', 'records are decoded');
});

t.test('updateMany writes every record', async (t) => {
  // More records than one statement takes, so that several statements run.
  const store = await storeWithGroups(t, 120);
  const ids = Array.from({ length: 120 }, (_, n) => 100 + n);

  await store.db.transaction(async (tx) => {
    const groups = [...(await store.groups.getMany(tx, ids)).values()];
    for (const group of groups) group.name = `renamed-${group.id}`;
    await store.groups.updateMany(tx, groups);
  });
  const rows = await store.db.all<{ oid: number; name: string; version: number; body: string }>(
    'SELECT oid, name, version, body FROM group_pool WHERE oid >= 100 ORDER BY oid',
  );

  t.same(rows.map((row) => row.name), ids.map((id) => `renamed-${id}`), 'the name column');
  t.same(rows.map((row) => JSON.parse(row.body).name), ids.map((id) => `renamed-${id}`), 'the body');
  t.same(new Set(rows.map((row) => row.version)), new Set([1]), 'each version moved on once');
  t.equal((await store.groups.get(store.db, 150))?.name, 'renamed-150', 'a committed read sees the change');
});

t.test('updateMany of deleted record rolls back', async (t) => {
  const store = await storeWithGroups(t, 2);

  const attempt = store.db.transaction(async (tx) => {
    const groups = [...(await store.groups.getMany(tx, [100, 101])).values()];
    await store.groups.delete(tx, 101);
    for (const group of groups) group.name = `renamed-${group.id}`;
    await store.groups.updateMany(tx, groups);
  });

  await t.rejects(attempt, { code: ErrorCode.NO_EXISTS, message: 'Error getting group [101].' }, 'NOT_FOUND names the missing group');
  t.equal((await store.groups.get(store.db, 100))?.name, 'group0', 'the other update is rolled back');
});

t.test('updateMany rejects repeated id', async (t) => {
  const store = await storeWithGroups(t, 1);

  const attempt = store.db.transaction(async (tx) => {
    const group = await store.groups.require(tx, 100);
    await store.groups.updateMany(tx, [group, group]);
  });

  await t.rejects(attempt, /got the same id twice/);
});

t.test('buffered get returns buffered update', async (t) => {
  const store = await storeWithGroups(t, 1);

  const seen = await store.db.transaction((tx) =>
    withBufferedWrites(tx, async (buffered) => {
      const group = await store.groups.require(buffered, 100);
      group.name = 'renamed';
      await store.groups.update(buffered, group);
      group.name = 'changed after the update';
      return (await store.groups.require(buffered, 100)).name;
    }),
  );

  t.equal(seen, 'renamed', 'a read sees the update, not later changes of the object');
  t.equal((await store.groups.get(store.db, 100))?.name, 'renamed', 'the update is written at the end');
});

t.test('buffered reads give separate records', async (t) => {
  const store = await storeWithGroups(t, 1);

  const [first, second] = await store.db.transaction((tx) =>
    withBufferedWrites(tx, async (buffered) => [await store.groups.require(buffered, 100), await store.groups.require(buffered, 100)]),
  );

  t.not(first, second, 'each read decodes its own record');
  t.same(first, second, 'with the same content');
});

t.test('listing writes buffered rows first', async (t) => {
  const store = await storeWithGroups(t, 2);

  const names = await store.db.transaction((tx) =>
    withBufferedWrites(tx, async (buffered) => {
      const group = await store.groups.require(buffered, 101);
      group.name = 'renamed';
      await store.groups.update(buffered, group);
      return (await store.groups.list(buffered, { fromId: 100 })).map((listed) => listed.name);
    }),
  );

  t.same(names, ['group0', 'renamed']);
});

t.test('failed buffered work writes nothing', async (t) => {
  const store = await storeWithGroups(t, 1);

  const attempt = store.db.transaction((tx) =>
    withBufferedWrites(tx, async (buffered) => {
      const group = await store.groups.require(buffered, 100);
      group.name = 'renamed';
      await store.groups.update(buffered, group);
      throw new Error('work failed');
    }),
  );

  await t.rejects(attempt, { message: 'work failed' });
  t.equal((await store.groups.get(store.db, 100))?.name, 'group0');
});
