import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { AclStore } from '../../../core/auth/acl-store.js';
import { hashPassword } from '../../../core/auth/password.js';
import { bootstrapIfEmpty } from '../../../core/db/bootstrap.js';
import type { Database } from '../../../core/db/database.js';
import { migrate } from '../../../core/db/migrate.js';
import { MIGRATIONS } from '../../../core/db/migrations/index.js';
import { SqliteDatabase } from '../../../core/db/sqlite-database.js';
import { Store } from '../../../core/pools/store.js';
import { temporaryHome } from '../../helpers/daemon.js';

type Teardown = { teardown(fn: () => unknown): void };

async function openMigrated(t: Teardown, home: string): Promise<SqliteDatabase> {
  const db = await SqliteDatabase.open(path.join(home, 'stratus.db'), { synchronous: 'NORMAL', busyTimeoutMs: 1000 });
  t.teardown(() => db.close());
  await migrate(db, MIGRATIONS);
  return db;
}

/** Wraps the database so that `beforeTransaction` runs each time a transaction is requested. */
function watchedDatabase(db: Database, beforeTransaction: () => void): Database {
  return {
    run: (sql, params) => db.run(sql, params),
    get: (sql, params) => db.get(sql, params),
    all: (sql, params) => db.all(sql, params),
    close: () => db.close(),
    afterTransaction: (listener) => db.afterTransaction(listener),
    transaction: (work) => {
      beforeTransaction();
      return db.transaction(work);
    },
  };
}

function adminPasswordFromFile(home: string): string {
  return readFileSync(path.join(home, 'one_auth'), 'utf8').trim().replace(/^oneadmin:/, '');
}

t.test('password files written before commit', async (t) => {
  const home = temporaryHome(t);
  const db = await openMigrated(t, home);
  const seen: boolean[] = [];
  const store = new Store(watchedDatabase(db, () => seen.push(existsSync(path.join(home, 'one_auth')))));

  await bootstrapIfEmpty(store, new AclStore(), home);

  t.same(seen, [true], 'one_auth existed when the transaction started');
});

t.test('failed bootstrap rewrites password files', async (t) => {
  const home = temporaryHome(t);
  const db = await openMigrated(t, home);
  const failing = new Store(
    watchedDatabase(db, () => {
      throw new Error('killed before commit');
    }),
  );
  await t.rejects(bootstrapIfEmpty(failing, new AclStore(), home), /killed before commit/, 'first bootstrap fails');

  const store = new Store(db);
  await bootstrapIfEmpty(store, new AclStore(), home);
  const admin = await store.users.require(db, 0);

  t.equal(admin.password, hashPassword(adminPasswordFromFile(home)), 'one_auth matches the stored password');
});

t.test('existing one_auth replaced with mode 0600', async (t) => {
  const home = temporaryHome(t);
  const db = await openMigrated(t, home);
  writeFileSync(path.join(home, 'one_auth'), 'oneadmin:old\n');
  chmodSync(path.join(home, 'one_auth'), 0o644);

  await bootstrapIfEmpty(new Store(db), new AclStore(), home);

  t.equal(statSync(path.join(home, 'one_auth')).mode & 0o777, 0o600, 'mode 0600');
  t.not(adminPasswordFromFile(home), 'old', 'new password');
});
