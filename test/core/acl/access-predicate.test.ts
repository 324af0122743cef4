import t from 'tap';

import {
  accessPredicate,
  type AclRuleSpec,
  type AuthItem,
  type AuthObject,
  authorize,
  canUsePredicate,
  type Operation,
  parseAclRuleText,
  Permissions,
  type Requester,
} from '../../../core/acl/index.js';

/** Deterministic 32-bit PRNG (mulberry32), so a failing case can be reproduced. */
function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const random = createRandom(20240611);

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

function integer(max: number): number {
  return Math.floor(random() * (max + 1));
}

function randomRequester(): Requester {
  const groupIds = [1, 2, 3, 4].filter(() => random() < 0.4);
  if (random() < 0.05) {
    groupIds.push(0);
  }
  return { uid: random() < 0.03 ? 0 : 1 + integer(5), groupIds };
}

function randomRuleText(): string {
  const user = pick([`#${1 + integer(5)}`, `@${1 + integer(4)}`, '*']);
  const types = ['VM', 'IMAGE', 'NET'].filter(() => random() < 0.5);
  const resourceId = random() < 0.03 ? '*' : pick([`#${integer(20)}`, `@${integer(4)}`, `%${integer(3)}`]);
  const rights = ['USE', 'MANAGE', 'ADMIN', 'CREATE'].filter(() => random() < 0.4);
  const zone = pick(['#0', '#1', '*']);
  return `${user} ${types.length > 0 ? types.join('+') : 'VM'}/${resourceId} ${rights.length > 0 ? rights.join('+') : 'USE'} ${zone}`;
}

function randomObject(): AuthObject {
  return {
    oid: integer(20),
    ownerUid: 1 + integer(5),
    ownerGid: 1 + integer(3),
    clusterIds: [0, 1, 2, 3].filter(() => random() < 0.3),
    permissions: Permissions.fromBits(integer(0o777)),
    lockLevel: integer(3),
  };
}

t.test('predicate agrees with authorize', async (t) => {
  const operations: Operation[] = ['USE', 'MANAGE', 'ADMIN', 'CREATE'];
  const types = ['VM', 'IMAGE', 'NET'] as const;
  let mismatches = 0;
  let allowedCount = 0;
  let checks = 0;
  const firstMismatches: string[] = [];

  for (let round = 0; round < 300; round++) {
    const requester = randomRequester();
    const rules: AclRuleSpec[] = Array.from({ length: integer(6) }, () => parseAclRuleText(randomRuleText()));
    const type = pick(types);
    const operation = pick(operations);
    const zoneId = integer(1);
    const predicate = accessPredicate(requester, type, operation, rules, zoneId);

    for (let index = 0; index < 40; index++) {
      const object = randomObject();
      const item: AuthItem = operation === 'CREATE'
        ? { type, operation, oid: object.oid, ownerUid: requester.uid, ownerGid: object.ownerGid, clusterIds: object.clusterIds }
        : { ...object, type, operation, ignoreLock: true };

      const expected = authorize(requester, [item], rules, zoneId).allowed;
      checks++;
      if (expected) allowedCount++;
      if (predicate(item) !== expected) {
        mismatches++;
        if (firstMismatches.length < 3) {
          firstMismatches.push(JSON.stringify({ requester, rules, type, operation, zoneId, object }, (key, value) => (typeof value === 'bigint' ? value.toString(16) : value)));
        }
      }
    }
  }

  t.equal(mismatches, 0, `mismatches in ${checks} checks: ${firstMismatches.join('\n')}`);
  t.ok(allowedCount > checks / 10, `enough allowed cases (${allowedCount})`);
  t.ok(allowedCount < checks * 0.9, `enough denied cases (${checks - allowedCount})`);
});

t.test('predicate ignores locks', async (t) => {
  const requester: Requester = { uid: 5, groupIds: [1] };
  const canUse = canUsePredicate(requester, 'IMAGE', []);
  const locked: AuthObject = { oid: 1, ownerUid: 5, ownerGid: 1, permissions: Permissions.fromOctal('600'), lockLevel: 1 };
  t.ok(canUse(locked));
});

t.test('predicate covers each grant', async (t) => {
  const requester: Requester = { uid: 5, groupIds: [1, 7] };
  const rules = ['* IMAGE/#10 USE', '@7 IMAGE/@20 USE', '#5 IMAGE/%30 USE', '* IMAGE/* MANAGE', '* VM/* USE', '* IMAGE/* USE #1'].map((text) =>
    parseAclRuleText(text),
  );
  const canUse = canUsePredicate(requester, 'IMAGE', rules);
  const none = Permissions.fromOctal('000');
  const base: AuthObject = { oid: 1, ownerUid: 9, ownerGid: 9, permissions: none };

  t.notOk(canUse(base), 'no grant');
  t.ok(canUse({ ...base, oid: 10 }), '#oid rule');
  t.ok(canUse({ ...base, ownerGid: 20 }), '@gid rule');
  t.ok(canUse({ ...base, clusterIds: [0, 30] }), '%cid rule');
  t.ok(canUse({ ...base, ownerUid: 5, permissions: Permissions.fromOctal('400') }), 'owner bit');
  t.ok(canUse({ ...base, ownerGid: 7, permissions: Permissions.fromOctal('040') }), 'group bit');
  t.ok(canUse({ ...base, permissions: Permissions.fromOctal('004') }), 'other bit');
  t.notOk(canUse({ ...base, permissions: Permissions.fromOctal('622') }), 'MANAGE bits only');

  t.ok(canUsePredicate(requester, 'IMAGE', rules, 1)(base), '* rule in zone 1');
  t.ok(canUsePredicate({ uid: 3, groupIds: [0] }, 'IMAGE', [])(base), 'administrator');
});

t.test('filter 10,000 objects against 1,000 rules', async (t) => {
  const requester: Requester = { uid: 5, groupIds: [1, 7] };
  const rules: AclRuleSpec[] = [];
  for (let index = 0; index < 1000; index++) {
    rules.push(parseAclRuleText(`@${index % 50} VM+IMAGE/#${index * 7} USE+MANAGE #0`));
  }
  const objects: AuthObject[] = [];
  for (let index = 0; index < 10_000; index++) {
    objects.push({
      oid: index,
      ownerUid: index % 40,
      ownerGid: index % 30,
      clusterIds: [index % 3],
      permissions: Permissions.fromBits(index % 512),
    });
  }

  const visible = objects.filter(canUsePredicate(requester, 'VM', rules));

  t.ok(visible.length > 0 && visible.length < objects.length, `${visible.length} of 10,000 visible`);
});
