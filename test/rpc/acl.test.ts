import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { Daemon } from '../../core/daemon.js';
import { ErrorCode, FaultCode } from '../../core/errors/api-error.js';
import { OneClient } from '../../rpc/client/client.js';
import { apiError, childNamesOf, createUser, fieldOfEach, rawCall, rootName, rpcFault } from '../helpers/accounts.js';
import { startTestDaemon, temporaryHome, testSettings } from '../helpers/daemon.js';

/** The rules oned creates in a new database, as one.acl.info shows them. */
const BOOTSTRAP_RULES = [
  {
    id: '0',
    user: '200000001',
    resource: '121429400000000',
    rights: '8',
    zone: '400000000',
    text: '@1 VM+IMAGE+TEMPLATE+DOCUMENT+SECGROUP+VMGROUP+BACKUPJOB/* CREATE *',
  },
  { id: '1', user: '400000000', resource: '800400000000', rights: '1', zone: '400000000', text: '* ZONE/* USE *' },
  {
    id: '2',
    user: '400000000',
    resource: '18000400000000',
    rights: '1',
    zone: '400000000',
    text: '* MARKETPLACE+MARKETPLACEAPP/* USE *',
  },
  { id: '3', user: '200000001', resource: '2400000000', rights: '2', zone: '100000000', text: '@1 HOST/* MANAGE #0' },
  { id: '4', user: '200000001', resource: '4400000000', rights: '1', zone: '100000000', text: '@1 NET/* USE #0' },
  { id: '5', user: '200000001', resource: '100400000000', rights: '1', zone: '100000000', text: '@1 DATASTORE/* USE #0' },
];

async function listRules(client: OneClient) {
  const pool = await client.call<string>('one.acl.info');
  return {
    ids: fieldOfEach(pool, 'ACL', 'ID'),
    users: fieldOfEach(pool, 'ACL', 'USER'),
    resources: fieldOfEach(pool, 'ACL', 'RESOURCE'),
    rights: fieldOfEach(pool, 'ACL', 'RIGHTS'),
    zones: fieldOfEach(pool, 'ACL', 'ZONE'),
    texts: fieldOfEach(pool, 'ACL', 'STRING'),
  };
}

t.test('one.acl.info', async (t) => {
  t.test('lists the bootstrap rules', async (t) => {
    const { admin } = await startTestDaemon(t);

    const rules = await listRules(admin);

    t.same(rules.ids, BOOTSTRAP_RULES.map((rule) => rule.id));
    t.same(rules.users, BOOTSTRAP_RULES.map((rule) => rule.user));
    t.same(rules.resources, BOOTSTRAP_RULES.map((rule) => rule.resource));
    t.same(rules.rights, BOOTSTRAP_RULES.map((rule) => rule.rights));
    t.same(rules.zones, BOOTSTRAP_RULES.map((rule) => rule.zone));
    t.same(rules.texts, BOOTSTRAP_RULES.map((rule) => rule.text));
  });

  t.test('lists ACL elements in OpenNebula order', async (t) => {
    const { admin } = await startTestDaemon(t);

    const document = await admin.call<string>('one.acl.info');

    t.equal(rootName(document), 'ACL_POOL');
    t.same(childNamesOf(document, 'ACL'), ['ID', 'USER', 'RESOURCE', 'RIGHTS', 'ZONE', 'STRING']);
  });

  t.test('rejects a wrong session', async (t) => {
    const { client } = await startTestDaemon(t);

    t.equal((await apiError(client('oneadmin:nope').call('one.acl.info'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('is for group oneadmin only', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const root = await createUser(daemon, 'root', [0]);

    t.equal((await apiError(alice.client.call('one.acl.info'))).code, ErrorCode.AUTHORIZATION);
    t.same(
      fieldOfEach(await root.client.call<string>('one.acl.info'), 'ACL', 'ID'),
      BOOTSTRAP_RULES.map((rule) => rule.id),
      'members of group 0 may',
    );
  });

  t.test('faults on missing or mistyped session', async (t) => {
    const { url } = await startTestDaemon(t);

    t.equal((await rpcFault(rawCall(url, 'one.acl.info', []))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(rawCall(url, 'one.acl.info', [1]))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.acl.addrule', async (t) => {
  t.test('stores the CLI hex parameters', async (t) => {
    const { admin } = await startTestDaemon(t);
    const sent: Array<[string[], string]> = [
      [['200000001', '9100000005', '3'], '@1 VM+IMAGE/#5 USE+MANAGE #0'],
      [['400000000', '4800000064', '1', '400000000'], '* NET/%100 USE *'],
      [['100000003', '28200000064', '3', '100000000'], '#3 IMAGE+TEMPLATE/@100 USE+MANAGE #0'],
      [['100000005', '9200000001', '3', '100000000'], '#5 VM+IMAGE/@1 USE+MANAGE #0'],
      [['200000001', '29400000000', '8', '400000000'], '@1 VM+IMAGE+TEMPLATE/* CREATE *'],
    ];

    const ids: number[] = [];
    for (const [params] of sent) ids.push(await admin.call<number>('one.acl.addrule', ...params));
    const rules = await listRules(admin);

    t.same(ids, [6, 7, 8, 9, 10], 'ids follow the bootstrap rules');
    t.same(rules.texts.slice(6), sent.map(([, text]) => text));
    t.same(rules.resources.slice(6), sent.map(([params]) => params[1]));
    t.same(rules.zones.slice(6), ['100000000', '400000000', '100000000', '100000000', '400000000'], 'zone #0 when none is sent');
  });

  t.test('accepts upper-case and 0x hex', async (t) => {
    const { admin } = await startTestDaemon(t);

    await admin.call('one.acl.addrule', '0x200000001', '9100000005', '3', '0X100000000');
    await admin.call('one.acl.addrule', '200000001', 'A200000064', '1');

    t.same((await listRules(admin)).texts.slice(6), ['@1 VM+IMAGE/#5 USE+MANAGE #0', '@1 HOST+IMAGE/@100 USE #0']);
  });

  t.test('persists across restarts', async (t) => {
    const home = temporaryHome(t);
    const first = await Daemon.start({ home, settings: testSettings() });
    const firstAdmin = new OneClient({ endpoint: first.url, session: readFileSync(path.join(home, 'one_auth'), 'utf8').trim() });
    await firstAdmin.call('one.acl.addrule', '200000001', '9100000005', '3');
    await first.stop();

    const { admin } = await startTestDaemon(t, { home });

    t.same((await listRules(admin)).texts, [...BOOTSTRAP_RULES.map((rule) => rule.text), '@1 VM+IMAGE/#5 USE+MANAGE #0']);
  });

  t.test('rejects a wrong session', async (t) => {
    const { client } = await startTestDaemon(t);

    t.equal((await apiError(client('serveradmin:x').call('one.acl.addrule', '200000001', '9100000005', '3'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('is for group oneadmin only', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const error = await apiError(alice.client.call('one.acl.addrule', '100000002', '8400000000', 'f'));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
    t.equal((await listRules(daemon.admin)).ids.length, 6, 'no rule was added');
  });

  t.test('rejects malformed rules', async (t) => {
    const { admin } = await startTestDaemon(t);
    const malformed: Array<[string, string[]]> = [
      ['not hex', ['@1', '9100000005', '3']],
      ['empty user', ['', '9100000005', '3']],
      ['no selector in user', ['1', '9100000005', '3']],
      ['two selectors in user', ['300000001', '9100000005', '3']],
      ['no resource type', ['200000001', '100000005', '3']],
      ['ACL resource type', ['200000001', '80400000000', '1']],
      ['no rights', ['200000001', '9100000005', '0']],
      ['unknown rights bit', ['200000001', '9100000005', '10']],
      ['cluster zone', ['200000001', '9100000005', '1', '800000000']],
      ['more than 64 bits', ['200000001', '10000000000000000', '1']],
    ];

    for (const [name, params] of malformed) {
      t.equal((await apiError(admin.call('one.acl.addrule', ...params))).code, ErrorCode.XML_RPC_API, name);
    }
    t.equal((await listRules(admin)).ids.length, 6, 'no rule was added');
  });

  t.test('rejects a duplicate rule', async (t) => {
    const { admin } = await startTestDaemon(t);
    await admin.call('one.acl.addrule', '200000001', '9100000005', '3');

    const error = await apiError(admin.call('one.acl.addrule', '200000001', '9100000005', '3', '100000000'));

    t.equal(error.code, ErrorCode.ACTION);
    t.match(error.message, /already exists/);
  });

  t.test('faults on missing or mistyped parameters', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await rpcFault(admin.call('one.acl.addrule', '200000001', '9100000005'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(admin.call('one.acl.addrule', 3, '9100000005', '3'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(admin.call('one.acl.addrule', '200000001', '9100000005', '3', 0))).faultCode, FaultCode.TYPE_ERROR);
  });
});

t.test('one.acl.delrule', async (t) => {
  t.test('removes a rule and its effect', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const id = await daemon.admin.call<number>('one.acl.addrule', '100000002', '10400000000', '1');
    const before = fieldOfEach(await alice.client.call<string>('one.userpool.info'), 'USER', 'NAME');

    t.equal(await daemon.admin.call('one.acl.delrule', id), id);

    const after = fieldOfEach(await alice.client.call<string>('one.userpool.info'), 'USER', 'NAME');
    t.same(before, ['oneadmin', 'serveradmin', 'alice'], 'the rule let alice see every user');
    t.same(after, ['alice']);
    t.same((await listRules(daemon.admin)).ids, ['0', '1', '2', '3', '4', '5']);
  });

  t.test('removes bootstrap rules too', async (t) => {
    const { admin } = await startTestDaemon(t);

    await admin.call('one.acl.delrule', 0);

    t.same((await listRules(admin)).ids, ['1', '2', '3', '4', '5']);
  });

  t.test('never reuses rule ids', async (t) => {
    const { admin } = await startTestDaemon(t);
    const first = await admin.call<number>('one.acl.addrule', '200000001', '9100000005', '3');
    await admin.call('one.acl.delrule', first);

    const second = await admin.call<number>('one.acl.addrule', '200000001', '9100000005', '3');

    t.equal(second, first + 1);
  });

  t.test('rejects a wrong session', async (t) => {
    const { client } = await startTestDaemon(t);

    t.equal((await apiError(client('oneadmin:0').call('one.acl.delrule', 0))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('is for group oneadmin only', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal((await apiError(alice.client.call('one.acl.delrule', 1))).code, ErrorCode.AUTHORIZATION);
    t.same((await listRules(daemon.admin)).ids, ['0', '1', '2', '3', '4', '5']);
  });

  t.test('rejects a missing rule', async (t) => {
    const { admin } = await startTestDaemon(t);

    const error = await apiError(admin.call('one.acl.delrule', 99));

    t.equal(error.code, ErrorCode.NO_EXISTS);
    t.equal(error.respId, 99);
  });

  t.test('faults on missing or mistyped id', async (t) => {
    const { admin } = await startTestDaemon(t);

    t.equal((await rpcFault(admin.call('one.acl.delrule'))).faultCode, FaultCode.TYPE_ERROR);
    t.equal((await rpcFault(admin.call('one.acl.delrule', '0'))).faultCode, FaultCode.TYPE_ERROR);
  });
});
