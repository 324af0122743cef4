import t, { type Test } from 'tap';

import {
  AclRuleError,
  type AclRulePart,
  type AclRuleSpec,
  aclRuleToText,
  BOOTSTRAP_ACL_RULES,
  makeAclPart,
  validateAclRule,
} from '../../../core/acl/index.js';

const VM = 0x1000000000n;
const IMAGE = 0x8000000000n;
const INDIVIDUAL = 0x100000000n;
const GROUP = 0x200000000n;
const ALL = 0x400000000n;
const CLUSTER = 0x800000000n;

/** `@1 VM+IMAGE/#5 USE+MANAGE #0`, valid. */
const VALID: AclRuleSpec = {
  user: GROUP | 1n,
  resource: VM | IMAGE | INDIVIDUAL | 5n,
  rights: 0x3n,
  zone: INDIVIDUAL,
};

function expectRuleError(
  t: Test,
  name: string,
  change: Partial<AclRuleSpec>,
  part: AclRulePart,
  message: RegExp,
): void {
  const spec = { ...VALID, ...change };
  try {
    validateAclRule(spec);
    t.fail(`${name}: expected an AclRuleError`);
  } catch (error) {
    t.ok(error instanceof AclRuleError, `${name}: AclRuleError`);
    t.equal((error as AclRuleError).part, part, `${name}: part`);
    t.match((error as Error).message, message, `${name}: message`);
  }
}

t.test('valid rule passes', async (t) => {
  t.doesNotThrow(() => validateAclRule(VALID));
  t.doesNotThrow(() => validateAclRule({ ...VALID, user: ALL, zone: ALL }));
  t.doesNotThrow(() => validateAclRule({ ...VALID, resource: IMAGE | CLUSTER | 100n }));
  t.doesNotThrow(() => validateAclRule({ ...VALID, user: INDIVIDUAL | 0x7fffffffn }));
});

t.test('user part errors', async (t) => {
  expectRuleError(t, 'no selector', { user: 1n }, 'user', /^Invalid ACL rule user part 0x1: it has no selector\. Use exactly one of #<uid>, @<gid> or \*\.$/);
  expectRuleError(t, 'two selectors', { user: INDIVIDUAL | GROUP | 1n }, 'user', /several selectors \(# @\).*Use exactly one of/);
  expectRuleError(t, 'all and individual', { user: INDIVIDUAL | ALL }, 'user', /several selectors \(# \*\)/);
  expectRuleError(t, 'cluster selector', { user: CLUSTER | 1n }, 'user', /the % selector is not valid in this part\. Use exactly one of #<uid>, @<gid> or \*/);
  expectRuleError(t, 'type bits', { user: VM | GROUP | 1n }, 'user', /user part 0x1200000001: it contains unknown bits 0x1000000000\. Clear them\./);
  expectRuleError(t, 'id over 31 bits', { user: INDIVIDUAL | 0x80000000n }, 'user', /its id 2147483648 is out of range\. Use an id from 0 to 2147483647\./);
  expectRuleError(t, 'all with id', { user: ALL | 3n }, 'user', /the \* selector has id 3\. Set the id to 0 when using \*\./);
  expectRuleError(t, 'negative', { user: -1n }, 'user', /user part -1: it is not an unsigned 64-bit value/);
  expectRuleError(t, 'over 64 bits', { user: 1n << 64n }, 'user', /it is not an unsigned 64-bit value/);
});

t.test('resource part errors', async (t) => {
  expectRuleError(t, 'ACL type', { resource: 0x80000000000n | ALL }, 'resource', /it contains the ACL type, which rules cannot name\. Remove it\./);
  expectRuleError(t, 'HOOK type', { resource: 0x80000000000000n | VM | ALL }, 'resource', /it contains the HOOK type/);
  expectRuleError(t, 'no type', { resource: ALL }, 'resource', /resource part 0x400000000: it names no resource type\. Add at least one type/);
  expectRuleError(t, 'no selector', { resource: VM | 5n }, 'resource', /it has no selector\. Use exactly one of #<oid>, @<gid>, %<cluster_id> or \*\./);
  expectRuleError(t, 'two selectors', { resource: VM | GROUP | CLUSTER | 5n }, 'resource', /several selectors \(@ %\)/);
  expectRuleError(t, 'unknown type bit', { resource: VM | ALL | 0x200000000000000n }, 'resource', /unknown bits 0x200000000000000/);
  expectRuleError(t, 'high unknown bit', { resource: VM | ALL | (1n << 63n) }, 'resource', /unknown bits 0x8000000000000000/);
  expectRuleError(t, 'id over 31 bits', { resource: VM | INDIVIDUAL | 0xffffffffn }, 'resource', /its id 4294967295 is out of range/);
  expectRuleError(t, 'all with id', { resource: VM | ALL | 7n }, 'resource', /the \* selector has id 7/);
});

t.test('rights errors', async (t) => {
  expectRuleError(t, 'zero', { rights: 0n }, 'rights', /^Invalid ACL rule rights part 0x0: it grants no right\. Use one or more of USE \(0x1\), MANAGE \(0x2\), ADMIN \(0x4\) and CREATE \(0x8\)\.$/);
  expectRuleError(t, 'unknown bit', { rights: 0x13n }, 'rights', /rights part 0x13: it contains unknown bits 0x10\. Use one or more of USE/);
  expectRuleError(t, 'negative', { rights: -2n }, 'rights', /not an unsigned 64-bit value/);
});

t.test('zone part errors', async (t) => {
  expectRuleError(t, 'group selector', { zone: GROUP }, 'zone', /the @ selector is not valid in this part\. Use exactly one of #<zone_id> or \*\./);
  expectRuleError(t, 'cluster selector', { zone: CLUSTER }, 'zone', /the % selector is not valid/);
  expectRuleError(t, 'no selector', { zone: 0n }, 'zone', /zone part 0x0: it has no selector/);
  expectRuleError(t, 'both selectors', { zone: INDIVIDUAL | ALL }, 'zone', /several selectors \(# \*\)/);
  expectRuleError(t, 'all with id', { zone: ALL | 1n }, 'zone', /the \* selector has id 1/);
  expectRuleError(t, 'type bits', { zone: INDIVIDUAL | VM }, 'zone', /unknown bits 0x1000000000/);
});

t.test('first invalid part reported', async (t) => {
  expectRuleError(t, 'user before rights', { user: 0n, rights: 0n }, 'user', /user part/);
});

t.test('part builder checks ids', async (t) => {
  t.equal(makeAclPart('@', 1), GROUP | 1n);
  t.equal(makeAclPart('*'), ALL);
  t.throws(() => makeAclPart('#', -1), RangeError);
  t.throws(() => makeAclPart('#', 1.5), RangeError);
  t.throws(() => makeAclPart('#', 0x80000000), RangeError);
});

t.test('bootstrap rules render exactly', async (t) => {
  t.same(
    BOOTSTRAP_ACL_RULES.map((rule) => rule.id),
    [0, 1, 2, 3, 4, 5],
  );
  t.equal(aclRuleToText(BOOTSTRAP_ACL_RULES[0]), '@1 VM+IMAGE+TEMPLATE+DOCUMENT+SECGROUP+VMGROUP+BACKUPJOB/* CREATE *');
  t.equal(aclRuleToText(BOOTSTRAP_ACL_RULES[1]), '* ZONE/* USE *');
  t.equal(aclRuleToText(BOOTSTRAP_ACL_RULES[2]), '* MARKETPLACE+MARKETPLACEAPP/* USE *');
  t.equal(aclRuleToText(BOOTSTRAP_ACL_RULES[3]), '@1 HOST/* MANAGE #0');
  t.equal(aclRuleToText(BOOTSTRAP_ACL_RULES[4]), '@1 NET/* USE #0');
  t.equal(aclRuleToText(BOOTSTRAP_ACL_RULES[5]), '@1 DATASTORE/* USE #0');
  for (const rule of BOOTSTRAP_ACL_RULES) {
    t.doesNotThrow(() => validateAclRule(rule), `rule ${rule.id} is valid`);
  }
});
