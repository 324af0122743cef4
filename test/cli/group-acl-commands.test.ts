import t from 'tap';
import { jsonOutput, startCli } from './harness.js';

interface GroupJson {
  ID: string;
  NAME: string;
  USERS: { ID: string[] } | '';
  TEMPLATE: Record<string, string> | '';
}

interface AclJson {
  ID: string;
  USER: string;
  RESOURCE: string;
  RIGHTS: string;
  ZONE: string;
  STRING: string;
}

t.test('group list, show and create', async (t) => {
  const cli = await startCli(t);

  const created = await cli.run('group', 'create', 'physics');
  const table = await cli.run('group', 'list');
  const json = jsonOutput<GroupJson[]>(await cli.run('group', 'list', '--json'));
  const show = await cli.run('group', 'show', 'physics');
  const own = await cli.run('group', 'show');

  t.equal(created.stdout, 'ID: 100\n');
  t.same(cli.callsTo('one.group.allocate')[0].params, ['physics']);
  t.match(table.stdout, /^ *ID NAME\s+USERS ADMINS\n/);
  t.match(table.stdout, /\n100 physics\s+0\n?/);
  t.same(json.map((group) => group.NAME), ['oneadmin', 'users', 'physics']);
  t.equal(show.code, 0);
  t.match(show.stdout, /^GROUP 100\nID\s+: 100\nNAME\s+: physics\n/);
  t.match(own.stdout, /^GROUP 0\n/);
  t.same(cli.callsTo('one.group.info').at(-1)?.params, [-1, false], 'show without an argument asks for the own group');
});

t.test('group update and delete', async (t) => {
  const cli = await startCli(t);
  await cli.run('group', 'create', 'physics');

  const update = await cli.run('group', 'update', 'physics', '--template', 'DESCRIPTION = "Physics dept"');
  const shown = jsonOutput<GroupJson>(await cli.run('group', 'show', 'physics', '--json'));
  const deleted = await cli.run('group', 'delete', 'physics');
  const names = jsonOutput<GroupJson[]>(await cli.run('group', 'list', '--json')).map((group) => group.NAME);

  t.equal(update.code, 0);
  t.same(shown.TEMPLATE, { DESCRIPTION: 'Physics dept' });
  t.equal(deleted.code, 0);
  t.same(cli.callsTo('one.group.delete')[0].params, [100]);
  t.same(names, ['oneadmin', 'users']);
});

t.test('acl create sends the rule as hex', async (t) => {
  const cli = await startCli(t);

  const quoted = await cli.run('acl', 'create', '@1 VM+IMAGE/#5 USE+MANAGE');
  const words = await cli.run('acl', 'create', '*', 'NET/%100', 'USE', '*');
  const rules = jsonOutput<AclJson[]>(await cli.run('acl', 'list', '--json'));

  t.equal(quoted.code, 0);
  t.equal(quoted.stdout, 'ID: 6\n', 'ids follow the bootstrap rules 0 to 5');
  t.same(cli.callsTo('one.acl.addrule')[0].params, ['200000001', '9100000005', '3']);
  t.equal(words.code, 0);
  t.same(cli.callsTo('one.acl.addrule')[1].params, ['400000000', '4800000064', '1', '400000000']);
  t.same(rules[6], { ID: '6', USER: '200000001', RESOURCE: '9100000005', RIGHTS: '3', ZONE: '100000000', STRING: '@1 VM+IMAGE/#5 USE+MANAGE #0' });
  t.equal(rules[7].STRING, '* NET/%100 USE *');
});

t.test('acl list prints the rule parts', async (t) => {
  const cli = await startCli(t);
  await cli.run('acl', 'create', '@1 VM+IMAGE/#5 USE+MANAGE');

  const table = await cli.run('acl', 'list');

  t.equal(table.code, 0);
  t.match(table.stdout, /^ID USER RESOURCES\s+RIGHTS\s+ZONE\n/);
  t.match(table.stdout, /\n 6 @1\s+VM\+IMAGE\/#5\s+USE\+MANAGE #0\n/);
});

t.test('acl create rejects a malformed rule', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('acl', 'create', '@1 VM+BOGUS/* USE');

  t.equal(run.code, 2);
  t.match(run.stderr, /^stratus: Invalid ACL rule resource 'VM\+BOGUS\/\*': unknown type 'BOGUS'/);
  t.same(cli.callsTo('one.acl.addrule'), [], 'nothing is sent');
});

t.test('acl delete removes the rule', async (t) => {
  const cli = await startCli(t);
  await cli.run('acl', 'create', '@1 VM/* USE');

  const deleted = await cli.run('acl', 'delete', '6');
  const named = await cli.run('acl', 'delete', 'first');
  const ids = jsonOutput<AclJson[]>(await cli.run('acl', 'list', '--json')).map((rule) => rule.ID);

  t.equal(deleted.code, 0);
  t.same(cli.callsTo('one.acl.delrule')[0].params, [6]);
  t.same(ids, ['0', '1', '2', '3', '4', '5']);
  t.equal(named.code, 2);
  t.match(named.stderr, /rules have no names/);
});
