import t, { type Test } from 'tap';

import {
  AclRuleError,
  type AclRulePart,
  aclRuleToHex,
  aclRuleToText,
  parseAclRuleHex,
  parseAclRuleText,
  toAclHex,
} from '../../../core/acl/index.js';

/** Rule texts and the one.acl.addrule parameters that the OpenNebula 6.10 CLI sends for them. */
const CLI_EXAMPLES: ReadonlyArray<{ text: string; rendered: string; params: string[] }> = [
  {
    text: '@1 VM+IMAGE/#5 USE+MANAGE',
    rendered: '@1 VM+IMAGE/#5 USE+MANAGE #0',
    params: ['200000001', '9100000005', '3'],
  },
  {
    text: '* NET/%100 USE *',
    rendered: '* NET/%100 USE *',
    params: ['400000000', '4800000064', '1', '400000000'],
  },
  {
    text: '#3 IMAGE+TEMPLATE/@100 USE+MANAGE #0',
    rendered: '#3 IMAGE+TEMPLATE/@100 USE+MANAGE #0',
    params: ['100000003', '28200000064', '3', '100000000'],
  },
];

function expectHexError(t: Test, params: [string, string, string, string?], part: AclRulePart, message: RegExp): void {
  try {
    parseAclRuleHex(...params);
    t.fail(`${params.join(',')}: expected an AclRuleError`);
  } catch (error) {
    t.ok(error instanceof AclRuleError, `${params.join(',')}: AclRuleError`);
    t.equal((error as AclRuleError).part, part, `${params.join(',')}: part`);
    t.match((error as Error).message, message, `${params.join(',')}: message`);
  }
}

t.test('CLI examples from text to hex', async (t) => {
  for (const example of CLI_EXAMPLES) {
    const hex = aclRuleToHex(parseAclRuleText(example.text));
    t.equal(hex.user, example.params[0], `${example.text}: user`);
    t.equal(hex.resource, example.params[1], `${example.text}: resource`);
    t.equal(hex.rights, example.params[2], `${example.text}: rights`);
    t.equal(hex.zone, example.params[3] ?? '100000000', `${example.text}: zone`);
  }
});

t.test('CLI examples from hex to text', async (t) => {
  for (const example of CLI_EXAMPLES) {
    const [user, resource, rights, zone] = example.params;
    const spec = parseAclRuleHex(user, resource, rights, zone);
    t.equal(aclRuleToText(spec), example.rendered, example.text);
    t.same(spec, parseAclRuleText(example.text), `${example.text}: same rule`);
  }
});

t.test('missing zone uses default zone', async (t) => {
  t.equal(parseAclRuleHex('200000001', '9100000005', '3').zone, 0x100000000n);
  t.equal(parseAclRuleHex('200000001', '9100000005', '3', undefined, 4).zone, 0x100000004n);
});

t.test('hex case and prefix accepted', async (t) => {
  t.equal(parseAclRuleHex('200000001', '28200000064', 'F', '0x400000000').rights, 0xfn);
  t.equal(parseAclRuleHex('200000001', '9100000005', '3', '0X400000000').zone, 0x400000000n);
  t.equal(parseAclRuleHex('0200000001', '9100000005', '3').user, 0x200000001n);
  t.equal(parseAclRuleHex('200000001', 'A100000007', '3').resource, 0xa100000007n);
});

t.test('non-hex values rejected', async (t) => {
  expectHexError(t, ['xyz', '9100000005', '3'], 'user', /^Invalid ACL rule user 'xyz': expected a hexadecimal number without 0x, such as '200000001'\.$/);
  expectHexError(t, ['200000001', '', '3'], 'resource', /resource '': expected a hexadecimal number/);
  expectHexError(t, ['200000001', '9100000005', '-1'], 'rights', /rights '-1': expected a hexadecimal/);
  expectHexError(t, ['200000001', '9100000005', '3', '1 0'], 'zone', /zone '1 0': expected a hexadecimal/);
  expectHexError(t, ['200000001', '9100000005', '0x'], 'rights', /rights '0x': expected/);
  expectHexError(t, ['@1', '9100000005', '3'], 'user', /user '@1'/);
});

t.test('values over 64 bits rejected', async (t) => {
  expectHexError(t, ['10000000000000000', '9100000005', '3'], 'user', /user '10000000000000000': the value does not fit in 64 bits\./);
});

t.test('invalid rules rejected', async (t) => {
  expectHexError(t, ['200000001', '9100000005', '0'], 'rights', /rights part 0x0: it grants no right/);
  expectHexError(t, ['200000001', '80400000000', '1'], 'resource', /contains the ACL type/);
  expectHexError(t, ['200000001', '9100000005', '3', '200000000'], 'zone', /the @ selector is not valid/);
});

t.test('hex output lower case', async (t) => {
  t.equal(toAclHex(0xab00000000n), 'ab00000000');
  t.equal(toAclHex(0n), '0');
  t.equal(toAclHex(0xffffffffffffffffn), 'ffffffffffffffff');
  t.throws(() => toAclHex(-1n), RangeError);
  t.throws(() => toAclHex(1n << 64n), RangeError);
});
