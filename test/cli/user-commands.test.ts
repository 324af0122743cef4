import t from 'tap';
import { jsonOutput, startCli } from './harness.js';

interface UserJson {
  ID: string;
  NAME: string;
  GID: string;
  GROUPS: { ID: string[] };
  AUTH_DRIVER: string;
  ENABLED: string;
  PASSWORD: string;
  TEMPLATE: Record<string, string>;
}

t.test('user list prints a table and JSON', async (t) => {
  const cli = await startCli(t);

  const table = await cli.run('user', 'list');
  const json = await cli.run('user', 'list', '--json');

  t.equal(table.code, 0);
  t.match(table.stdout, /^ID NAME\s+GROUP\s+GROUPS AUTH\s+ENABLED\n/);
  t.match(table.stdout, /\n 0 oneadmin\s+oneadmin 0\s+core\s+yes\n/);
  t.equal(json.code, 0);
  const users = jsonOutput<UserJson[]>(json);
  t.same(users.map((user) => user.NAME), ['oneadmin', 'serveradmin']);
  t.same(users[0].GROUPS, { ID: ['0'] }, 'id lists are arrays');
  t.same(cli.callsTo('one.userpool.info')[0].params, []);
});

t.test('user create sends driver and groups', async (t) => {
  const cli = await startCli(t);
  await cli.run('group', 'create', 'physics');

  const created = await cli.run('user', 'create', 'alice', 's3cret', '--group', 'physics', 'users');
  const plain = await cli.run('user', 'create', 'bob', 'pw');

  t.equal(created.code, 0);
  t.equal(created.stdout, 'ID: 2\n');
  t.same(cli.callsTo('one.user.allocate')[0].params, ['alice', 's3cret', 'core', [100, 1]]);
  t.same(cli.callsTo('one.user.allocate')[1].params, ['bob', 'pw', 'core', []]);
  t.equal(plain.stdout, 'ID: 3\n');
  const alice = jsonOutput<UserJson>(await cli.run('user', 'show', 'alice', '--json'));
  t.equal(alice.GID, '100');
  t.same([...alice.GROUPS.ID].sort(), ['1', '100'], 'member of both groups');
});

t.test('user create --json prints the id', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('--json', 'user', 'create', 'carol', 'pw', '--driver', 'public');

  t.same(jsonOutput(run), { id: 2 });
  t.equal(cli.callsTo('one.user.allocate')[0].params[2], 'public');
});

t.test('user show defaults to the caller and hides the password', async (t) => {
  const cli = await startCli(t);

  const self = await cli.run('user', 'show');
  const json = await cli.run('user', 'show', '0', '--json');
  const xml = await cli.run('user', 'show', 'oneadmin', '--xml');

  t.equal(self.code, 0);
  t.same(cli.callsTo('one.user.info')[0].params, [-1, false]);
  t.match(self.stdout, /^USER 0\n/);
  t.match(self.stdout, /\nNAME\s+: oneadmin\n/);
  t.match(self.stdout, /\nPASSWORD\s+: \*{8}\n/);
  t.equal(jsonOutput<UserJson>(json).PASSWORD, '********');
  t.match(xml.stdout, /^<USER><ID>0<\/ID>.*<PASSWORD>\*{8}<\/PASSWORD>/);
  const secret = cli.daemon.adminSession.split(':')[1];
  for (const run of [self, json, xml]) t.notMatch(run.stdout, secret, 'the session password is not printed');
});

t.test('user passwd, chauth, enable and disable', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'old');

  const passwd = await cli.run('user', 'passwd', 'alice', 'new');
  const disable = await cli.run('user', 'disable', 'alice');
  const disabled = jsonOutput<UserJson>(await cli.run('user', 'show', 'alice', '--json'));
  const enable = await cli.run('user', 'enable', '2');
  const chauth = await cli.run('user', 'chauth', 'alice', 'public', 'token');

  t.equal(passwd.code, 0);
  t.equal(passwd.stdout, '');
  t.same(cli.callsTo('one.user.passwd')[0].params, [2, 'new']);
  t.equal(disable.code, 0);
  t.equal(disabled.ENABLED, '0');
  t.equal(enable.code, 0);
  t.same(cli.callsTo('one.user.enable').map((call) => call.params), [[2, false], [2, true]]);
  t.equal(chauth.code, 0);
  t.same(cli.callsTo('one.user.chauth')[0].params, [2, 'public', 'token']);
  t.equal(jsonOutput<UserJson>(await cli.run('user', 'show', 'alice', '--json')).AUTH_DRIVER, 'public');
});

t.test('user passwd lets the user log in with the new password', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'old');
  await cli.run('user', 'passwd', 'alice', 'new');

  const withNew = await cli.runAs('alice:new', 'user', 'show');
  const withOld = await cli.runAs('alice:old', 'user', 'show');

  t.equal(withNew.code, 0);
  t.equal(withOld.code, 1);
  t.match(withOld.stderr, /^stratus: \[one\.user\.info\] User couldn't be authenticated/);
});

t.test('user chgrp, addgroup and delgroup', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');
  await cli.run('group', 'create', 'physics');
  await cli.run('group', 'create', 'chemistry');

  const chgrp = await cli.run('user', 'chgrp', 'alice', 'physics');
  const addgroup = await cli.run('user', 'addgroup', 'alice', 'chemistry');
  const afterAdd = jsonOutput<UserJson>(await cli.run('user', 'show', 'alice', '--json'));
  const delgroup = await cli.run('user', 'delgroup', 'alice', '101');
  const afterDel = jsonOutput<UserJson>(await cli.run('user', 'show', 'alice', '--json'));

  t.equal(chgrp.code, 0);
  t.same(cli.callsTo('one.user.chgrp')[0].params, [2, 100]);
  t.equal(addgroup.code, 0);
  t.same(cli.callsTo('one.user.addgroup')[0].params, [2, 101]);
  t.equal(afterAdd.GID, '100');
  t.ok(afterAdd.GROUPS.ID.includes('101'), 'added to chemistry');
  t.equal(delgroup.code, 0);
  t.notOk(afterDel.GROUPS.ID.includes('101'), 'removed from chemistry');
});

t.test('user update replaces or appends', async (t) => {
  const cli = await startCli(t);
  const file = cli.writeFile('user.tpl', 'EMAIL = "alice@example.org"\n');
  await cli.run('user', 'create', 'alice', 'pw');

  const replace = await cli.run('user', 'update', 'alice', file);
  const append = await cli.run('user', 'update', 'alice', '--template', 'PHONE = "123"', '--append');
  const both = jsonOutput<UserJson>(await cli.run('user', 'show', 'alice', '--json'));
  await cli.run('user', 'update', 'alice', '--template', 'ROOM = "7"');
  const replaced = jsonOutput<UserJson>(await cli.run('user', 'show', 'alice', '--json'));

  t.equal(replace.code, 0);
  t.equal(append.code, 0);
  t.same(cli.callsTo('one.user.update').map((call) => call.params), [
    [2, 'EMAIL = "alice@example.org"\n', 0],
    [2, 'PHONE = "123"', 1],
    [2, 'ROOM = "7"', 0],
  ]);
  t.same(both.TEMPLATE, { EMAIL: 'alice@example.org', PHONE: '123' });
  t.same(replaced.TEMPLATE, { ROOM: '7' });
});

t.test('user login prints a token that works', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');

  const login = await cli.run('user', 'login', 'alice', '--time', '600');
  const token = login.stdout.trim();
  const withToken = await cli.runAs(`alice:${token}`, 'user', 'show');
  const json = await cli.run('--json', 'user', 'login', '2');

  t.equal(login.code, 0);
  t.match(token, /^[0-9a-f]{16,}$/);
  t.same(cli.callsTo('one.user.login')[0].params, ['alice', '', 600, -1]);
  t.equal(withToken.code, 0);
  t.match(withToken.stdout, /\nNAME\s+: alice\n/);
  t.equal(json.code, 0);
  t.type(jsonOutput<{ token: string }>(json).token, 'string');
  t.same(cli.callsTo('one.user.login')[1].params, ['alice', '', 36000, -1], 'an id is turned into the name');
});

t.test('user delete removes the user', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');

  const deleted = await cli.run('user', 'delete', 'alice');
  const list = jsonOutput<UserJson[]>(await cli.run('user', 'list', '--json'));

  t.equal(deleted.code, 0);
  t.same(cli.callsTo('one.user.delete')[0].params, [2]);
  t.same(list.map((user) => user.NAME), ['oneadmin', 'serveradmin']);
});
