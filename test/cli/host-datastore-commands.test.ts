import t from 'tap';
import { jsonOutput, startCli } from './harness.js';

interface HostJson {
  ID: string;
  NAME: string;
  STATE: string;
  IM_MAD: string;
  VM_MAD: string;
  HOST_SHARE: Record<string, string>;
  TEMPLATE: Record<string, string>;
}

interface DatastoreJson {
  ID: string;
  NAME: string;
  UNAME: string;
  GNAME: string;
  TYPE: string;
  PERMISSIONS: Record<string, string>;
  TEMPLATE: Record<string, string>;
}

t.test('host create, list and show', async (t) => {
  const cli = await startCli(t);

  const created = await cli.run('host', 'create', 'node1', '--im', 'dummy', '--vm', 'dummy');
  const table = await cli.run('host', 'list');
  const json = jsonOutput<HostJson[]>(await cli.run('host', 'list', '--json'));
  const show = await cli.run('host', 'show', 'node1');

  t.equal(created.stdout, 'ID: 0\n');
  t.same(cli.callsTo('one.host.allocate')[0].params, ['node1', 'dummy', 'dummy', -1]);
  t.match(table.stdout, /^ *ID NAME\s+CLUSTER\s+RVM ALLOCATED_CPU ALLOCATED_MEM IM\s+VM\s+STAT\n/);
  t.match(table.stdout, /\n +0 node1 default +0 +0 \/ 0 +0K \/ 0K dummy dummy init\n/);
  t.equal(json.length, 1);
  t.equal(json[0].IM_MAD, 'dummy');
  t.type(json[0].HOST_SHARE, 'object');
  t.match(show.stdout, /^HOST 0\n/);
  t.match(show.stdout, /\nSTATE\s+: INIT\n/);
  t.match(show.stdout, /\nHOST_SHARE\n/);
  t.same(cli.callsTo('one.host.info')[0].params, [0, false]);
});

t.test('host create requires both drivers', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('host', 'create', 'node1', '--im', 'dummy');

  t.equal(run.code, 2);
  t.match(run.stderr, /required option '--vm <driver>' not specified/);
});

t.test('host enable, disable and offline send host.status', async (t) => {
  const cli = await startCli(t);
  await cli.run('host', 'create', 'node1', '--im', 'dummy', '--vm', 'dummy');

  const disable = await cli.run('host', 'disable', 'node1');
  const disabled = jsonOutput<HostJson>(await cli.run('host', 'show', 'node1', '--json'));
  const offline = await cli.run('host', 'offline', 'node1');
  const enable = await cli.run('host', 'enable', '0');

  t.equal(disable.code, 0);
  t.equal(disabled.STATE, '4');
  t.equal(offline.code, 0);
  t.equal(enable.code, 0);
  t.same(cli.callsTo('one.host.status').map((call) => call.params), [[0, 1], [0, 2], [0, 0]]);
});

t.test('host update, rename and delete', async (t) => {
  const cli = await startCli(t);
  await cli.run('host', 'create', 'node1', '--im', 'dummy', '--vm', 'dummy');

  const update = await cli.run('host', 'update', 'node1', '--template', 'RACK = "b7"', '--append');
  const rename = await cli.run('host', 'rename', 'node1', 'node2');
  const shown = jsonOutput<HostJson>(await cli.run('host', 'show', 'node2', '--json'));
  const deleted = await cli.run('host', 'delete', 'node2');
  const hosts = jsonOutput<HostJson[]>(await cli.run('host', 'list', '--json'));

  t.equal(update.code, 0);
  t.same(cli.callsTo('one.host.update')[0].params, [0, 'RACK = "b7"', 1]);
  t.equal(rename.code, 0);
  t.same(cli.callsTo('one.host.rename')[0].params, [0, 'node2']);
  t.equal(shown.NAME, 'node2');
  t.equal(shown.TEMPLATE.RACK, 'b7');
  t.equal(shown.TEMPLATE.IM_MAD, 'dummy', 'append kept the other attributes');
  t.equal(deleted.code, 0);
  t.same(hosts, []);
});

t.test('host has no chown or chmod', async (t) => {
  const cli = await startCli(t);

  const chown = await cli.run('host', 'chown', '0', '0');
  const chmod = await cli.run('host', 'chmod', '0', '600');

  t.equal(chown.code, 2);
  t.match(chown.stderr, /unknown command 'chown'/);
  t.equal(chmod.code, 2);
});

t.test('datastore list and show', async (t) => {
  const cli = await startCli(t);

  const table = await cli.run('datastore', 'list');
  const json = jsonOutput<DatastoreJson[]>(await cli.run('datastore', 'list', '--json'));
  const show = await cli.run('datastore', 'show', 'default');

  t.match(table.stdout, /^ *ID USER\s+GROUP\s+NAME\s+SIZE AVAIL CLUSTERS IMAGES TYPE\s+DS TM\s+STAT\n/);
  t.match(table.stdout, /\n +1 oneadmin oneadmin default +0M +- 0 +0 IMAGE_DS +fs shared +on\n/);
  t.same(json.map((ds) => ds.NAME), ['system', 'default', 'files']);
  t.match(show.stdout, /^DATASTORE 1\n/);
  t.match(show.stdout, /\nTYPE\s+: IMAGE_DS\n/);
  t.same(cli.callsTo('one.datastore.info')[0].params, [1, false]);
});

t.test('datastore create from a file', async (t) => {
  const cli = await startCli(t);
  const file = cli.writeFile('ds.tpl', 'NAME = "scratch"\nDS_MAD = "fs"\nTM_MAD = "shared"\n');

  const created = await cli.run('datastore', 'create', file);
  const clustered = await cli.run('datastore', 'create', '--template', 'NAME=s2\nDS_MAD=fs\nTM_MAD=ssh', '--cluster', '0');

  t.equal(created.code, 0);
  t.equal(created.stdout, 'ID: 100\n');
  t.same(cli.callsTo('one.datastore.allocate')[0].params, ['NAME = "scratch"\nDS_MAD = "fs"\nTM_MAD = "shared"\n', -1]);
  t.equal(clustered.code, 0);
  t.equal(cli.callsTo('one.datastore.allocate')[1].params[1], 0);
});

t.test('datastore chown, chgrp, chmod, rename, update and delete', async (t) => {
  const cli = await startCli(t);
  await cli.run('datastore', 'create', '--template', 'NAME=scratch\nDS_MAD=fs\nTM_MAD=shared');
  await cli.run('user', 'create', 'alice', 'pw');

  const chown = await cli.run('datastore', 'chown', 'scratch', 'alice', 'users');
  const chgrp = await cli.run('datastore', 'chgrp', 'scratch', 'oneadmin');
  const chmod = await cli.run('datastore', 'chmod', 'scratch', '644');
  const rename = await cli.run('datastore', 'rename', 'scratch', 'scratch2');
  const update = await cli.run('datastore', 'update', 'scratch2', '--template', 'LIMIT_MB = "100"', '--append');
  const shown = jsonOutput<DatastoreJson>(await cli.run('datastore', 'show', 'scratch2', '--json'));
  const deleted = await cli.run('datastore', 'delete', 'scratch2');

  for (const run of [chown, chgrp, chmod, rename, update, deleted]) t.equal(run.code, 0);
  t.same(cli.callsTo('one.datastore.chown').map((call) => call.params), [[100, 2, 1], [100, -1, 0]]);
  t.same(cli.callsTo('one.datastore.chmod')[0].params, [100, 1, 1, 0, 1, 0, 0, 1, 0, 0]);
  t.equal(shown.UNAME, 'alice');
  t.equal(shown.GNAME, 'oneadmin');
  t.equal(shown.TEMPLATE.LIMIT_MB, '100');
  t.same(
    [shown.PERMISSIONS.OWNER_U, shown.PERMISSIONS.OWNER_M, shown.PERMISSIONS.GROUP_U, shown.PERMISSIONS.GROUP_M, shown.PERMISSIONS.OTHER_U],
    ['1', '1', '1', '0', '1'],
  );
  t.same(cli.callsTo('one.datastore.delete')[0].params, [100]);
});

t.test('datastore enable and disable', async (t) => {
  const cli = await startCli(t);

  const disable = await cli.run('datastore', 'disable', 'system');
  const state = jsonOutput<{ STATE: string }>(await cli.run('datastore', 'show', 'system', '--json')).STATE;
  const enable = await cli.run('datastore', 'enable', 'system');
  const imageDs = await cli.run('datastore', 'disable', 'default');

  t.equal(disable.code, 0);
  t.equal(state, '1');
  t.equal(enable.code, 0);
  t.same(cli.callsTo('one.datastore.enable').slice(0, 2).map((call) => call.params), [[0, false], [0, true]]);
  t.equal(imageDs.code, 1);
  t.match(imageDs.stderr, /^stratus: \[one\.datastore\.enable\] Only system datastores/);
});
