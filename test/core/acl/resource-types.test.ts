import t from 'tap';

import {
  findResourceType,
  INTERNAL_RESOURCE_TYPES,
  RESOURCE_TYPES,
  resourceTypeBit,
  resourceTypeNames,
  RULE_RESOURCE_TYPE_MASK,
} from '../../../core/acl/index.js';

t.test('resource types in OpenNebula order', async (t) => {
  t.same(
    RESOURCE_TYPES.map((type) => type.name),
    [
      'VM', 'HOST', 'NET', 'IMAGE', 'USER', 'TEMPLATE', 'GROUP', 'DATASTORE', 'CLUSTER', 'DOCUMENT',
      'ZONE', 'SECGROUP', 'VDC', 'VROUTER', 'MARKETPLACE', 'MARKETPLACEAPP', 'VMGROUP', 'VNTEMPLATE',
      'BACKUPJOB',
    ],
  );

  for (let index = 1; index < RESOURCE_TYPES.length; index++) {
    t.ok(RESOURCE_TYPES[index].bit > RESOURCE_TYPES[index - 1].bit, `${RESOURCE_TYPES[index].name} bit ascends`);
  }
});

t.test('resource type bits match the wire table', async (t) => {
  const expected: Record<string, bigint> = {
    VM: 0x1000000000n,
    HOST: 0x2000000000n,
    NET: 0x4000000000n,
    IMAGE: 0x8000000000n,
    USER: 0x10000000000n,
    TEMPLATE: 0x20000000000n,
    GROUP: 0x40000000000n,
    DATASTORE: 0x100000000000n,
    CLUSTER: 0x200000000000n,
    DOCUMENT: 0x400000000000n,
    ZONE: 0x800000000000n,
    SECGROUP: 0x1000000000000n,
    VDC: 0x2000000000000n,
    VROUTER: 0x4000000000000n,
    MARKETPLACE: 0x8000000000000n,
    MARKETPLACEAPP: 0x10000000000000n,
    VMGROUP: 0x20000000000000n,
    VNTEMPLATE: 0x40000000000000n,
    BACKUPJOB: 0x100000000000000n,
  };

  for (const type of RESOURCE_TYPES) {
    t.equal(type.bit, expected[type.name], type.name);
  }
  t.equal(resourceTypeBit('ACL'), 0x80000000000n);
  t.equal(resourceTypeBit('HOOK'), 0x80000000000000n);
});

t.test('type mask excludes ACL and HOOK', async (t) => {
  for (const internal of INTERNAL_RESOURCE_TYPES) {
    t.equal(RULE_RESOURCE_TYPE_MASK & internal.bit, 0n, internal.name);
  }
  for (const type of RESOURCE_TYPES) {
    t.equal(RULE_RESOURCE_TYPE_MASK & type.bit, type.bit, type.name);
  }
});

t.test('type lookup ignores case', async (t) => {
  t.equal(findResourceType('image')?.bit, 0x8000000000n);
  t.equal(findResourceType('MarketPlaceApp')?.name, 'MARKETPLACEAPP');
  t.equal(findResourceType('ACL'), undefined);
  t.equal(findResourceType('FOO'), undefined);
  t.throws(() => resourceTypeBit('FOO' as never), RangeError);
});

t.test('type names from a resource part', async (t) => {
  t.same(resourceTypeNames(0x28200000064n), ['IMAGE', 'TEMPLATE']);
  t.same(resourceTypeNames(0x400000000n), []);
});
