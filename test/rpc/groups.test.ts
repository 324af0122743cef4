import t from 'tap';
import { ErrorCode, FaultCode } from '../../core/errors/api-error.js';
import type { OneClient } from '../../rpc/client/client.js';
import {
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

/** The rules oned creates in a new database. Rules 3 and 4 are those of the default VDC, which contains group users (1). */
const BOOTSTRAP_RULE_TEXTS = [
  '@1 VM+IMAGE+TEMPLATE+DOCUMENT+SECGROUP+VMGROUP+BACKUPJOB/* CREATE *',
  '* ZONE/* USE *',
  '* MARKETPLACE+MARKETPLACEAPP/* USE *',
  '@1 HOST/* MANAGE #0',
  '@1 NET/* USE #0',
  '@1 DATASTORE/* USE #0',
];

/** GROUP children in the order of OpenNebula's `Group::to_xml_extended`. */
const GROUP_ELEMENTS = [
  'ID',
  'NAME',
  'TEMPLATE',
  'USERS',
  'ADMINS',
  'DATASTORE_QUOTA',
  'NETWORK_QUOTA',
  'VM_QUOTA',
  'IMAGE_QUOTA',
  'DEFAULT_GROUP_QUOTAS',
];

async function groupInfo(client: OneClient, id: number) {
  return parseDocument(await client.call<string>('one.group.info', id)).GROUP;
}

t.test('one.group.allocate', async (t) => {
  t.test('creates empty groups from 100', async (t) => {
    const daemon = await startTestDaemon(t);

    const id = await daemon.admin.call<number>('one.group.allocate', 'physics');
    const group = await groupInfo(daemon.admin, id);

    t.equal(id, 100, 'ids below 100 are kept for system groups');
    t.equal(group.NAME, 'physics');
    t.equal(group.USERS, '');
    t.equal(group.ADMINS, '');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin:no').call('one.group.allocate', 'physics'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('needs CREATE GROUP', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const error = await apiError(alice.client.call('one.group.allocate', 'physics'));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
    t.match(error.message, /CREATE GROUP/);
  });

  t.test('rejects a taken name', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.group.allocate', 'users'))).code, ErrorCode.ALLOCATE);
  });

  t.test('rejects invalid names', async (t) => {
    const daemon = await startTestDaemon(t);

    for (const name of ['', 'a:b', 'tab\there', 'x'.repeat(129)]) {
      t.equal((await apiError(daemon.admin.call('one.group.allocate', name))).code, ErrorCode.XML_RPC_API, JSON.stringify(name.slice(0, 10)));
    }
  });

  t.test('faults on missing or mistyped name', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.group.allocate'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.group.allocate', 100))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.group.delete', async (t) => {
  t.test('removes an empty group', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');

    t.equal(await daemon.admin.call('one.group.delete', physics), physics);

    t.same(fieldOfEach(await daemon.admin.call<string>('one.grouppool.info'), 'GROUP', 'NAME'), ['oneadmin', 'users']);
  });

  t.test('removes ACL rules naming the group', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    await daemon.admin.call('one.acl.addrule', aclPart('@', physics), aclPart('*', 0, ACL_TYPE.IMAGE), '1');
    await daemon.admin.call('one.acl.addrule', aclPart('@', physics), aclPart('*', 0, ACL_TYPE.NET | ACL_TYPE.DATASTORE), '1', aclPart('#', 0));
    await daemon.admin.call('one.acl.addrule', aclPart('@', 1), aclPart('@', physics, ACL_TYPE.VM), '1');
    await daemon.admin.call('one.acl.addrule', aclPart('@', 1), aclPart('#', physics, ACL_TYPE.VM), '1');
    await daemon.admin.call('one.acl.addrule', aclPart('@', 1), aclPart('#', physics, ACL_TYPE.GROUP), '1');

    await daemon.admin.call('one.group.delete', physics);

    // Rules 3 to 5 name group users (1), not the deleted group, so they stay.
    const rules = fieldOfEach(await daemon.admin.call<string>('one.acl.info'), 'ACL', 'STRING');
    t.same(rules.slice(0, 6), BOOTSTRAP_RULE_TEXTS, 'the bootstrap rules stay');
    t.same(rules.slice(6), ['@1 VM/#100 USE #0'], 'only the rule on VM #100 stays');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin:').call('one.group.delete', 100))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('needs ADMIN on the group', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);
    const bob = await createUser(daemon, 'bob');

    t.equal((await apiError(bob.client.call('one.group.delete', physics))).code, ErrorCode.AUTHORIZATION);
    t.equal((await apiError(alice.client.call('one.group.delete', physics))).code, ErrorCode.AUTHORIZATION, 'not even members');
  });

  t.test('rejects a missing group', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.group.delete', 404))).code, ErrorCode.NO_EXISTS);
  });

  t.test('keeps system and non-empty groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    await createUser(daemon, 'alice', [physics]);

    t.equal((await apiError(daemon.admin.call('one.group.delete', 0))).code, ErrorCode.ACTION, 'oneadmin');
    t.equal((await apiError(daemon.admin.call('one.group.delete', 1))).code, ErrorCode.ACTION, 'users');
    t.equal((await apiError(daemon.admin.call('one.group.delete', physics))).code, ErrorCode.ACTION, 'physics has alice');
  });

  t.test('faults on missing or mistyped id', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.group.delete'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.group.delete', 'physics'))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.group.info', async (t) => {
  t.test('returns own group for -1', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [physics]);

    const group = await groupInfo(alice.client, -1);

    t.equal(group.ID, String(physics));
    t.same(group.USERS.ID, [String(alice.id)]);
  });

  t.test('lists elements in OpenNebula order', async (t) => {
    const daemon = await startTestDaemon(t);

    const document = await daemon.admin.call<string>('one.group.info', 0);

    t.equal(rootName(document), 'GROUP');
    t.same(childNames(document), GROUP_ELEMENTS);
  });

  t.test('shows members their groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);

    t.equal((await groupInfo(alice.client, 1)).NAME, 'users');
    t.equal((await groupInfo(alice.client, physics)).NAME, 'physics');
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('nobody:x').call('one.group.info', 1))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('hides groups from non-members', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.client.call('one.group.info', physics))).code, ErrorCode.AUTHORIZATION);
    t.equal((await apiError(alice.client.call('one.group.info', 0))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a missing group', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.group.info', 404))).code, ErrorCode.NO_EXISTS);
  });

  t.test('faults on missing or mistyped id', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.group.info'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.group.info', 1.5))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.group.update', async (t) => {
  t.test('replaces and merges the template', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');

    t.equal(await daemon.admin.call('one.group.update', physics, 'DESCRIPTION = "HEP"\nSUNSTONE = [ VIEWS = "user" ]'), physics);
    await daemon.admin.call('one.group.update', physics, 'DESCRIPTION = "High energy physics"', 1);
    const merged = (await groupInfo(daemon.admin, physics)).TEMPLATE;
    await daemon.admin.call('one.group.update', physics, 'OWNER = "cern"', 0);
    const replaced = (await groupInfo(daemon.admin, physics)).TEMPLATE;

    t.same(merged, { DESCRIPTION: 'High energy physics', SUNSTONE: { VIEWS: 'user' } });
    t.same(replaced, { OWNER: 'cern' });
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin:z').call('one.group.update', 1, 'A=1'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('needs MANAGE on the group', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.client.call('one.group.update', 1, 'A=1'))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('rejects a missing group', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.group.update', 404, 'A=1'))).code, ErrorCode.NO_EXISTS);
  });

  t.test('rejects bad type and syntax', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.admin.call('one.group.update', 1, 'A=1', 3))).code, ErrorCode.XML_RPC_API);
    t.equal((await apiError(daemon.admin.call('one.group.update', 1, 'A = "unterminated'))).code, ErrorCode.XML_RPC_API);
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(daemon.admin.call('one.group.update', 1))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(daemon.admin.call('one.group.update', 1, ['A=1']))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.grouppool.info', async (t) => {
  t.test('lists every group for oneadmin', async (t) => {
    const daemon = await startTestDaemon(t);
    await createGroup(daemon, 'physics');

    const pool = await daemon.admin.call<string>('one.grouppool.info');

    t.equal(rootName(pool), 'GROUP_POOL');
    t.same(fieldOfEach(pool, 'GROUP', 'NAME'), ['oneadmin', 'users', 'physics']);
    t.same(childNames(pool), ['GROUP', 'QUOTAS', 'GROUP', 'QUOTAS', 'GROUP', 'QUOTAS', 'DEFAULT_GROUP_QUOTAS']);
    t.same(fieldOfEach(pool, 'QUOTAS', 'ID'), ['0', '1', '100']);
  });

  t.test('carries no quotas inside GROUP', async (t) => {
    const daemon = await startTestDaemon(t);

    const groups = parseDocument(await daemon.admin.call<string>('one.grouppool.info')).GROUP_POOL.GROUP;

    t.same(Object.keys(groups[0]), GROUP_ELEMENTS.slice(0, 5));
  });

  t.test('shows users only their groups', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    await createGroup(daemon, 'chemistry');
    const alice = await createUser(daemon, 'alice', [1, physics]);

    t.same(fieldOfEach(await alice.client.call<string>('one.grouppool.info'), 'GROUP', 'NAME'), ['users', 'physics']);
  });

  t.test('rejects a wrong session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await apiError(daemon.client('oneadmin:x').call('one.grouppool.info'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('faults on missing or mistyped session', async (t) => {
    const daemon = await startTestDaemon(t);

    t.equal((await rpcFault(rawCall(daemon.url, 'one.grouppool.info', []))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(rawCall(daemon.url, 'one.grouppool.info', [true]))).faultCode, FaultCode.TYPE_ERROR);
  });
});
