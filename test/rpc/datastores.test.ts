import t from 'tap';
import { startTestDaemon } from '../helpers/daemon.js';
import {
  apiError,
  createOutsider,
  createUser,
  ErrorCode,
  faultCode,
  OTHERS_MAY_USE,
  poolIds,
  registerImage,
  textAt,
} from '../helpers/objects.js';

const IMAGE_DS = 'NAME = "images"\nDS_MAD = "fs"\nTM_MAD = "shared"';
const SYSTEM_DS = 'NAME = "local"\nTYPE = "SYSTEM_DS"\nTM_MAD = "ssh"';

t.test('one.datastore.allocate', async (t) => {
  t.test('creates an image datastore from 100', async (t) => {
    const { admin } = await startTestDaemon(t);

    const id = await admin.call<number>('one.datastore.allocate', IMAGE_DS, -1);

    const ds = await admin.call<string>('one.datastore.info', id);
    t.equal(id, 100);
    t.equal(textAt(ds, 'NAME'), 'images');
    t.equal(textAt(ds, 'TYPE'), '0');
    t.equal(textAt(ds, 'DS_MAD'), 'fs');
    t.equal(textAt(ds, 'TM_MAD'), 'shared');
    t.equal(textAt(ds, 'STATE'), '0');
    t.equal(textAt(ds, 'CLUSTERS/ID'), '0');
    t.match(textAt(ds, 'BASE_PATH'), /\/datastores\/100$/);
    t.equal(textAt(ds, 'TEMPLATE/TYPE'), 'IMAGE_DS');
    t.equal(textAt(ds, 'TEMPLATE/NAME'), undefined);
  });

  t.test('creates a system datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    const id = await admin.call<number>('one.datastore.allocate', SYSTEM_DS);

    t.equal(textAt(await admin.call<string>('one.datastore.info', id), 'TYPE'), '1');
  });

  t.test('rejects a taken name', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.datastore.allocate', 'NAME = "default"\nDS_MAD = "fs"\nTM_MAD = "ssh"', -1));

    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, /NAME "default" is already taken by datastore 1/);
  });

  t.test('keeps names unique across owners', async (t) => {
    const daemon = await startTestDaemon(t);
    await daemon.admin.call('one.user.allocate', 'ops', 'pw', '', [0]);
    await daemon.admin.call('one.datastore.allocate', IMAGE_DS, -1);

    const error = await apiError(daemon.client('ops:pw').call('one.datastore.allocate', IMAGE_DS, -1));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects a missing or invalid name', async (t) => {
    const { admin } = await startTestDaemon(t);

    const missing = await apiError(admin.call('one.datastore.allocate', 'DS_MAD = "fs"\nTM_MAD = "ssh"', -1));
    const invalid = await apiError(admin.call('one.datastore.allocate', 'NAME = "a;b"\nDS_MAD = "fs"\nTM_MAD = "ssh"', -1));

    t.equal(missing.code, ErrorCode.ALLOCATE);
    t.equal(invalid.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects an unknown TYPE', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.datastore.allocate', `${IMAGE_DS}\nTYPE = "TAPE_DS"`, -1));

    t.equal(error.code, ErrorCode.ALLOCATE);
  });

  t.test('needs DS_MAD and TM_MAD', async (t) => {
    const { admin } = await startTestDaemon(t);

    const noDsMad = await apiError(admin.call('one.datastore.allocate', 'NAME = "a"\nTM_MAD = "ssh"', -1));
    const noTmMad = await apiError(admin.call('one.datastore.allocate', 'NAME = "a"\nDS_MAD = "fs"', -1));

    t.equal(noDsMad.code, ErrorCode.ALLOCATE);
    t.equal(noTmMad.code, ErrorCode.ALLOCATE);
  });

  t.test('rejects an unknown cluster', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.datastore.allocate', IMAGE_DS, 3));

    t.equal(error.code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects a syntax error', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.datastore.allocate', 'NAME = "a', -1));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('needs DATASTORE CREATE', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const error = await apiError(alice.call('one.datastore.allocate', IMAGE_DS, -1));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.datastore.delete', async (t) => {
  t.test('removes the datastore', async (t) => {
    const { admin } = await startTestDaemon(t);
    const id = await admin.call<number>('one.datastore.allocate', IMAGE_DS, -1);

    await admin.call('one.datastore.delete', id);

    t.equal((await apiError(admin.call('one.datastore.info', id))).code, ErrorCode.NO_EXISTS);
  });

  t.test('never reuses the id', async (t) => {
    const { admin } = await startTestDaemon(t);
    const first = await admin.call<number>('one.datastore.allocate', IMAGE_DS, -1);
    await admin.call('one.datastore.delete', first);

    const second = await admin.call<number>('one.datastore.allocate', IMAGE_DS, -1);

    t.equal(second, first + 1);
  });

  t.test('refuses a datastore with images', async (t) => {
    const { admin } = await startTestDaemon(t);
    await registerImage(admin, 'base');

    const error = await apiError(admin.call('one.datastore.delete', 1));

    t.equal(error.code, ErrorCode.ACTION);
    t.equal(error.respId, 1);
  });

  t.test('rejects a missing datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.delete', 99))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs DATASTORE ADMIN', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.call('one.datastore.delete', 2))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.datastore.info', async (t) => {
  t.test('returns the DATASTORE document', async (t) => {
    const { admin } = await startTestDaemon(t);

    const ds = await admin.call<string>('one.datastore.info', 1);

    t.match(ds, /^<DATASTORE><ID>1<\/ID>/);
    t.equal(textAt(ds, 'NAME'), 'default');
  });

  t.test('rejects a missing datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.info', 99))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs DATASTORE USE', async (t) => {
    const daemon = await startTestDaemon(t);
    const carol = await createOutsider(daemon, 'carol');

    t.equal((await apiError(carol.call('one.datastore.info', 1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.datastore.update', async (t) => {
  t.test('type 0 replaces the template', async (t) => {
    const { admin } = await startTestDaemon(t);

    await admin.call('one.datastore.update', 1, 'LIMIT_MB = "100"', 0);

    const ds = await admin.call<string>('one.datastore.info', 1);
    t.equal(textAt(ds, 'TEMPLATE/LIMIT_MB'), '100');
    t.equal(textAt(ds, 'TEMPLATE/DS_MAD'), undefined);
  });

  t.test('type 1 merges into the template', async (t) => {
    const { admin } = await startTestDaemon(t);

    await admin.call('one.datastore.update', 1, 'LIMIT_MB = "100"', 1);

    const ds = await admin.call<string>('one.datastore.info', 1);
    t.equal(textAt(ds, 'TEMPLATE/LIMIT_MB'), '100');
    t.equal(textAt(ds, 'TEMPLATE/DS_MAD'), 'fs');
  });

  t.test('rejects an unknown type', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.update', 1, 'A = 1', -1))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a syntax error', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.update', 1, 'A = "1', 0))).code, ErrorCode.XML_RPC_API);
  });

  t.test('rejects a missing datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.update', 99, 'A = 1', 0))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs DATASTORE MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.call('one.datastore.update', 1, 'A = 1', 1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.datastore.chown', async (t) => {
  t.test('changes owner and group', async (t) => {
    const daemon = await startTestDaemon(t);
    await createUser(daemon, 'alice');

    await daemon.admin.call('one.datastore.chown', 1, 2, 1);

    const ds = await daemon.admin.call<string>('one.datastore.info', 1);
    t.equal(textAt(ds, 'UID'), '2');
    t.equal(textAt(ds, 'UNAME'), 'alice');
    t.equal(textAt(ds, 'GID'), '1');
    t.equal(textAt(ds, 'GNAME'), 'users');
  });

  t.test('keeps what -1 names', async (t) => {
    const { admin } = await startTestDaemon(t);

    await admin.call('one.datastore.chown', 1, -1, 1);

    const ds = await admin.call<string>('one.datastore.info', 1);
    t.equal(textAt(ds, 'UID'), '0');
    t.equal(textAt(ds, 'GID'), '1');
  });

  t.test('rejects a missing user or group', async (t) => {
    const { admin } = await startTestDaemon(t);

    const user = await apiError(admin.call('one.datastore.chown', 1, 42, -1));
    const group = await apiError(admin.call('one.datastore.chown', 1, -1, 42));

    t.equal(user.code, ErrorCode.NO_EXISTS);
    t.match(user.message, /Error getting user \[42\]/);
    t.equal(group.code, ErrorCode.NO_EXISTS);
    t.match(group.message, /Error getting group \[42\]/);
  });

  t.test('rejects a missing datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.chown', 99, 0, 0))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs DATASTORE MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.call('one.datastore.chown', 1, 2, -1))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.datastore.chmod', async (t) => {
  t.test('sets the given bits', async (t) => {
    const { admin } = await startTestDaemon(t);

    await admin.call('one.datastore.chmod', 1, ...OTHERS_MAY_USE);

    const ds = await admin.call<string>('one.datastore.info', 1);
    t.equal(textAt(ds, 'PERMISSIONS/OTHER_U'), '1');
    t.equal(textAt(ds, 'PERMISSIONS/OWNER_M'), '1');
  });

  t.test('lets others use the datastore', async (t) => {
    const daemon = await startTestDaemon(t);
    const carol = await createOutsider(daemon, 'carol');

    await daemon.admin.call('one.datastore.chmod', 1, ...OTHERS_MAY_USE);

    t.equal(textAt(await carol.call<string>('one.datastore.info', 1), 'ID'), '1');
  });

  t.test('rejects a value other than -1, 0, 1', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.datastore.chmod', 1, 1, 1, 1, 1, 1, 1, 1, 1, 2));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('faults with eight values', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal(await faultCode(admin.call('one.datastore.chmod', 1, 1, 1, 1, 1, 1, 1, 1, 1)), -501);
  });

  t.test('rejects a missing datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.chmod', 99, ...OTHERS_MAY_USE))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs DATASTORE MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.call('one.datastore.chmod', 1, ...OTHERS_MAY_USE))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.datastore.rename', async (t) => {
  t.test('changes the name', async (t) => {
    const { admin } = await startTestDaemon(t);

    await admin.call('one.datastore.rename', 1, 'images');

    t.equal(textAt(await admin.call<string>('one.datastore.info', 1), 'NAME'), 'images');
  });

  t.test('rejects a taken name', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.datastore.rename', 1, 'files'));

    t.equal(error.code, ErrorCode.ACTION);
  });

  t.test('rejects an invalid name', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.rename', 1, 'a>b'))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.rename', 99, 'x'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs DATASTORE MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.call('one.datastore.rename', 1, 'x'))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('one.datastore.enable', async (t) => {
  t.test('disables and enables a system datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    await admin.call('one.datastore.enable', 0, false);
    const disabled = await admin.call<string>('one.datastore.info', 0);
    await admin.call('one.datastore.enable', 0, true);
    const enabled = await admin.call<string>('one.datastore.info', 0);

    t.equal(textAt(disabled, 'STATE'), '1');
    t.equal(textAt(enabled, 'STATE'), '0');
  });

  t.test('refuses an image datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.enable', 1, false))).code, ErrorCode.ACTION);
  });

  t.test('rejects a missing datastore', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await apiError(admin.call('one.datastore.enable', 99, true))).code, ErrorCode.NO_EXISTS);
  });

  t.test('needs DATASTORE MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.call('one.datastore.enable', 0, false))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('faults on an integer flag', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal(await faultCode(admin.call('one.datastore.enable', 0, 0)), -501);
  });
});

t.test('one.datastorepool.info', async (t) => {
  t.test('lists the bootstrap datastores', async (t) => {
    const { admin } = await startTestDaemon(t);

    const pool = await admin.call<string>('one.datastorepool.info');

    t.match(pool, /^<DATASTORE_POOL><DATASTORE>/);
    t.same(poolIds(pool), [0, 1, 2]);
  });

  t.test('shows users what they may use', async (t) => {
    const daemon = await startTestDaemon(t);
    const carol = await createOutsider(daemon, 'carol');
    const before = await carol.call<string>('one.datastorepool.info');

    await daemon.admin.call('one.datastore.chmod', 1, ...OTHERS_MAY_USE);

    t.same(poolIds(before), []);
    t.same(poolIds(await carol.call<string>('one.datastorepool.info')), [1]);
  });

  t.test('shows group users every datastore', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.same(poolIds(await alice.call<string>('one.datastorepool.info')), [0, 1, 2]);
  });
});
