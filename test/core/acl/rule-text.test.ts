import t, { type Test } from 'tap';

import {
  AclRuleError,
  type AclRulePart,
  aclRuleToText,
  parseAclRuleText,
} from '../../../core/acl/index.js';

function expectTextError(t: Test, text: string, part: AclRulePart, message: RegExp): void {
  try {
    parseAclRuleText(text);
    t.fail(`'${text}': expected an AclRuleError`);
  } catch (error) {
    t.ok(error instanceof AclRuleError, `'${text}': AclRuleError`);
    t.equal((error as AclRuleError).part, part, `'${text}': part`);
    t.match((error as Error).message, message, `'${text}': message`);
  }
}

t.test('parse rule with zone', async (t) => {
  t.same(parseAclRuleText('@1 VM+IMAGE/#5 USE+MANAGE #0'), {
    user: 0x200000001n,
    resource: 0x9100000005n,
    rights: 0x3n,
    zone: 0x100000000n,
  });
  t.same(parseAclRuleText('* NET/%100 USE *'), {
    user: 0x400000000n,
    resource: 0x4800000064n,
    rights: 0x1n,
    zone: 0x400000000n,
  });
});

t.test('zone defaults to given zone', async (t) => {
  t.equal(parseAclRuleText('@1 VM/* USE').zone, 0x100000000n);
  t.equal(parseAclRuleText('@1 VM/* USE', 3).zone, 0x100000003n);
  t.throws(() => parseAclRuleText('@1 VM/* USE', -1), RangeError);
});

t.test('names ignore case and order', async (t) => {
  const spec = parseAclRuleText('#3 template+Image/@100 manage+use #0');
  t.equal(spec.resource, 0x28200000064n);
  t.equal(spec.rights, 0x3n);
  t.equal(aclRuleToText(spec), '#3 IMAGE+TEMPLATE/@100 USE+MANAGE #0');
});

t.test('extra whitespace accepted', async (t) => {
  t.equal(aclRuleToText(parseAclRuleText('  @1\tVM/*   CREATE  \n')), '@1 VM/* CREATE #0');
});

t.test('render every right and type', async (t) => {
  const text =
    '#7 VM+HOST+NET+IMAGE+USER+TEMPLATE+GROUP+DATASTORE+CLUSTER+DOCUMENT+ZONE+SECGROUP+VDC+VROUTER+' +
    'MARKETPLACE+MARKETPLACEAPP+VMGROUP+VNTEMPLATE+BACKUPJOB/* USE+MANAGE+ADMIN+CREATE #2';
  t.equal(aclRuleToText(parseAclRuleText(text)), text);
  t.equal(aclRuleToText(parseAclRuleText('* VM/%0 ADMIN *')), '* VM/%0 ADMIN *');
});

t.test('rendering rejects invalid rule', async (t) => {
  t.throws(
    () => aclRuleToText({ user: 0x200000001n, resource: 0x1400000000n, rights: 0n, zone: 0x400000000n }),
    AclRuleError,
  );
});

t.test('field count errors', async (t) => {
  expectTextError(t, '', 'rule', /^Invalid ACL rule '': expected 3 or 4 fields separated by spaces \(USER RESOURCES RIGHTS \[ZONE\]\), got 0\. Example: '@1 VM\+IMAGE\/#5 USE\+MANAGE #0'\.$/);
  expectTextError(t, '@1 VM/*', 'rule', /got 2\./);
  expectTextError(t, '@1 VM/* USE #0 extra', 'rule', /got 5\./);
});

t.test('user field errors', async (t) => {
  expectTextError(t, '1 VM/* USE', 'user', /^Invalid ACL rule user '1': expected #<uid>, @<gid> or \*\.$/);
  expectTextError(t, '#x VM/* USE', 'user', /user '#x': expected/);
  expectTextError(t, '#-1 VM/* USE', 'user', /user '#-1': expected/);
  expectTextError(t, '%1 VM/* USE', 'user', /user '%1': the % selector is not valid here\. Use #<uid>, @<gid> or \*\./);
  expectTextError(t, '#2147483648 VM/* USE', 'user', /id 2147483648 is out of range\. Use an id from 0 to 2147483647\./);
  expectTextError(t, '#99999999999999999999 VM/* USE', 'user', /out of range/);
});

t.test('resource field errors', async (t) => {
  expectTextError(t, '@1 VM USE', 'resource', /^Invalid ACL rule resource 'VM': expected TYPE\[\+TYPE\.\.\.\]\/ID, such as VM\+IMAGE\/#5\.$/);
  expectTextError(t, '@1 VM/#1/#2 USE', 'resource', /expected TYPE/);
  expectTextError(t, '@1 VM+FOO/* USE', 'resource', /resource 'VM\+FOO\/\*': unknown type 'FOO'\. Valid types: VM, HOST, NET,.* BACKUPJOB\./);
  expectTextError(t, '@1 VM++IMAGE/* USE', 'resource', /an empty type\. Valid types/);
  expectTextError(t, '@1 /* USE', 'resource', /an empty type/);
  expectTextError(t, '@1 ACL/* USE', 'resource', /rules cannot name the ACL type\./);
  expectTextError(t, '@1 hook/* USE', 'resource', /rules cannot name the HOOK type\./);
  expectTextError(t, '@1 VM/5 USE', 'resource', /resource '5': expected #<oid>, @<gid>, %<cluster_id> or \*\./);
  expectTextError(t, '@1 VM/ USE', 'resource', /resource '': expected/);
});

t.test('rights field errors', async (t) => {
  expectTextError(t, '@1 VM/* READ', 'rights', /^Invalid ACL rule rights 'READ': unknown right 'READ'\. Use USE, MANAGE, ADMIN or CREATE, joined with \+\.$/);
  expectTextError(t, '@1 VM/* USE+', 'rights', /an empty right/);
  expectTextError(t, '@1 VM/* USE,MANAGE', 'rights', /unknown right 'USE,MANAGE'/);
});

t.test('zone field errors', async (t) => {
  expectTextError(t, '@1 VM/* USE @0', 'zone', /zone '@0': the @ selector is not valid here\. Use #<zone_id> or \*\./);
  expectTextError(t, '@1 VM/* USE %0', 'zone', /the % selector is not valid here/);
  expectTextError(t, '@1 VM/* USE 0', 'zone', /zone '0': expected #<zone_id> or \*\./);
});
