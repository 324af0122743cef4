import t from 'tap';
import { allowImageFolder, waitForReady, writeImageFile } from '../helpers/images.js';
import { jsonOutput, startCli } from './harness.js';

interface VmJson {
  ID: string;
  UID: string;
  GID: string;
  UNAME: string;
  GNAME: string;
  NAME: string;
  STATE: string;
  LCM_STATE: string;
  PERMISSIONS: Record<string, string>;
  TEMPLATE: { CPU: string; MEMORY: string; DISK?: Array<Record<string, string>> };
  USER_TEMPLATE: Record<string, string> | '';
}

const WEB = 'NAME = "web"\nCPU = "1"\nMEMORY = "512"\n';

t.test('vm create from a file, held or pending', async (t) => {
  const cli = await startCli(t);
  const file = cli.writeFile('web.tpl', WEB);

  const pending = await cli.run('vm', 'create', file);
  const held = await cli.run('vm', 'create', '--template', 'CPU = "2"\nMEMORY = "1024"', '--hold');
  const vms = jsonOutput<VmJson[]>(await cli.run('vm', 'list', '--json'));

  t.equal(pending.stdout, 'ID: 0\n');
  t.equal(held.stdout, 'ID: 1\n');
  t.same(cli.callsTo('one.vm.allocate').map((call) => call.params), [
    [WEB, false],
    ['CPU = "2"\nMEMORY = "1024"', true],
  ]);
  t.same(vms.map((vm) => [vm.NAME, vm.STATE]), [
    ['web', '1'],
    ['one-1', '2'],
  ]);
});

t.test('vm list prints OpenNebula columns', async (t) => {
  const cli = await startCli(t);
  await cli.run('vm', 'create', '--template', WEB);
  await cli.run('vm', 'create', '--template', 'NAME = "batch"\nCPU = "0.5"\nMEMORY = "2048"', '--hold');

  const table = await cli.run('vm', 'list');

  t.equal(table.code, 0);
  t.same(cli.callsTo('one.vmpool.info')[0].params, [-2, -1, -1, -1]);
  const lines = table.stdout.trimEnd().split('\n');
  t.match(lines[0], /^ *ID USER\s+GROUP\s+NAME\s+STAT CPU\s+MEM HOST +TIME$/);
  t.match(lines[1], /^ *0 oneadmin oneadmin web +pend +1 +512M +0d 00h0\d$/);
  t.match(lines[2], /^ *1 oneadmin oneadmin batch hold +0\.5 +2G +0d 00h0\d$/);
});

t.test('vm list --mine shows only own VMs', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');
  await cli.run('vm', 'create', '--template', WEB);
  await cli.runAs('alice:pw', 'vm', 'create', '--template', 'NAME = "alices"\nCPU = "1"\nMEMORY = "64"');

  const all = jsonOutput<VmJson[]>(await cli.run('vm', 'list', '--json'));
  const mine = jsonOutput<VmJson[]>(await cli.run('vm', 'list', '--mine', '--json'));

  t.same(all.map((vm) => vm.NAME), ['web', 'alices']);
  t.same(mine.map((vm) => vm.NAME), ['web']);
  t.same(cli.callsTo('one.vmpool.info').at(-1)?.params, [-3, -1, -1, -1]);
});

t.test('vm show prints states by name', async (t) => {
  const cli = await startCli(t);
  await cli.run('vm', 'create', '--template', WEB, '--hold');

  const show = await cli.run('vm', 'show', 'web');
  const json = jsonOutput<VmJson>(await cli.run('vm', 'show', '0', '--json'));
  const xml = await cli.run('vm', 'show', '0', '--xml');

  t.equal(show.code, 0);
  t.match(show.stdout, /^VIRTUAL MACHINE 0\n/);
  t.match(show.stdout, /\nSTATE +: HOLD\n/);
  t.match(show.stdout, /\nLCM_STATE +: LCM_INIT\n/);
  t.match(show.stdout, /\nPERMISSIONS\nOWNER : um-\n/);
  t.match(show.stdout, /\nTEMPLATE\nCPU="1"\nMEMORY="512"\n/);
  t.same(cli.callsTo('one.vm.info')[0].params, [0, false]);
  t.equal(json.STATE, '2', 'JSON keeps the numbers as text');
  t.equal(json.TEMPLATE.MEMORY, '512');
  t.match(xml.stdout, /^<VM><ID>0<\/ID>.*<\/VM>\n$/);
});

t.test('vm show lists disks as an array', async (t) => {
  const cli = await startCli(t);
  const imageFile = writeImageFile(allowImageFolder(t), 'base.img');
  await cli.run('image', 'create', '--datastore', '1', '--name', 'base', '--path', imageFile);
  await waitForReady(cli.daemon.admin, 0);
  await cli.run('vm', 'create', '--template', `${WEB}DISK = [ IMAGE = "base" ]\n`);

  const json = jsonOutput<VmJson>(await cli.run('vm', 'show', 'web', '--json'));

  t.ok(Array.isArray(json.TEMPLATE.DISK), 'one DISK is still a list');
  t.equal(json.TEMPLATE.DISK?.[0].IMAGE, 'base');
});

t.test('vm chmod converts octal to nine values', async (t) => {
  const cli = await startCli(t);
  await cli.run('vm', 'create', '--template', WEB);

  const chmod = await cli.run('vm', 'chmod', 'web', '640');
  const permissions = jsonOutput<VmJson>(await cli.run('vm', 'show', 'web', '--json')).PERMISSIONS;
  const invalid = await cli.run('vm', 'chmod', 'web', '648');

  t.equal(chmod.code, 0);
  t.same(cli.callsTo('one.vm.chmod')[0].params, [0, 1, 1, 0, 1, 0, 0, 0, 0, 0]);
  t.same(permissions, {
    OWNER_U: '1',
    OWNER_M: '1',
    OWNER_A: '0',
    GROUP_U: '1',
    GROUP_M: '0',
    GROUP_A: '0',
    OTHER_U: '0',
    OTHER_M: '0',
    OTHER_A: '0',
  });
  t.equal(invalid.code, 2);
  t.match(invalid.stderr, /value '648' is invalid for argument 'octal'/);
  t.equal(cli.callsTo('one.vm.chmod').length, 1, 'the invalid mode is not sent');
});

t.test('vm chown, chgrp, rename and update', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');
  await cli.run('vm', 'create', '--template', WEB);

  const chown = await cli.run('vm', 'chown', 'web', 'alice', 'users');
  const chgrp = await cli.run('vm', 'chgrp', 'web', 'oneadmin');
  const rename = await cli.run('vm', 'rename', 'web', 'www');
  const update = await cli.run('vm', 'update', 'www', '--template', 'LABELS = "prod"');
  const append = await cli.run('vm', 'update', 'www', '--template', 'OWNER_MAIL = "a@example.org"', '--append');
  const shown = jsonOutput<VmJson>(await cli.run('vm', 'show', 'www', '--json'));

  for (const run of [chown, chgrp, rename, update, append]) t.equal(run.code, 0);
  t.same(cli.callsTo('one.vm.chown').map((call) => call.params), [[0, 2, 1], [0, -1, 0]]);
  t.same(cli.callsTo('one.vm.rename')[0].params, [0, 'www']);
  t.same(cli.callsTo('one.vm.update').map((call) => call.params[2]), [0, 1]);
  t.equal(shown.UNAME, 'alice');
  t.equal(shown.GNAME, 'oneadmin');
  t.equal(shown.NAME, 'www');
  t.same(shown.USER_TEMPLATE, { LABELS: 'prod', OWNER_MAIL: 'a@example.org' });
});

t.test('vm terminate, hold and release send one.vm.action', async (t) => {
  const cli = await startCli(t);
  await cli.run('vm', 'create', '--template', WEB);

  await cli.run('vm', 'hold', 'web');
  await cli.run('vm', 'release', 'web');
  await cli.run('vm', 'terminate', 'web');
  await cli.run('vm', 'terminate', '0', '--hard');

  t.same(cli.callsTo('one.vm.action').map((call) => call.params), [
    ['hold', 0],
    ['release', 0],
    ['terminate', 0],
    ['terminate-hard', 0],
  ]);
});

t.test('vm has no delete command', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('vm', 'delete', '0');

  t.equal(run.code, 2);
  t.match(run.stderr, /unknown command 'delete'/);
});
