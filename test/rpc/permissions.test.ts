import t, { type Test } from 'tap';
import { ErrorCode, FaultCode } from '../../core/errors/api-error.js';
import type { CallParam, OneClient } from '../../rpc/client/client.js';
import {
  ACL_RIGHTS,
  ACL_TYPE,
  aclPart,
  apiError,
  createGroup,
  createUser,
  fieldOfEach,
  parseDocument,
  rpcFault,
  type TestUser,
} from '../helpers/accounts.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

/** How to create, list and address one kind of owned object. */
interface Kind {
  name: string;
  /** Method prefix, such as `one.image`. */
  prefix: string;
  pool: string;
  /** Element of each object in the pool document. */
  element: string;
  allocate(client: OneClient, name: string): Promise<number>;
  /** Extra pool parameters after `filter, start, end`. */
  poolExtra: number[];
  delete?: string;
  /** Whether bootstrap rules 4 `@1 NET/* USE #0` and 5 `@1 DATASTORE/* USE #0` let group users (1) USE every object of this kind. */
  inDefaultVdc: boolean;
}

const KINDS: Kind[] = [
  {
    name: 'image',
    prefix: 'one.image',
    pool: 'one.imagepool.info',
    element: 'IMAGE',
    allocate: (client, name) => client.call<number>('one.image.allocate', `NAME = "${name}"\nSIZE = 1`, 1),
    poolExtra: [],
    delete: 'one.image.delete',
    inDefaultVdc: false,
  },
  {
    name: 'template',
    prefix: 'one.template',
    pool: 'one.templatepool.info',
    element: 'VMTEMPLATE',
    allocate: (client, name) => client.call<number>('one.template.allocate', `NAME = "${name}"\nCPU = 1\nMEMORY = 64`),
    poolExtra: [],
    delete: 'one.template.delete',
    inDefaultVdc: false,
  },
  {
    name: 'vnet',
    prefix: 'one.vn',
    pool: 'one.vnpool.info',
    element: 'VNET',
    allocate: (client, name) => client.call<number>('one.vn.allocate', `NAME = "${name}"\nVN_MAD = "bridge"`, -1),
    poolExtra: [],
    delete: 'one.vn.delete',
    inDefaultVdc: true,
  },
  {
    name: 'vm',
    prefix: 'one.vm',
    pool: 'one.vmpool.info',
    element: 'VM',
    allocate: (client, name) => client.call<number>('one.vm.allocate', `NAME = "${name}"\nCPU = 1\nMEMORY = 64`),
    poolExtra: [-1],
    inDefaultVdc: false,
  },
];

/** Ids of the default VDC's bootstrap rules `@1 HOST/* MANAGE #0`, `@1 NET/* USE #0` and `@1 DATASTORE/* USE #0`. */
const DEFAULT_VDC_RULES = [3, 4, 5];

/**
 * Deletes the default VDC's rules when they cover `kind`, so that the test checks what
 * object permissions alone grant to group users (1).
 */
async function removeDefaultVdcRules(world: World, kind: Kind): Promise<void> {
  if (!kind.inDefaultVdc) return;
  for (const id of DEFAULT_VDC_RULES) await world.daemon.admin.call('one.acl.delrule', id);
}

/** Returns the nine chmod arguments for an octal mode such as '640'. */
function modeBits(octal: string): number[] {
  return [...octal].flatMap((digit) => {
    const value = Number(digit);
    return [(value >> 2) & 1, (value >> 1) & 1, value & 1];
  });
}

/**
 * The users of every test: alice in users (primary) and physics, bob in users, carol
 * in physics and dave in chemistry. User ids are 2 to 5 and group ids 100 and 101.
 */
interface World {
  daemon: TestDaemon;
  physics: number;
  chemistry: number;
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  dave: TestUser;
}

async function buildWorld(t: Test): Promise<World> {
  const daemon = await startTestDaemon(t);
  const physics = await createGroup(daemon, 'physics');
  const chemistry = await createGroup(daemon, 'chemistry');
  const alice = await createUser(daemon, 'alice', [1, physics]);
  const bob = await createUser(daemon, 'bob', [1]);
  const carol = await createUser(daemon, 'carol', [physics]);
  const dave = await createUser(daemon, 'dave', [chemistry]);
  return { daemon, physics, chemistry, alice, bob, carol, dave };
}

/** Objects of each kind, created in this order: name, owner, group and mode. */
function objectPlan(world: World): Array<{ name: string; uid: number; gid: number; mode: string }> {
  const { alice, bob, carol, dave, physics, chemistry } = world;
  return [
    { name: 'alice-private', uid: alice.id, gid: 1, mode: '600' },
    { name: 'alice-group', uid: alice.id, gid: 1, mode: '640' },
    { name: 'alice-other', uid: alice.id, gid: 1, mode: '604' },
    { name: 'alice-physics', uid: alice.id, gid: physics, mode: '640' },
    { name: 'bob-private', uid: bob.id, gid: 1, mode: '600' },
    { name: 'bob-group', uid: bob.id, gid: 1, mode: '640' },
    { name: 'carol-group', uid: carol.id, gid: physics, mode: '640' },
    { name: 'dave-other', uid: dave.id, gid: chemistry, mode: '604' },
    { name: 'admin-private', uid: 0, gid: 0, mode: '600' },
  ];
}

/** Creates the planned objects of `kind` as oneadmin and hands them over; returns ids by name. */
async function createObjects(world: World, kind: Kind): Promise<Map<string, number>> {
  const { admin } = world.daemon;
  const ids = new Map<string, number>();

  for (const object of objectPlan(world)) {
    const id = await kind.allocate(admin, object.name);
    await admin.call(`${kind.prefix}.chown`, id, object.uid, object.gid);
    await admin.call(`${kind.prefix}.chmod`, id, ...modeBits(object.mode));
    ids.set(object.name, id);
  }
  return ids;
}

async function listNames(client: OneClient, kind: Kind, filter: number, start = -1, end = -1): Promise<string[]> {
  const pool = await client.call<string>(kind.pool, filter, start, end, ...kind.poolExtra);
  return fieldOfEach(pool, kind.element, 'NAME');
}

async function infoOf(client: OneClient, kind: Kind, id: number): Promise<Record<string, any>> {
  const document = parseDocument(await client.call<string>(`${kind.prefix}.info`, id));
  return document[kind.element];
}

const ALL_OBJECTS = [
  'alice-private',
  'alice-group',
  'alice-other',
  'alice-physics',
  'bob-private',
  'bob-group',
  'carol-group',
  'dave-other',
  'admin-private',
];

t.test('pool filters', async (t) => {
  for (const kind of KINDS) {
    t.test(`${kind.name} listings per user`, async (t) => {
      const world = await buildWorld(t);
      await removeDefaultVdcRules(world, kind);
      const { alice, bob, carol, dave } = world;
      const { admin } = world.daemon;
      await createObjects(world, kind);

      const expected: Array<[string, OneClient, number, string[]]> = [
        ['alice mine', alice.client, -3, ['alice-private', 'alice-group', 'alice-other', 'alice-physics']],
        ['alice primary group', alice.client, -4, ['alice-private', 'alice-group', 'alice-other', 'bob-group']],
        ['alice mine and groups', alice.client, -1, ['alice-private', 'alice-group', 'alice-other', 'alice-physics', 'bob-group', 'carol-group']],
        ['alice all', alice.client, -2, ['alice-private', 'alice-group', 'alice-other', 'alice-physics', 'bob-group', 'carol-group', 'dave-other']],
        ['alice uid bob', alice.client, bob.id, ['bob-group']],
        ['alice uid carol', alice.client, carol.id, ['carol-group']],
        ['alice uid dave', alice.client, dave.id, ['dave-other']],
        ['alice uid oneadmin', alice.client, 0, []],
        ['bob mine', bob.client, -3, ['bob-private', 'bob-group']],
        ['bob primary group', bob.client, -4, ['alice-group', 'alice-other', 'bob-private', 'bob-group']],
        ['bob mine and groups', bob.client, -1, ['alice-group', 'alice-other', 'bob-private', 'bob-group']],
        ['bob all', bob.client, -2, ['alice-group', 'alice-other', 'bob-private', 'bob-group', 'dave-other']],
        ['bob uid alice', bob.client, alice.id, ['alice-group', 'alice-other']],
        ['carol mine', carol.client, -3, ['carol-group']],
        ['carol primary group', carol.client, -4, ['alice-physics', 'carol-group']],
        ['carol all', carol.client, -2, ['alice-other', 'alice-physics', 'carol-group', 'dave-other']],
        ['dave mine and groups', dave.client, -1, ['dave-other']],
        ['dave all', dave.client, -2, ['alice-other', 'dave-other']],
        ['oneadmin mine', admin, -3, ['admin-private']],
        ['oneadmin all', admin, -2, ALL_OBJECTS],
        ['oneadmin uid alice', admin, alice.id, ['alice-private', 'alice-group', 'alice-other', 'alice-physics']],
      ];

      for (const [name, client, filter, names] of expected) {
        t.same(await listNames(client, kind, filter), names, name);
      }
    });
  }

  for (const kind of KINDS) {
    t.test(`${kind.name} pages and id ranges`, async (t) => {
      const world = await buildWorld(t);
      await removeDefaultVdcRules(world, kind);
      const { alice } = world;
      const { admin } = world.daemon;
      const ids = await createObjects(world, kind);
      const id = (name: string) => ids.get(name) ?? -1;

      t.same(await listNames(alice.client, kind, -2, 0, -3), ['alice-private', 'alice-group', 'alice-other'], 'first page');
      t.same(await listNames(alice.client, kind, -2, 3, -3), ['alice-physics', 'bob-group', 'carol-group'], 'second page counts visible objects');
      t.same(await listNames(alice.client, kind, -2, 6, -3), ['dave-other'], 'last page');
      t.same(await listNames(alice.client, kind, -2, 9, -3), [], 'past the end');
      t.same(await listNames(admin, kind, -2, 4, -2), ['bob-private', 'bob-group'], 'oneadmin page');
      t.same(
        await listNames(alice.client, kind, -2, id('alice-other'), id('bob-group')),
        ['alice-other', 'alice-physics', 'bob-group'],
        'id range',
      );
      t.same(await listNames(alice.client, kind, -2, id('carol-group'), -1), ['carol-group', 'dave-other'], 'from an id on');
    });
  }

  for (const kind of KINDS) {
    t.test(`${kind.name} pool argument errors`, async (t) => {
      const world = await buildWorld(t);

      t.equal((await apiError(world.alice.client.call(kind.pool, -5, -1, -1, ...kind.poolExtra))).code, ErrorCode.XML_RPC_API);
      t.equal((await apiError(world.daemon.client('alice:x').call(kind.pool, -2, -1, -1, ...kind.poolExtra))).code, ErrorCode.AUTHENTICATION);
      t.equal((await rpcFault(world.alice.client.call(kind.pool, -2, -1))).faultCode, FaultCode.TYPE_ERROR);
      t.equal((await rpcFault(world.alice.client.call(kind.pool, '-2', -1, -1))).faultCode, FaultCode.TYPE_ERROR);
    });
  }

  t.test('owners list objects they cannot use', async (t) => {
    const world = await buildWorld(t);
    const { alice } = world;
    const kind = KINDS[0];
    const id = await kind.allocate(alice.client, 'locked-out');

    await alice.client.call('one.image.chmod', id, ...modeBits('200'));

    t.same(await listNames(alice.client, kind, -3), ['locked-out']);
    t.same(await listNames(alice.client, kind, -2), ['locked-out']);
    t.equal((await apiError(alice.client.call('one.image.info', id))).code, ErrorCode.AUTHORIZATION);
  });
});

t.test('single calls on other users objects', async (t) => {
  for (const kind of KINDS) {
    t.test(`${kind.name} calls follow permissions`, async (t) => {
      const world = await buildWorld(t);
      await removeDefaultVdcRules(world, kind);
      const { bob, carol, dave } = world;
      const ids = await createObjects(world, kind);
      const id = (name: string) => ids.get(name) ?? -1;

      const refused: Array<[string, OneClient, string, CallParam[]]> = [
        ['bob reads alice-private', bob.client, 'info', [id('alice-private')]],
        ['bob renames alice-private', bob.client, 'rename', [id('alice-private'), 'taken']],
        ['bob updates alice-group', bob.client, 'update', [id('alice-group'), 'NOTE = "bob"', 1]],
        ['bob chmods alice-group', bob.client, 'chmod', [id('alice-group'), ...modeBits('666')]],
        ['bob chowns alice-group', bob.client, 'chown', [id('alice-group'), bob.id, -1]],
        ['carol reads alice-group', carol.client, 'info', [id('alice-group')]],
        ['carol reads bob-private', carol.client, 'info', [id('bob-private')]],
        ['dave updates alice-other', dave.client, 'update', [id('alice-other'), 'NOTE = "dave"', 1]],
        ['dave reads admin-private', dave.client, 'info', [id('admin-private')]],
      ];
      if (kind.delete) refused.push(['bob deletes alice-group', bob.client, 'delete', [id('alice-group')]]);

      for (const [name, client, call, params] of refused) {
        const method = call === 'delete' && kind.delete ? kind.delete : `${kind.prefix}.${call}`;
        const error = await apiError(client.call(method, ...params));
        t.equal(error.code, ErrorCode.AUTHORIZATION, name);
      }

      t.equal((await infoOf(bob.client, kind, id('alice-group'))).NAME, 'alice-group', 'bob reads alice-group');
      t.equal((await infoOf(carol.client, kind, id('alice-physics'))).NAME, 'alice-physics', 'carol reads alice-physics');
      t.equal((await infoOf(dave.client, kind, id('alice-other'))).NAME, 'alice-other', 'dave reads alice-other');
      t.equal((await infoOf(world.daemon.admin, kind, id('alice-private'))).NAME, 'alice-private', 'oneadmin reads anything');
    });
  }

  t.test('missing objects are not found', async (t) => {
    const world = await buildWorld(t);

    for (const kind of KINDS) {
      t.equal((await apiError(world.alice.client.call(`${kind.prefix}.info`, 999))).code, ErrorCode.NO_EXISTS, kind.name);
    }
  });
});

t.test('chmod and chown', async (t) => {
  t.test('chmod opens and closes access', async (t) => {
    const world = await buildWorld(t);
    const { alice, bob, carol } = world;
    const kind = KINDS[1];
    const ids = await createObjects(world, kind);
    const secret = ids.get('alice-private') ?? -1;

    await alice.client.call('one.template.chmod', secret, ...modeBits('640'));
    const groupCanRead = await listNames(bob.client, kind, -2);
    const otherStillBlind = await listNames(carol.client, kind, -1);
    await alice.client.call('one.template.chmod', secret, ...modeBits('604'));
    const otherCanRead = (await infoOf(carol.client, kind, secret)).NAME;
    await alice.client.call('one.template.chmod', secret, -1, -1, -1, -1, -1, -1, 0, -1, -1);
    const closedAgain = await apiError(carol.client.call('one.template.info', secret));

    t.ok(groupCanRead.includes('alice-private'), 'group USE lets bob list it');
    t.notOk(otherStillBlind.includes('alice-private'), 'carol is not in group users');
    t.equal(otherCanRead, 'alice-private', 'other USE lets carol read it');
    t.equal(closedAgain.code, ErrorCode.AUTHORIZATION, '-1 keeps bits, 0 clears OTHER_U');
  });

  t.test('chmod of admin bits needs ADMIN', async (t) => {
    const world = await buildWorld(t);
    const { alice } = world;
    const ids = await createObjects(world, KINDS[1]);
    const id = ids.get('alice-private') ?? -1;

    const error = await apiError(alice.client.call('one.template.chmod', id, ...modeBits('700')));
    await world.daemon.admin.call('one.template.chmod', id, ...modeBits('700'));
    const permissions = (await infoOf(alice.client, KINDS[1], id)).PERMISSIONS;

    t.equal(error.code, ErrorCode.AUTHORIZATION);
    t.equal(permissions.OWNER_A, '1', 'oneadmin may set it');
  });

  t.test('chmod rejects out-of-range values', async (t) => {
    const world = await buildWorld(t);
    const ids = await createObjects(world, KINDS[0]);

    const error = await apiError(world.alice.client.call('one.image.chmod', ids.get('alice-private') ?? -1, 1, 1, 0, 2, 0, 0, 0, 0, 0));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('chown moves objects between users', async (t) => {
    const world = await buildWorld(t);
    const { alice, bob } = world;
    const kind = KINDS[0];
    const ids = await createObjects(world, kind);
    const id = ids.get('alice-private') ?? -1;

    const giveAway = await apiError(alice.client.call('one.image.chown', id, bob.id, -1));
    await world.daemon.admin.call('one.image.chown', id, bob.id, -1);

    t.equal(giveAway.code, ErrorCode.AUTHORIZATION, 'only oneadmin changes the owner');
    t.notOk((await listNames(alice.client, kind, -3)).includes('alice-private'));
    t.ok((await listNames(bob.client, kind, -3)).includes('alice-private'));
    t.equal((await apiError(alice.client.call('one.image.info', id))).code, ErrorCode.AUTHORIZATION);
    t.equal((await infoOf(bob.client, kind, id)).UNAME, 'bob');
  });

  t.test('chown to own groups only', async (t) => {
    const world = await buildWorld(t);
    const { alice, carol, physics, chemistry } = world;
    const kind = KINDS[3];
    const ids = await createObjects(world, kind);
    const id = ids.get('alice-group') ?? -1;

    const toChemistry = await apiError(alice.client.call('one.vm.chown', id, -1, chemistry));
    await alice.client.call('one.vm.chown', id, -1, physics);

    t.equal(toChemistry.code, ErrorCode.AUTHORIZATION, 'alice is not in chemistry');
    t.equal((await infoOf(carol.client, kind, id)).GNAME, 'physics', 'group USE now reaches physics');
    t.notOk((await listNames(world.bob.client, kind, -2)).includes('alice-group'), 'and no longer users');
  });

  t.test('chown rejects missing users and groups', async (t) => {
    const world = await buildWorld(t);
    const ids = await createObjects(world, KINDS[2]);
    const id = ids.get('alice-group') ?? -1;

    t.equal((await apiError(world.daemon.admin.call('one.vn.chown', id, 99, -1))).code, ErrorCode.NO_EXISTS);
    t.equal((await apiError(world.daemon.admin.call('one.vn.chown', id, -1, 999))).code, ErrorCode.NO_EXISTS);
  });
});

t.test('ACL rules', async (t) => {
  t.test('#5 VM+IMAGE/@1 USE+MANAGE grants group objects', async (t) => {
    const world = await buildWorld(t);
    const { dave } = world;
    const { admin } = world.daemon;
    const objects = new Map<string, Map<string, number>>();
    for (const kind of KINDS) objects.set(kind.name, await createObjects(world, kind));
    t.equal(dave.id, 5);

    await admin.call('one.acl.addrule', '100000005', '9200000001', '3', '100000000');

    const groupOne = ['alice-private', 'alice-group', 'alice-other', 'bob-private', 'bob-group', 'dave-other'];
    for (const kind of KINDS) {
      const granted = kind.name === 'image' || kind.name === 'vm';
      const privateId = objects.get(kind.name)?.get('alice-private') ?? -1;
      t.same(await listNames(dave.client, kind, -2), granted ? groupOne : ['alice-other', 'dave-other'], `${kind.name} listing`);

      if (granted) {
        const adminBits = await apiError(dave.client.call(`${kind.prefix}.chmod`, privateId, ...modeBits('700')));
        t.equal((await infoOf(dave.client, kind, privateId)).NAME, 'alice-private', `${kind.name} info`);
        t.equal(await dave.client.call(`${kind.prefix}.update`, privateId, 'NOTE = "dave"', 1), privateId, `${kind.name} update`);
        t.equal(adminBits.code, ErrorCode.AUTHORIZATION, `${kind.name} admin bits need ADMIN`);
      } else {
        t.equal((await apiError(dave.client.call(`${kind.prefix}.info`, privateId))).code, ErrorCode.AUTHORIZATION, `${kind.name} info`);
      }
    }
    t.same(await listNames(dave.client, KINDS[0], -4), ['dave-other'], 'filter -4 still means dave\'s primary group');
  });

  t.test('@1 VM+TEMPLATE+IMAGE/* CREATE lets users create', async (t) => {
    const world = await buildWorld(t);
    const { alice, dave } = world;
    const { admin } = world.daemon;
    // Rule 4 stays, so alice may USE datastore 1 and only the CREATE right is missing.
    await admin.call('one.acl.delrule', 0);

    const withoutRule = [
      await apiError(KINDS[0].allocate(alice.client, 'image')),
      await apiError(KINDS[1].allocate(alice.client, 'template')),
      await apiError(KINDS[3].allocate(alice.client, 'vm')),
    ];
    await admin.call('one.acl.addrule', '200000001', '29400000000', '8', '400000000');
    const imageId = await KINDS[0].allocate(alice.client, 'image');
    await KINDS[1].allocate(alice.client, 'template');
    await KINDS[3].allocate(alice.client, 'vm');

    t.same(withoutRule.map((error) => error.code), [ErrorCode.AUTHORIZATION, ErrorCode.AUTHORIZATION, ErrorCode.AUTHORIZATION]);
    t.equal((await apiError(KINDS[1].allocate(dave.client, 'template'))).code, ErrorCode.AUTHORIZATION, 'dave is not in group 1');
    t.equal((await apiError(KINDS[2].allocate(alice.client, 'vnet'))).code, ErrorCode.AUTHORIZATION, 'NET is not in the rule');
    t.same((await infoOf(alice.client, KINDS[0], imageId)).PERMISSIONS, {
      OWNER_U: '1', OWNER_M: '1', OWNER_A: '0', GROUP_U: '0', GROUP_M: '0', GROUP_A: '0', OTHER_U: '0', OTHER_M: '0', OTHER_A: '0',
    }, 'new objects get 600 from the default umask');
    for (const kind of [KINDS[0], KINDS[1], KINDS[3]]) {
      t.same(await listNames(alice.client, kind, -3), [kind.name], `${kind.name} owned by alice`);
      t.same(await listNames(world.bob.client, kind, -2), [], `${kind.name} hidden from bob`);
    }
  });

  t.test('%0 NET rule grants cluster networks', async (t) => {
    const world = await buildWorld(t);
    const { dave } = world;
    const kind = KINDS[2];
    const ids = await createObjects(world, kind);

    await world.daemon.admin.call('one.acl.addrule', aclPart('#', dave.id), aclPart('%', 0, ACL_TYPE.NET), '1', aclPart('*'));

    t.same(await listNames(dave.client, kind, -2), ALL_OBJECTS);
    t.equal((await infoOf(dave.client, kind, ids.get('admin-private') ?? -1)).NAME, 'admin-private');
  });

  t.test('group rule reaches every member', async (t) => {
    const world = await buildWorld(t);
    const kind = KINDS[1];
    const ids = await createObjects(world, kind);
    const bobPrivate = ids.get('bob-private') ?? -1;

    await world.daemon.admin.call('one.acl.addrule', aclPart('@', world.physics), aclPart('#', bobPrivate, ACL_TYPE.TEMPLATE), '1');

    t.ok((await listNames(world.alice.client, kind, -2)).includes('bob-private'), 'alice, physics as secondary group');
    t.ok((await listNames(world.carol.client, kind, -2)).includes('bob-private'), 'carol, physics as primary group');
    t.equal((await infoOf(world.carol.client, kind, bobPrivate)).NAME, 'bob-private');
    t.notOk((await listNames(world.dave.client, kind, -2)).includes('bob-private'), 'dave is not in physics');
  });
});

t.test('USE rights of ACL rules', async (t) => {
  t.test('MANAGE alone does not list', async (t) => {
    const world = await buildWorld(t);
    const { dave } = world;
    const kind = KINDS[0];
    const ids = await createObjects(world, kind);

    await world.daemon.admin.call('one.acl.addrule', aclPart('#', dave.id), aclPart('*', 0, ACL_TYPE.IMAGE), ACL_RIGHTS.MANAGE.toString(16));

    t.same(await listNames(dave.client, kind, -2), ['alice-other', 'dave-other']);
    t.equal(await dave.client.call('one.image.rename', ids.get('bob-private') ?? -1, 'renamed-by-dave'), ids.get('bob-private'));
  });
});

t.test('default VDC rules', async (t) => {
  t.test('group users list every vnet', async (t) => {
    const world = await buildWorld(t);
    const { alice, bob, carol, dave } = world;
    const kind = KINDS[2];
    await createObjects(world, kind);

    // Rule 4 `@1 NET/* USE #0` reaches alice and bob, who are in group users (1).
    // Carol and dave are not, so they still see only what object permissions grant.
    const expected: Array<[string, OneClient, number, string[]]> = [
      ['alice mine and groups', alice.client, -1, ['alice-private', 'alice-group', 'alice-other', 'alice-physics', 'bob-private', 'bob-group', 'carol-group']],
      ['alice all', alice.client, -2, ALL_OBJECTS],
      ['alice uid bob', alice.client, bob.id, ['bob-private', 'bob-group']],
      ['alice uid oneadmin', alice.client, 0, ['admin-private']],
      ['bob primary group', bob.client, -4, ['alice-private', 'alice-group', 'alice-other', 'bob-private', 'bob-group']],
      ['bob all', bob.client, -2, ALL_OBJECTS],
      ['bob uid alice', bob.client, alice.id, ['alice-private', 'alice-group', 'alice-other', 'alice-physics']],
      ['carol all', carol.client, -2, ['alice-other', 'alice-physics', 'carol-group', 'dave-other']],
      ['dave all', dave.client, -2, ['alice-other', 'dave-other']],
    ];

    for (const [name, client, filter, names] of expected) {
      t.same(await listNames(client, kind, filter), names, name);
    }
  });

  t.test('vnet USE grants no more', async (t) => {
    const world = await buildWorld(t);
    const { bob, carol, dave } = world;
    const kind = KINDS[2];
    const ids = await createObjects(world, kind);
    const id = (name: string) => ids.get(name) ?? -1;

    const refused: Array<[string, OneClient, string, CallParam[]]> = [
      ['bob renames alice-private', bob.client, 'one.vn.rename', [id('alice-private'), 'taken']],
      ['bob updates admin-private', bob.client, 'one.vn.update', [id('admin-private'), 'NOTE = "bob"', 1]],
      ['bob chmods alice-private', bob.client, 'one.vn.chmod', [id('alice-private'), ...modeBits('666')]],
      ['bob chowns alice-private', bob.client, 'one.vn.chown', [id('alice-private'), bob.id, -1]],
      ['bob deletes admin-private', bob.client, 'one.vn.delete', [id('admin-private')]],
      ['carol reads alice-private', carol.client, 'one.vn.info', [id('alice-private')]],
      ['dave reads admin-private', dave.client, 'one.vn.info', [id('admin-private')]],
    ];

    for (const [name, client, method, params] of refused) {
      t.equal((await apiError(client.call(method, ...params))).code, ErrorCode.AUTHORIZATION, name);
    }
    t.equal((await infoOf(bob.client, kind, id('alice-private'))).NAME, 'alice-private', 'bob reads alice-private');
    t.equal((await infoOf(bob.client, kind, id('admin-private'))).NAME, 'admin-private', 'bob reads admin-private');
  });

  t.test('deleting rule 4 hides vnets', async (t) => {
    const world = await buildWorld(t);
    const kind = KINDS[2];
    await createObjects(world, kind);
    const before = await listNames(world.bob.client, kind, -2);

    await world.daemon.admin.call('one.acl.delrule', 4);

    t.same(before, ALL_OBJECTS, 'rule 4 lets bob list every vnet');
    t.same(await listNames(world.bob.client, kind, -2), ['alice-group', 'alice-other', 'bob-private', 'bob-group', 'dave-other']);
  });
});
