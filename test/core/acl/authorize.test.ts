import t from 'tap';

import {
  type AclRuleSpec,
  type AuthItem,
  authorize,
  BOOTSTRAP_ACL_RULES,
  isAdministrator,
  isBlockedByLock,
  type Operation,
  parseAclRuleText,
  Permissions,
  type Requester,
  storedLockLevel,
} from '../../../core/acl/index.js';

/** uid 5, primary group 1 (users), secondary group 7. */
const ALICE: Requester = { uid: 5, groupIds: [1, 7] };
/** uid 9, only in group 100. */
const BOB: Requester = { uid: 9, groupIds: [100] };
const ONEADMIN: Requester = { uid: 0, groupIds: [0] };
/** uid 3, primary group 1, secondary group 0 (oneadmin). */
const GROUP_ZERO_MEMBER: Requester = { uid: 3, groupIds: [1, 0] };

function rules(...texts: string[]): AclRuleSpec[] {
  return texts.map((text) => parseAclRuleText(text));
}

/** Image 2 owned by uid 5 in group 1, with the given octal permissions. */
function image(octal: string, changes: Partial<AuthItem> = {}): AuthItem {
  return {
    type: 'IMAGE',
    oid: 2,
    ownerUid: 5,
    ownerGid: 1,
    permissions: Permissions.fromOctal(octal),
    operation: 'USE',
    ...changes,
  };
}

function createItem(type: AuthItem['type'], ownerGid: number, ownerUid = 5): AuthItem {
  return { type, oid: -1, ownerUid, ownerGid, operation: 'CREATE' };
}

interface Case {
  name: string;
  requester: Requester;
  item: AuthItem;
  rules?: string[];
  zoneId?: number;
  allowed: boolean;
}

const CASES: Case[] = [
  // Owner bits.
  { name: 'owner USE with 600', requester: ALICE, item: image('600'), allowed: true },
  { name: 'owner MANAGE with 600', requester: ALICE, item: image('600', { operation: 'MANAGE' }), allowed: true },
  { name: 'owner ADMIN with 600', requester: ALICE, item: image('600', { operation: 'ADMIN' }), allowed: false },
  { name: 'owner ADMIN with 100', requester: ALICE, item: image('100', { operation: 'ADMIN' }), allowed: true },
  { name: 'owner USE with 066', requester: ALICE, item: image('066'), allowed: true },
  { name: 'owner USE with 060, not in group', requester: ALICE, item: image('060', { ownerGid: 100 }), allowed: false },

  // Group bits, through the primary or a secondary group.
  { name: 'group USE via primary', requester: ALICE, item: image('040', { ownerUid: 9 }), allowed: true },
  { name: 'group USE via secondary', requester: ALICE, item: image('040', { ownerUid: 9, ownerGid: 7 }), allowed: true },
  { name: 'group MANAGE with 040', requester: ALICE, item: image('040', { ownerUid: 9, operation: 'MANAGE' }), allowed: false },
  { name: 'group MANAGE with 020', requester: ALICE, item: image('020', { ownerUid: 9, operation: 'MANAGE' }), allowed: true },
  { name: 'group ADMIN with 010', requester: ALICE, item: image('010', { ownerUid: 9, operation: 'ADMIN' }), allowed: true },
  { name: 'group bits for non-member', requester: BOB, item: image('070'), allowed: false },
  { name: 'owner bits for non-owner', requester: ALICE, item: image('700', { ownerUid: 9 }), allowed: false },

  // Other bits.
  { name: 'other USE with 644', requester: BOB, item: image('644'), allowed: true },
  { name: 'other USE with 640', requester: BOB, item: image('640'), allowed: false },
  { name: 'other MANAGE with 662', requester: BOB, item: image('662', { operation: 'MANAGE' }), allowed: true },
  { name: 'other ADMIN with 666', requester: BOB, item: image('666', { operation: 'ADMIN' }), allowed: false },
  { name: 'other ADMIN with 001', requester: BOB, item: image('001', { operation: 'ADMIN' }), allowed: true },
  { name: 'no permissions and no rules', requester: ALICE, item: image('000'), allowed: false },

  // User selectors.
  { name: 'user #uid matches', requester: ALICE, item: image('000'), rules: ['#5 IMAGE/* USE'], allowed: true },
  { name: 'user #uid other user', requester: BOB, item: image('000'), rules: ['#5 IMAGE/* USE'], allowed: false },
  { name: 'user @gid primary', requester: ALICE, item: image('000'), rules: ['@1 IMAGE/* USE'], allowed: true },
  { name: 'user @gid secondary', requester: ALICE, item: image('000'), rules: ['@7 IMAGE/* USE'], allowed: true },
  { name: 'user @gid non-member', requester: BOB, item: image('000'), rules: ['@7 IMAGE/* USE'], allowed: false },
  { name: 'user * matches anyone', requester: BOB, item: image('000'), rules: ['* IMAGE/* USE'], allowed: true },

  // Resource selectors and types.
  { name: 'resource #oid matches', requester: BOB, item: image('000'), rules: ['* IMAGE/#2 USE'], allowed: true },
  { name: 'resource #oid other object', requester: BOB, item: image('000', { oid: 3 }), rules: ['* IMAGE/#2 USE'], allowed: false },
  { name: 'resource @gid of object', requester: BOB, item: image('000', { ownerGid: 100 }), rules: ['* IMAGE/@100 USE'], allowed: true },
  { name: 'resource @gid other group', requester: BOB, item: image('000'), rules: ['* IMAGE/@100 USE'], allowed: false },
  {
    name: 'resource %cid matches',
    requester: BOB,
    item: { type: 'NET', oid: 4, ownerUid: 0, ownerGid: 0, clusterIds: [0, 100], permissions: Permissions.fromOctal('600'), operation: 'USE' },
    rules: ['* NET/%100 USE *'],
    allowed: true,
  },
  {
    name: 'resource %cid other cluster',
    requester: BOB,
    item: { type: 'NET', oid: 4, ownerUid: 0, ownerGid: 0, clusterIds: [0], permissions: Permissions.fromOctal('600'), operation: 'USE' },
    rules: ['* NET/%100 USE *'],
    allowed: false,
  },
  {
    name: 'resource %cid no clusters',
    requester: BOB,
    item: { type: 'NET', oid: 4, ownerUid: 0, ownerGid: 0, permissions: Permissions.fromOctal('600'), operation: 'USE' },
    rules: ['* NET/%100 USE *'],
    allowed: false,
  },
  { name: 'resource * matches', requester: BOB, item: image('000', { oid: 77 }), rules: ['* IMAGE/* USE'], allowed: true },
  { name: 'resource type mismatch', requester: BOB, item: image('000'), rules: ['* VM+TEMPLATE/* USE'], allowed: false },
  { name: 'resource several types', requester: BOB, item: image('000'), rules: ['* VM+IMAGE/* USE'], allowed: true },
  { name: 'any of several rules', requester: BOB, item: image('000'), rules: ['* VM/* USE', '#9 IMAGE/#3 USE', '@100 IMAGE/#2 USE'], allowed: true },

  // Zones.
  { name: 'zone #0 in zone 0', requester: BOB, item: image('000'), rules: ['* IMAGE/* USE #0'], zoneId: 0, allowed: true },
  { name: 'zone #0 in zone 1', requester: BOB, item: image('000'), rules: ['* IMAGE/* USE #0'], zoneId: 1, allowed: false },
  { name: 'zone #1 in zone 1', requester: BOB, item: image('000'), rules: ['* IMAGE/* USE #1'], zoneId: 1, allowed: true },
  { name: 'zone * in zone 1', requester: BOB, item: image('000'), rules: ['* IMAGE/* USE *'], zoneId: 1, allowed: true },
  { name: 'zone defaults to 0', requester: BOB, item: image('000'), rules: ['* IMAGE/* USE #0'], allowed: true },
  { name: 'permissions in any zone', requester: ALICE, item: image('600'), zoneId: 3, allowed: true },

  // Administrators.
  { name: 'oneadmin without rules', requester: ONEADMIN, item: image('000', { operation: 'ADMIN' }), allowed: true },
  { name: 'uid 0 in another group', requester: { uid: 0, groupIds: [1] }, item: image('000'), allowed: true },
  { name: 'group 0 member', requester: GROUP_ZERO_MEMBER, item: image('000', { operation: 'ADMIN' }), allowed: true },
  { name: 'admin CREATE', requester: GROUP_ZERO_MEMBER, item: createItem('HOST', 1), allowed: true },

  // CREATE through the bootstrap rule and group-scoped rules.
  { name: 'create VM in group 1', requester: ALICE, item: createItem('VM', 1), rules: ['@1 VM+TEMPLATE+IMAGE/* CREATE *'], allowed: true },
  { name: 'create IMAGE in group 1', requester: ALICE, item: createItem('IMAGE', 1), rules: ['@1 VM+TEMPLATE+IMAGE/* CREATE *'], allowed: true },
  { name: 'create NET not granted', requester: ALICE, item: createItem('NET', 1), rules: ['@1 VM+TEMPLATE+IMAGE/* CREATE *'], allowed: false },
  { name: 'create outside group 1', requester: BOB, item: createItem('VM', 100, 9), rules: ['@1 VM+TEMPLATE+IMAGE/* CREATE *'], allowed: false },
  { name: 'create with USE rule', requester: ALICE, item: createItem('VM', 1), rules: ['@1 VM/* USE+MANAGE+ADMIN *'], allowed: false },
  { name: 'create via #5 @1 rule', requester: ALICE, item: createItem('IMAGE', 1), rules: ['#5 VM+IMAGE/@1 USE+MANAGE+CREATE #0'], allowed: true },
  { name: 'create via #5 @1 in gid 7', requester: ALICE, item: createItem('IMAGE', 7), rules: ['#5 VM+IMAGE/@1 USE+MANAGE+CREATE #0'], allowed: false },
  { name: 'create via USE+MANAGE rule', requester: ALICE, item: createItem('IMAGE', 1), rules: ['#5 VM+IMAGE/@1 USE+MANAGE #0'], allowed: false },
  { name: 'create via #oid rule', requester: ALICE, item: createItem('IMAGE', 1), rules: ['#5 IMAGE/#0 CREATE'], allowed: false },
  { name: 'create ignores oid given', requester: ALICE, item: { ...createItem('IMAGE', 1), oid: 0 }, rules: ['#5 IMAGE/#0 CREATE'], allowed: false },
  { name: 'create via %cid rule', requester: ALICE, item: { ...createItem('NET', 1), clusterIds: [0] }, rules: ['#5 NET/%0 CREATE'], allowed: false },
  { name: 'create ignores permissions', requester: ALICE, item: { ...createItem('IMAGE', 1), permissions: Permissions.fromOctal('777') }, allowed: false },
  { name: 'create ZONE by bootstrap rules', requester: ALICE, item: createItem('ZONE', 1), rules: [], allowed: false },

  // Internal types cannot be granted by rules, only to administrators.
  { name: 'ACL type for user', requester: ALICE, item: { type: 'ACL', oid: 1, ownerUid: 0, ownerGid: 0, operation: 'MANAGE' }, rules: ['* ZONE/* USE+MANAGE *'], allowed: false },
  { name: 'ACL type for oneadmin', requester: ONEADMIN, item: { type: 'ACL', oid: 1, ownerUid: 0, ownerGid: 0, operation: 'MANAGE' }, allowed: true },
];

t.test('authorization table', async (t) => {
  for (const testCase of CASES) {
    const decision = authorize(testCase.requester, [testCase.item], rules(...(testCase.rules ?? [])), testCase.zoneId);
    t.equal(decision.allowed, testCase.allowed, testCase.name);
    t.equal(decision.message === '', testCase.allowed, `${testCase.name}: message empty only when allowed`);
  }
});

t.test('each right grants only itself', async (t) => {
  const operations: Operation[] = ['USE', 'MANAGE', 'ADMIN', 'CREATE'];

  for (const granted of operations) {
    const ruleSet = rules(`* IMAGE/@1 ${granted}`);
    for (const requested of operations) {
      const item = requested === 'CREATE' ? createItem('IMAGE', 1) : image('000', { operation: requested });
      const decision = authorize(BOB, [item], ruleSet);
      t.equal(decision.allowed, granted === requested, `rule ${granted}, request ${requested}`);
    }
  }
});

t.test('bootstrap rules grant group 1', async (t) => {
  const ruleSet = [...BOOTSTRAP_ACL_RULES];
  const zone = { type: 'ZONE', oid: 0, ownerUid: 0, ownerGid: 0, permissions: Permissions.fromOctal('600'), operation: 'USE' } as const;

  t.ok(authorize(ALICE, [createItem('VM', 1)], ruleSet).allowed, 'VM CREATE');
  t.ok(authorize(ALICE, [createItem('BACKUPJOB', 1)], ruleSet).allowed, 'BACKUPJOB CREATE');
  t.notOk(authorize(ALICE, [createItem('NET', 1)], ruleSet).allowed, 'NET CREATE');
  t.notOk(authorize(BOB, [createItem('VM', 100, 9)], ruleSet).allowed, 'VM CREATE outside group 1');
  t.ok(authorize(BOB, [zone], ruleSet, 5).allowed, 'ZONE USE in any zone');
  t.notOk(authorize(BOB, [{ ...zone, operation: 'MANAGE' }], ruleSet).allowed, 'ZONE MANAGE');
});

t.test('denial messages', async (t) => {
  t.same(authorize(BOB, [image('600', { operation: 'MANAGE' })], []), {
    allowed: false,
    locked: false,
    message: 'Not authorized to perform MANAGE IMAGE [2].',
  });
  t.equal(authorize(BOB, [createItem('VM', 100, 9)], []).message, 'Not authorized to perform CREATE VM.');
  t.same(authorize(ALICE, [image('600')], []), { allowed: true, locked: false, message: '' });
});

t.test('multi-item requests', async (t) => {
  const ruleSet = rules('@1 VM/* CREATE *', '* NET/%100 USE *');
  const vm = createItem('VM', 1);
  const img = image('600');
  const net: AuthItem = { type: 'NET', oid: 4, ownerUid: 0, ownerGid: 0, clusterIds: [100], permissions: Permissions.fromOctal('600'), operation: 'USE' };

  t.ok(authorize(ALICE, [vm, img, net], ruleSet).allowed, 'all items pass');
  t.ok(authorize(ALICE, [], ruleSet).allowed, 'no items');

  const oneFails = authorize(ALICE, [vm, img, { ...net, clusterIds: [0] }], ruleSet);
  t.notOk(oneFails.allowed, 'one item fails');
  t.equal(oneFails.message, 'Not authorized to perform USE NET [4].');

  const twoFail = authorize(BOB, [createItem('VM', 100, 9), img, net], ruleSet);
  t.notOk(twoFail.allowed, 'two items fail');
  t.equal(twoFail.message, 'Not authorized to perform CREATE VM. Not authorized to perform USE IMAGE [2].');
});

t.test('lock levels block operations', async (t) => {
  const expectations: Array<{ level: number; blocked: Operation[] }> = [
    { level: 0, blocked: [] },
    { level: 1, blocked: ['USE', 'MANAGE', 'ADMIN'] },
    { level: 2, blocked: ['MANAGE', 'ADMIN'] },
    { level: 3, blocked: ['ADMIN'] },
  ];

  for (const { level, blocked } of expectations) {
    for (const operation of ['USE', 'MANAGE', 'ADMIN'] as const) {
      const expectBlocked = blocked.includes(operation);
      const item = image('777', { operation, lockLevel: level });
      t.equal(isBlockedByLock(level, operation), expectBlocked, `level ${level} ${operation}: isBlockedByLock`);
      t.equal(authorize(ALICE, [item], []).allowed, !expectBlocked, `level ${level} ${operation}: owner`);
      t.equal(authorize(ONEADMIN, [item], []).allowed, !expectBlocked, `level ${level} ${operation}: oneadmin`);
      t.equal(authorize(GROUP_ZERO_MEMBER, [item], []).allowed, !expectBlocked, `level ${level} ${operation}: group 0`);
    }
  }
});

t.test('lock decision and message', async (t) => {
  const decision = authorize(ONEADMIN, [image('777', { operation: 'MANAGE', lockLevel: 2 })], []);
  t.same(decision, {
    allowed: false,
    locked: true,
    message: 'The resource IMAGE [2] is locked: its MANAGE lock blocks MANAGE operations. Unlock it first.',
  });

  const useLock = authorize(ALICE, [image('777', { operation: 'ADMIN', lockLevel: 1 })], []);
  t.equal(useLock.message, 'The resource IMAGE [2] is locked: its USE lock blocks ADMIN operations. Unlock it first.');

  const mixed = authorize(BOB, [image('000', { lockLevel: 1 }), image('000', { oid: 3 })], []);
  t.equal(mixed.locked, true, 'locked set when any item is locked');
  t.equal(
    mixed.message,
    'The resource IMAGE [2] is locked: its USE lock blocks USE operations. Unlock it first. ' +
      'Not authorized to perform USE IMAGE [3].',
  );
});

t.test('ignoreLock skips the lock check', async (t) => {
  t.ok(authorize(ALICE, [image('600', { lockLevel: 1, ignoreLock: true })], []).allowed, 'owner info on locked image');
  t.notOk(authorize(BOB, [image('600', { lockLevel: 1, ignoreLock: true })], []).allowed, 'still needs a grant');
});

t.test('administrator detection', async (t) => {
  t.ok(isAdministrator(ONEADMIN), 'uid 0');
  t.ok(isAdministrator({ uid: 0, groupIds: [] }), 'uid 0 without groups');
  t.ok(isAdministrator(GROUP_ZERO_MEMBER), 'secondary group 0');
  t.notOk(isAdministrator(ALICE), 'ordinary user');
});

t.test('API lock levels to stored levels', async (t) => {
  t.equal(storedLockLevel(1), 1);
  t.equal(storedLockLevel(2), 2);
  t.equal(storedLockLevel(3), 3);
  t.equal(storedLockLevel(4), 1);
  for (const bad of [0, 5, -1, 1.5]) {
    t.throws(() => storedLockLevel(bad), { name: 'RangeError', message: `Invalid lock level ${bad}: use 1 (use), 2 (manage), 3 (admin) or 4 (all).` });
  }
});

t.test('unknown operation rejected', async (t) => {
  t.throws(() => authorize(ALICE, [image('600', { operation: 'READ' as Operation })], []), {
    name: 'RangeError',
    message: "Unknown operation 'READ': use USE, MANAGE, ADMIN or CREATE.",
  });
});

t.test('unknown values rejected for administrators', async (t) => {
  t.throws(() => authorize(ONEADMIN, [image('600', { operation: 'READ' as Operation })], []), RangeError);
  t.throws(() => authorize(ONEADMIN, [image('600', { type: 'DISK' as AuthItem['type'] })], []), {
    name: 'RangeError',
    message: "Unknown resource type 'DISK': use a name from RESOURCE_TYPES, ACL or HOOK.",
  });
});
