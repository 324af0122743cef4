import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BOOTSTRAP_ACL_RULES, Permissions } from '../acl/index.js';
import { hashPassword, randomSecret } from '../auth/password.js';
import type { AclStore } from '../auth/acl-store.js';
import type { Store } from '../pools/store.js';
import { DatastoreState, DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import { Template } from '../template/index.js';

/** First ids handed out to objects that users create; lower ones are the system's. */
const FIRST_IDS: Record<string, number> = {
  user: 2,
  group: 100,
  datastore: 100,
  acl: BOOTSTRAP_ACL_RULES.length,
  host: 0,
  image: 0,
  template: 0,
  network: 0,
  vm: 0,
};

function defaultDatastore(
  home: string,
  id: number,
  name: string,
  type: DatastoreType,
  dsMad: string,
  tmMad: string,
): DatastoreRecord {
  const template = new Template();
  template.set('TYPE', DatastoreType[type]);
  if (dsMad !== '') template.set('DS_MAD', dsMad);
  template.set('TM_MAD', tmMad);

  return {
    id,
    uid: 0,
    gid: 0,
    uname: 'oneadmin',
    gname: 'oneadmin',
    name,
    permissions: Permissions.fromOctal('640'),
    lock: null,
    dsMad,
    tmMad,
    basePath: path.join(home, 'datastores', String(id)),
    type,
    diskType: 0,
    state: DatastoreState.READY,
    clusterIds: [0],
    totalMb: 0,
    freeMb: 0,
    usedMb: 0,
    images: [],
    template,
  };
}

/** Writes a file with mode 0600 under a temporary name, then renames it, so that it is never seen half written. */
function writeSecretFile(file: string, text: string): void {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  writeFileSync(partial, text, { mode: 0o600 });
  renameSync(partial, file);
}

/**
 * Creates the objects OpenNebula's clients assume on a new database: users oneadmin
 * (0) and serveradmin (1), groups oneadmin (0) and users (1), datastores system (0),
 * default (1) and files (2), and ACL rules 0 to 5. Writes oneadmin's random password
 * to `HOME/one_auth` with mode 0600. Does nothing when the database already has users.
 *
 * The password files are written before the transaction commits. A daemon killed
 * before the commit leaves no users, so the next start writes new files. A daemon
 * killed after the commit has already written the files that match the stored passwords.
 */
export async function bootstrapIfEmpty(store: Store, acl: AclStore, home: string): Promise<string | undefined> {
  const users = await store.users.count(store.db);
  if (users > 0) return undefined;

  const adminPassword = randomSecret();
  const serverPassword = randomSecret();

  mkdirSync(home, { recursive: true });
  const authFile = path.join(home, 'one_auth');
  writeSecretFile(authFile, `oneadmin:${adminPassword}\n`);
  writeSecretFile(path.join(home, 'serveradmin_auth'), `serveradmin:${serverPassword}\n`);

  await store.db.transaction(async (tx) => {
    for (const [pool, nextId] of Object.entries(FIRST_IDS)) {
      await tx.run('INSERT INTO sequences (pool, next_id) VALUES (?, ?)', [pool, nextId]);
    }

    await store.groups.insert(tx, { id: 0, name: 'oneadmin', users: [0, 1], admins: [], template: new Template() });
    await store.groups.insert(tx, { id: 1, name: 'users', users: [], admins: [], template: new Template() });

    const account = { gid: 0, groups: [0], gname: 'oneadmin', enabled: true, loginTokens: [], template: new Template() };
    await store.users.insert(tx, { ...account, id: 0, name: 'oneadmin', password: hashPassword(adminPassword), authDriver: 'core' });
    await store.users.insert(tx, {
      ...account,
      id: 1,
      name: 'serveradmin',
      password: hashPassword(serverPassword),
      authDriver: 'server_cipher',
    });

    await store.datastores.insert(tx, defaultDatastore(home, 0, 'system', DatastoreType.SYSTEM_DS, '', 'shared'));
    await store.datastores.insert(tx, defaultDatastore(home, 1, 'default', DatastoreType.IMAGE_DS, 'fs', 'shared'));
    await store.datastores.insert(tx, defaultDatastore(home, 2, 'files', DatastoreType.FILE_DS, 'fs', 'ssh'));

    for (const rule of BOOTSTRAP_ACL_RULES) {
      await acl.insert(tx, rule.id, rule);
    }
  });

  return authFile;
}
