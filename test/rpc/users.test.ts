import { createHash } from 'node:crypto';
import t from 'tap';
import { ErrorCode, FaultCode } from '../../core/errors/api-error.js';
import type { OneClient } from '../../rpc/client/client.js';
import {
  ACL_RIGHTS,
  ACL_TYPE,
  aclPart,
  apiError,
  childNames,
  createGroup,
  createUser,
  fieldOfEach,
  parseDocument,
  rawCall,
  rootName,
  rpcFault,
} from '../helpers/accounts.js';
import { startTestDaemon } from '../helpers/daemon.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The rules oned creates in a new database. Rules 3 and 4 are those of the default VDC, which contains group users (1). */
const BOOTSTRAP_RULE_TEXTS = [
  '@1 VM+IMAGE+TEMPLATE+DOCUMENT+SECGROUP+VMGROUP+BACKUPJOB/* CREATE *',
  '* ZONE/* USE *',
  '* MARKETPLACE+MARKETPLACEAPP/* USE *',
  '@1 HOST/* MANAGE #0',
  '@1 NET/* USE #0',
  '@1 DATASTORE/* USE #0',
];

/** USER children in the order of OpenNebula's `User::to_xml_extended`. */
const USER_ELEMENTS = [
  'ID',
  'GID',
  'GROUPS',
  'GNAME',
  'NAME',
  'PASSWORD',
  'AUTH_DRIVER',
  'ENABLED',
  'TEMPLATE',
  'DATASTORE_QUOTA',
  'NETWORK_QUOTA',
  'VM_QUOTA',
  'IMAGE_QUOTA',
  'DEFAULT_USER_QUOTAS',
];

async function userInfo(client: OneClient, id: number) {
  return parseDocument(await client.call<string>('one.user.info', id)).USER;
}

t.test('one.user.allocate', async (t) => {
  t.test('creates a core user', async (t) => {
    const daemon = await startTestDaemon(t);

    const id = await daemon.admin.call<number>('one.user.allocate', 'alice', 'secret', '', []);
    const user = await userInfo(daemon.admin, id);

    t.equal(id, 2, 'first user id after oneadmin and serveradmin');
    t.equal(user.NAME, 'alice');
    t.equal(user.GID, '1');
    t.same(user.GROUPS.ID, ['1']);
    t.equal(user.GNAME, 'users');
    t.equal(user.AUTH_DRIVER, 'core');
    t.equal(user.ENABLED, '1');
    t.equal(user.PASSWORD, sha256('secret'), 'SHA-256 hex of the password');
  });

  t.test('sets primary and secondary groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');

    const id = await daemon.admin.call<number>('one.user.allocate', 'alice', 'secret', 'core', [physics, 1]);
    const user = await userInfo(daemon.admin, id);
    const group = parseDocument(await daemon.admin.call<string>('one.group.info', physics)).GROUP;

    t.equal(user.GID, String(physics));
    t.equal(user.GNAME, 'physics');
    t.same(user.GROUPS.ID, ['1', String(physics)], 'GROUPS lists ids in ascending order');
    t.same(group.USERS.ID, [String(id)]);
  });

  t.test('new user can log in', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal(await alice.client.call('one.system.version'), '6.10.5');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    const error = await apiError(daemon.client('oneadmin:wrong').call('one.user.allocate', 'alice', 'secret', '', []));

    t.equal(error.code, ErrorCode.AUTHENTICATION);
  });

  t.test('rejects a user without CREATE USER', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const error = await apiError(alice.client.call('one.user.allocate', 'bob', 'secret', '', []));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
    t.match(error.message, /^\[one\.user\.allocate\] User \[2\] : Not authorized to perform CREATE USER/);
  });

  t.test('CREATE USER covers own group only', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    await daemon.admin.call('one.acl.addrule', aclPart('#', alice.id), aclPart('*', 0, ACL_TYPE.USER), ACL_RIGHTS.CREATE.toString(16));

    const inOwnGroup = await alice.client.call<number>('one.user.allocate', 'bob', 'secret', '', []);
    const intoOneadmin = await apiError(alice.client.call('one.user.allocate', 'mallory', 'secret', '', [0]));

    t.equal((await userInfo(daemon.admin, inOwnGroup)).GID, '1', 'defaults to the requester group');
    t.equal(intoOneadmin.code, ErrorCode.AUTHORIZATION, 'another group needs MANAGE on it');
    t.match(intoOneadmin.message, /MANAGE GROUP \[0\]/);
  });

  t.test('rejects a taken name', async (t) => {
    const daemon = await startTestDaemon(t);
    await createUser(daemon, 'alice');

    const error = await apiError(daemon.admin.call('one.user.allocate', 'alice', 'other', '', []));

    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, /NAME is already taken/);
  });

  t.test('rejects invalid names and passwords', async (t) => {
    const daemon = await startTestDaemon(t);
    const cases: Array<[string, string]> = [
      ['', 'secret'],
      ['al ice', 'secret'],
      ['al:ice', 'secret'],
      ['alice', ''],
      ['alice', 'two words'],
      ['alice', 'tab\there'],
    ];

    for (const [name, password] of cases) {
      const error = await apiError(daemon.admin.call('one.user.allocate', name, password, 'core', []));
      t.equal(error.code, ErrorCode.XML_RPC_API, `name ${JSON.stringify(name)}, password ${JSON.stringify(password)}`);
    }
  });

  t.test('rejects a missing group', async (t) => {
    const daemon = await startTestDaemon(t);

    const error = await apiError(daemon.admin.call('one.user.allocate', 'alice', 'secret', '', [1, 555]));

    t.equal(error.code, ErrorCode.NO_EXISTS);
    t.match(error.message, /Error getting group \[555\]/);
    t.notMatch(await daemon.admin.call<string>('one.userpool.info'), /alice/, 'no user was created');
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    const missing = await rpcFault(daemon.admin.call('one.user.allocate', 'alice'));
    const numberName = await rpcFault(daemon.admin.call('one.user.allocate', 7, 'secret', '', []));
    const stringGroups = await rpcFault(daemon.admin.call('one.user.allocate', 'alice', 'secret', '', ['1']));

    t.equal(missing.faultCode, FaultCode.TYPE_ERROR);
    t.equal(numberName.faultCode, FaultCode.TYPE_ERROR);
    t.equal(stringGroups.faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.delete', async (t) => {
  t.test('removes the user and its memberships', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);

    t.equal(await daemon.admin.call('one.user.delete', alice.id), alice.id);

    const users = await daemon.admin.call<string>('one.userpool.info');
    const group = parseDocument(await daemon.admin.call<string>('one.group.info', physics)).GROUP;
    t.same(fieldOfEach(users, 'USER', 'NAME'), ['oneadmin', 'serveradmin']);
    t.equal(group.USERS, '', 'physics has no members left');
    t.equal((await apiError(alice.client.call('one.system.version'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('removes ACL rules for the user', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');
    await daemon.admin.call('one.acl.addrule', aclPart('#', alice.id), aclPart('*', 0, ACL_TYPE.IMAGE), '1');
    await daemon.admin.call('one.acl.addrule', aclPart('#', bob.id), aclPart('#', alice.id, ACL_TYPE.USER), '1');
    await daemon.admin.call('one.acl.addrule', aclPart('#', bob.id), aclPart('#', alice.id, ACL_TYPE.IMAGE), '1');

    await daemon.admin.call('one.user.delete', alice.id);

    // Rules 3 and 4 are for alice's group users (1), not for alice, so they stay.
    const rules = fieldOfEach(await daemon.admin.call<string>('one.acl.info'), 'ACL', 'STRING');
    t.same(rules.slice(0, 6), BOOTSTRAP_RULE_TEXTS, 'the bootstrap rules stay');
    t.same(rules.slice(6), ['#3 IMAGE/#2 USE #0'], 'only the rule on image 2 stays');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const error = await apiError(daemon.client('alice:wrong').call('one.user.delete', alice.id));

    t.equal(error.code, ErrorCode.AUTHENTICATION);
  });

  t.test('rejects users without ADMIN', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');

    t.equal((await apiError(alice.client.call('one.user.delete', bob.id))).code, ErrorCode.AUTHORIZATION);
    t.equal((await apiError(alice.client.call('one.user.delete', alice.id))).code, ErrorCode.AUTHORIZATION, 'not even itself');
  });

  t.test('rejects a missing user', async (t) => {
    const daemon = await startTestDaemon(t);

    const error = await apiError(daemon.admin.call('one.user.delete', 99));

    t.equal(error.code, ErrorCode.NO_EXISTS);
    t.equal(error.respId, 99);
  });

  t.test('keeps oneadmin', async (t) => {
    const daemon = await startTestDaemon(t);

    const error = await apiError(daemon.admin.call('one.user.delete', 0));

    t.equal(error.code, ErrorCode.ACTION);
  });

  t.test('faults on missing or mistyped id', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.delete'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.delete', '2'))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.info', async (t) => {
  t.test('returns the caller for id -1', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const user = await userInfo(alice.client, -1);

    t.equal(user.ID, String(alice.id));
    t.equal(user.NAME, 'alice');
  });

  t.test('lists elements in OpenNebula order', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const document = await daemon.admin.call<string>('one.user.info', alice.id);

    t.equal(rootName(document), 'USER');
    t.same(childNames(document), USER_ELEMENTS);
  });

  t.test('shows login tokens after ENABLED', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    await alice.client.call('one.user.login', 'alice', '', 60, -1);

    const names = childNames(await alice.client.call<string>('one.user.info', -1));

    t.same(names.slice(7, 10), ['ENABLED', 'LOGIN_TOKEN', 'TEMPLATE']);
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('nobody:secret').call('one.user.info', -1))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('hides other users', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');

    t.equal((await apiError(alice.client.call('one.user.info', bob.id))).code, ErrorCode.AUTHORIZATION);
    t.equal((await apiError(alice.client.call('one.user.info', 0))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a missing user', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.user.info', 42))).code, ErrorCode.NO_EXISTS);
  });

  t.test('faults on missing or mistyped id', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.info'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.info', true))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.passwd', async (t) => {
  t.test('changes the caller password', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal(await alice.client.call('one.user.passwd', alice.id, 'new-secret'), alice.id);

    t.equal((await userInfo(daemon.admin, alice.id)).PASSWORD, sha256('new-secret'));
    t.equal(await daemon.client('alice:new-secret').call('one.system.version'), '6.10.5');
    t.equal((await apiError(alice.client.call('one.system.version'))).code, ErrorCode.AUTHENTICATION, 'old password');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.client('alice:').call('one.user.passwd', alice.id, 'x'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('rejects another user password', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');

    t.equal((await apiError(alice.client.call('one.user.passwd', bob.id, 'x'))).code, ErrorCode.AUTHORIZATION);
    t.equal((await apiError(alice.client.call('one.user.passwd', 0, 'x'))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a missing user', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.user.passwd', 77, 'x'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects empty and blank passwords', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.client.call('one.user.passwd', alice.id, ''))).code, ErrorCode.XML_RPC_API);
    t.equal((await apiError(alice.client.call('one.user.passwd', alice.id, 'a b'))).code, ErrorCode.XML_RPC_API);
    t.equal((await userInfo(daemon.admin, alice.id)).PASSWORD, sha256(alice.password), 'password unchanged');
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.passwd', 0))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.passwd', 0, 5))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.update', async (t) => {
  t.test('replaces and merges the template', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    await alice.client.call('one.user.update', alice.id, 'EMAIL = "alice@example.org"\nLANG = "en"');
    await alice.client.call('one.user.update', alice.id, 'LANG = "fr"\nSSH_KEY = "ssh-ed25519 AAAA"', 1);
    const merged = (await userInfo(alice.client, -1)).TEMPLATE;
    await alice.client.call('one.user.update', alice.id, 'LANG = "de"', 0);
    const replaced = (await userInfo(alice.client, -1)).TEMPLATE;

    t.same(merged, { EMAIL: 'alice@example.org', LANG: 'fr', SSH_KEY: 'ssh-ed25519 AAAA' });
    t.same(replaced, { LANG: 'de' });
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin').call('one.user.update', 0, 'A=1'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('rejects another user template', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');

    t.equal((await apiError(alice.client.call('one.user.update', bob.id, 'A=1'))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a missing user', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.user.update', 50, 'A=1'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects bad type and syntax', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.client.call('one.user.update', alice.id, 'A=1', 2))).code, ErrorCode.XML_RPC_API);
    t.equal((await apiError(alice.client.call('one.user.update', alice.id, 'A = [ B = 1'))).code, ErrorCode.XML_RPC_API);
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.update', 0))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.update', 0, 'A=1', '1'))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.chgrp', async (t) => {
  t.test('moves to a new group', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice');

    t.equal(await daemon.admin.call('one.user.chgrp', alice.id, physics), alice.id);

    const user = await userInfo(daemon.admin, alice.id);
    const users = parseDocument(await daemon.admin.call<string>('one.group.info', 1)).GROUP;
    t.equal(user.GID, String(physics));
    t.equal(user.GNAME, 'physics');
    t.same(user.GROUPS.ID, [String(physics)], 'the old primary group is left');
    t.equal(users.USERS, '', 'group users lost its member');
  });

  t.test('keeps old group when promoting secondary', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);

    await daemon.admin.call('one.user.chgrp', alice.id, physics);

    const user = await userInfo(daemon.admin, alice.id);
    const users = parseDocument(await daemon.admin.call<string>('one.group.info', 1)).GROUP;
    t.equal(user.GID, String(physics));
    t.same(user.GROUPS.ID, ['1', String(physics)]);
    t.same(users.USERS.ID, [String(alice.id)]);
  });

  t.test('lets users switch among their groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);

    await alice.client.call('one.user.chgrp', alice.id, physics);

    t.equal((await userInfo(alice.client, -1)).GID, String(physics));
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.client(':x').call('one.user.chgrp', alice.id, 0))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('rejects groups and users not managed', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');

    const intoOtherGroup = await apiError(alice.client.call('one.user.chgrp', alice.id, physics));
    const intoOneadmin = await apiError(alice.client.call('one.user.chgrp', alice.id, 0));
    const otherUser = await apiError(alice.client.call('one.user.chgrp', bob.id, 1));

    t.equal(intoOtherGroup.code, ErrorCode.AUTHORIZATION);
    t.equal(intoOneadmin.code, ErrorCode.AUTHORIZATION);
    t.equal(otherUser.code, ErrorCode.AUTHORIZATION);
    t.equal((await userInfo(daemon.admin, alice.id)).GID, '1', 'alice stays in users');
  });

  t.test('rejects missing users and groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.admin.call('one.user.chgrp', 99, 1))).code, ErrorCode.NO_EXISTS);
    t.equal((await apiError(daemon.admin.call('one.user.chgrp', alice.id, 404))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects a negative group id', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.admin.call('one.user.chgrp', alice.id, -1))).code, ErrorCode.XML_RPC_API);
  });

  t.test('keeps oneadmin in group oneadmin', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.user.chgrp', 0, 1))).code, ErrorCode.ACTION);
    t.equal((await userInfo(daemon.admin, 0)).GID, '0');
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.chgrp', 2))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.chgrp', 2, 'users'))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.addgroup', async (t) => {
  t.test('adds a secondary group', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice');

    t.equal(await daemon.admin.call('one.user.addgroup', alice.id, physics), alice.id);

    const user = await userInfo(daemon.admin, alice.id);
    const group = parseDocument(await daemon.admin.call<string>('one.group.info', physics)).GROUP;
    t.equal(user.GID, '1', 'primary group unchanged');
    t.same(user.GROUPS.ID, ['1', String(physics)]);
    t.same(group.USERS.ID, [String(alice.id)]);
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin:').call('one.user.addgroup', 0, 1))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('rejects joining a group without MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.client.call('one.user.addgroup', alice.id, physics))).code, ErrorCode.AUTHORIZATION);
    t.equal((await apiError(alice.client.call('one.user.addgroup', alice.id, 0))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects missing users and groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.admin.call('one.user.addgroup', 99, 1))).code, ErrorCode.NO_EXISTS);
    t.equal((await apiError(daemon.admin.call('one.user.addgroup', alice.id, 404))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects a group already joined', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.admin.call('one.user.addgroup', alice.id, 1))).code, ErrorCode.ACTION);
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.addgroup', 2))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.addgroup', '2', 1))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.delgroup', async (t) => {
  t.test('removes a secondary group', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);

    t.equal(await daemon.admin.call('one.user.delgroup', alice.id, physics), alice.id);

    const user = await userInfo(daemon.admin, alice.id);
    const group = parseDocument(await daemon.admin.call<string>('one.group.info', physics)).GROUP;
    t.same(user.GROUPS.ID, ['1']);
    t.equal(group.USERS, '');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin:no').call('one.user.delgroup', 2, 1))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('rejects leaving a group without MANAGE', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);

    t.equal((await apiError(alice.client.call('one.user.delgroup', alice.id, physics))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects missing users and groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.admin.call('one.user.delgroup', 99, 1))).code, ErrorCode.NO_EXISTS);
    t.equal((await apiError(daemon.admin.call('one.user.delgroup', alice.id, 404))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects primary and foreign groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.admin.call('one.user.delgroup', alice.id, 1))).code, ErrorCode.ACTION, 'primary');
    t.equal((await apiError(daemon.admin.call('one.user.delgroup', alice.id, physics))).code, ErrorCode.ACTION, 'not a member');
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.delgroup'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.delgroup', 2, [1]))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.chauth', async (t) => {
  t.test('changes driver and password', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    await daemon.admin.call('one.user.chauth', alice.id, 'x509', '/C=ES/O=ONE/CN=alice');
    const x509 = await userInfo(daemon.admin, alice.id);
    await daemon.admin.call('one.user.chauth', alice.id, 'core', 'back-to-core');
    const core = await userInfo(daemon.admin, alice.id);

    t.equal(x509.AUTH_DRIVER, 'x509');
    t.equal(x509.PASSWORD, '/C=ES/O=ONE/CN=alice', 'other drivers store the secret as given');
    t.equal(core.AUTH_DRIVER, 'core');
    t.equal(core.PASSWORD, sha256('back-to-core'));
    t.equal(await daemon.client('alice:back-to-core').call('one.system.version'), '6.10.5');
  });

  t.test('keeps password when none given', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    await daemon.admin.call('one.user.chauth', alice.id, 'core', '');

    t.equal((await userInfo(daemon.admin, alice.id)).PASSWORD, sha256(alice.password));
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('x:y').call('one.user.chauth', 0, 'core', ''))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('needs ADMIN on the user', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.client.call('one.user.chauth', alice.id, 'public', ''))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a missing user', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.user.chauth', 12, 'core', ''))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects empty driver and blank password', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.admin.call('one.user.chauth', alice.id, '', 'pw'))).code, ErrorCode.XML_RPC_API);
    t.equal((await apiError(daemon.admin.call('one.user.chauth', alice.id, 'core', 'p w'))).code, ErrorCode.XML_RPC_API);
    t.equal((await userInfo(daemon.admin, alice.id)).AUTH_DRIVER, 'core', 'driver unchanged');
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.chauth', 2))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.chauth', 2, 1, ''))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.enable', async (t) => {
  t.test('disables and enables a user', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal(await daemon.admin.call('one.user.enable', alice.id, false), alice.id);
    const disabled = await userInfo(daemon.admin, alice.id);
    await daemon.admin.call('one.user.enable', alice.id, true);
    const enabled = await userInfo(daemon.admin, alice.id);

    t.equal(disabled.ENABLED, '0');
    t.equal(enabled.ENABLED, '1');
  });

  t.test('accepts integer flags from older clients', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    await daemon.admin.call('one.user.enable', alice.id, 0);
    const disabled = await userInfo(daemon.admin, alice.id);
    await daemon.admin.call('one.user.enable', alice.id, 1);
    const enabled = await userInfo(daemon.admin, alice.id);

    t.equal(disabled.ENABLED, '0');
    t.equal(enabled.ENABLED, '1');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin:x').call('one.user.enable', 2, true))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('needs ADMIN on the user', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');

    t.equal((await apiError(alice.client.call('one.user.enable', bob.id, false))).code, ErrorCode.AUTHORIZATION);
    t.equal((await apiError(alice.client.call('one.user.enable', alice.id, false))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a missing user', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.user.enable', 31, true))).code, ErrorCode.NO_EXISTS);
  });

  t.test('keeps oneadmin enabled', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.user.enable', 0, false))).code, ErrorCode.ACTION);
    t.equal(await daemon.admin.call('one.system.version'), '6.10.5');
  });

  t.test('faults on missing or mistyped flag', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await rpcFault(daemon.admin.call('one.user.enable', alice.id))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.enable', alice.id, 'no'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await userInfo(daemon.admin, alice.id)).ENABLED, '1');
  });
});

t.test('one.userpool.info', async (t) => {
  t.test('lists every user for oneadmin', async (t) => {
    const daemon = await startTestDaemon(t);
    await createUser(daemon, 'alice');

    const pool = await daemon.admin.call<string>('one.userpool.info');

    t.same(fieldOfEach(pool, 'USER', 'NAME'), ['oneadmin', 'serveradmin', 'alice']);
    t.same(fieldOfEach(pool, 'QUOTAS', 'ID'), ['0', '1', '2']);
  });

  t.test('pairs USER with QUOTAS', async (t) => {
    const daemon = await startTestDaemon(t);

    const pool = await daemon.admin.call<string>('one.userpool.info');

    t.equal(rootName(pool), 'USER_POOL');
    t.same(childNames(pool), ['USER', 'QUOTAS', 'USER', 'QUOTAS', 'DEFAULT_USER_QUOTAS']);
    t.same(
      parseDocument(pool).USER_POOL.QUOTAS.map((quotas: Record<string, unknown>) => Object.keys(quotas)),
      [0, 1].map(() => ['ID', 'DATASTORE_QUOTA', 'NETWORK_QUOTA', 'VM_QUOTA', 'IMAGE_QUOTA']),
    );
    t.same(
      parseDocument(pool).USER_POOL.USER.map((user: Record<string, unknown>) => Object.keys(user)),
      [0, 1].map(() => USER_ELEMENTS.slice(0, 9)),
      'USER bodies in the pool carry no quotas',
    );
  });

  t.test('shows users only themselves', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    await createUser(daemon, 'bob');

    t.same(fieldOfEach(await alice.client.call<string>('one.userpool.info'), 'USER', 'NAME'), ['alice']);
  });

  t.test('shows users an ACL grants', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');
    await daemon.admin.call('one.acl.addrule', aclPart('#', alice.id), aclPart('#', bob.id, ACL_TYPE.USER), '1');

    t.same(fieldOfEach(await alice.client.call<string>('one.userpool.info'), 'USER', 'NAME'), ['alice', 'bob']);
    t.equal((await userInfo(alice.client, bob.id)).NAME, 'bob');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin:bad').call('one.userpool.info'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('faults on missing or mistyped session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(rawCall(daemon.url, 'one.userpool.info', []))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(rawCall(daemon.url, 'one.userpool.info', [0]))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.user.login', async (t) => {
  t.test('returns a token for the caller', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const token = await alice.client.call<string>('one.user.login', 'alice', '', 60, -1);

    t.match(token, /^[0-9a-f]{64}$/);
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);
    await createUser(daemon, 'alice');

    t.equal((await apiError(daemon.client('alice:guess').call('one.user.login', 'alice', '', 60))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('needs MANAGE on the target user', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const bob = await createUser(daemon, 'bob');

    const before = await apiError(alice.client.call('one.user.login', 'bob', '', 60, -1));
    await daemon.admin.call('one.acl.addrule', aclPart('#', alice.id), aclPart('#', bob.id, ACL_TYPE.USER), '2');
    const reset = await alice.client.call('one.user.login', 'bob', '', 0, -1);

    t.equal(before.code, ErrorCode.AUTHORIZATION);
    t.equal(reset, '', 'a manager may reset the tokens of the user');
  });

  t.test('rejects an unknown user name', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.user.login', 'nobody', '', 60))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects bad lifetimes and groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.client.call('one.user.login', 'alice', '', -2))).code, ErrorCode.XML_RPC_API);
    t.equal((await apiError(alice.client.call('one.user.login', 'alice', '', 60, 0))).code, ErrorCode.XML_RPC_API);
    t.equal((await apiError(alice.client.call('one.user.login', 'alice', 'never-issued', 0))).code, ErrorCode.XML_RPC_API);
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.user.login', 'oneadmin', ''))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.login', 'oneadmin', '', '60'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.user.login', 0, '', 60))).faultCode, FaultCode.TYPE_ERROR);
  });
});
