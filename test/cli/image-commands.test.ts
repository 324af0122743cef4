import t from 'tap';
import { allowImageFolder, waitForReady, writeImageFile } from '../helpers/images.js';
import { jsonOutput, startCli } from './harness.js';

interface ImageJson {
  ID: string;
  NAME: string;
  UNAME: string;
  TYPE: string;
  PERSISTENT: string;
  STATE: string;
  DATASTORE_ID: string;
  PATH: string;
  TEMPLATE: Record<string, string>;
}

/** A folder the fs image driver may register files from, for every test of this file. */
const imageFolder = allowImageFolder(t);

/** A small raw file in the image folder, which registers as a READY image. */
const imageFile = writeImageFile(imageFolder, 'a.img');

t.test('image create from options', async (t) => {
  const cli = await startCli(t);

  const created = await cli.run('image', 'create', '--datastore', 'default', '--name', 'img2', '--path', '/srv/x.qcow2');
  const image = jsonOutput<ImageJson>(await cli.run('image', 'show', 'img2', '--json'));

  t.equal(created.code, 0);
  t.equal(created.stdout, 'ID: 0\n');
  t.same(cli.callsTo('one.image.allocate')[0].params, ['NAME="img2"\nPATH="/srv/x.qcow2"\n', 1, false]);
  t.equal(image.PATH, '/srv/x.qcow2');
  t.equal(image.DATASTORE_ID, '1');
});

t.test('image create from a file and standard input', async (t) => {
  const cli = await startCli(t);
  const file = cli.writeFile('image.tpl', 'NAME = "scratch"\nTYPE = "DATABLOCK"\nSIZE = "64"\n');

  const fromFile = await cli.run('image', 'create', file, '--datastore', '1');
  const fromStdin = await cli.runWithStdin('NAME = "cd"\nPATH = "/srv/cd.iso"\nTYPE = "CDROM"\n', 'image', 'create', '-', '--datastore', '1');
  const mixed = await cli.run('image', 'create', file, '--datastore', '1', '--name', 'x');
  const missing = await cli.run('image', 'create', '--datastore', '1');

  t.equal(fromFile.code, 0);
  t.equal(fromStdin.code, 0);
  t.equal(cli.callsTo('one.image.allocate')[1].params[0], 'NAME = "cd"\nPATH = "/srv/cd.iso"\nTYPE = "CDROM"\n');
  t.equal(mixed.code, 2);
  t.match(mixed.stderr, /not both/);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /missing image template/);
});

t.test('image list prints a table and JSON', async (t) => {
  const cli = await startCli(t);
  await cli.run('image', 'create', '--datastore', '1', '--name', 'disk', '--type', 'DATABLOCK', '--size', '2048', '--persistent');
  await waitForReady(cli.daemon.admin, 0);

  const table = await cli.run('image', 'list');
  const json = jsonOutput<ImageJson[]>(await cli.run('image', 'list', '--json'));
  const show = await cli.run('image', 'show', 'disk');

  t.match(table.stdout, /^ *ID USER\s+GROUP\s+NAME DATASTORE SIZE TYPE\s+PER STAT RVMS\n/);
  t.match(table.stdout, /\n *0 oneadmin oneadmin disk default +2G DATABLOCK Yes +rdy +0\n/);
  t.same(cli.callsTo('one.imagepool.info')[0].params, [-2, -1, -1]);
  t.equal(json[0].TYPE, '2');
  t.equal(json[0].PERSISTENT, '1');
  t.match(show.stdout, /\nTYPE\s+: DATABLOCK\n/);
  t.match(show.stdout, /\nSTATE\s+: READY\n/);
});

t.test('image list --mine filters by owner', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');
  await cli.run('datastore', 'chmod', 'default', '644');
  await cli.run('image', 'create', '--datastore', '1', '--name', 'admins', '--path', '/srv/a');
  await cli.run('image', 'chmod', 'admins', '604');
  await cli.runAs('alice:pw', 'image', 'create', '--datastore', '1', '--name', 'alices', '--path', '/srv/b');

  const all = jsonOutput<ImageJson[]>(await cli.runAs('alice:pw', 'image', 'list', '--json'));
  const mine = jsonOutput<ImageJson[]>(await cli.runAs('alice:pw', 'image', 'list', '--mine', '--json'));

  t.same(all.map((image) => image.NAME), ['admins', 'alices']);
  t.same(mine.map((image) => image.NAME), ['alices']);
  t.same(cli.callsTo('one.imagepool.info').at(-1)?.params, [-3, -1, -1]);
});

t.test('image enable, disable, persistent and nonpersistent', async (t) => {
  const cli = await startCli(t);
  await cli.run('image', 'create', '--datastore', '1', '--name', 'img', '--path', imageFile);
  await waitForReady(cli.daemon.admin, 0);

  const disable = await cli.run('image', 'disable', 'img');
  const disabled = jsonOutput<ImageJson>(await cli.run('image', 'show', 'img', '--json'));
  const enable = await cli.run('image', 'enable', 'img');
  const persistent = await cli.run('image', 'persistent', 'img');
  const made = jsonOutput<ImageJson>(await cli.run('image', 'show', 'img', '--json'));
  const nonpersistent = await cli.run('image', 'nonpersistent', 'img');

  for (const run of [disable, enable, persistent, nonpersistent]) t.equal(run.code, 0);
  t.equal(disabled.STATE, '3');
  t.equal(made.PERSISTENT, '1');
  t.same(cli.callsTo('one.image.enable').map((call) => call.params), [[0, false], [0, true]]);
  t.same(cli.callsTo('one.image.persistent').map((call) => call.params), [[0, true], [0, false]]);
});

t.test('image chtype and clone', async (t) => {
  const cli = await startCli(t);
  await cli.run('image', 'create', '--datastore', '1', '--name', 'img', '--path', imageFile);
  await waitForReady(cli.daemon.admin, 0);

  const chtype = await cli.run('image', 'chtype', 'img', 'CDROM');
  const clone = await cli.run('image', 'clone', 'img', 'copy');
  await waitForReady(cli.daemon.admin, 1);
  await cli.run('datastore', 'create', '--template', 'NAME=more\nDS_MAD=fs\nTM_MAD=shared');
  const cloneTo = await cli.run('image', 'clone', 'img', 'copy2', '--datastore', 'more');
  const copy = jsonOutput<ImageJson>(await cli.run('image', 'show', 'copy', '--json'));

  t.equal(chtype.code, 0);
  t.same(cli.callsTo('one.image.chtype')[0].params, [0, 'CDROM']);
  t.equal(clone.stdout, 'ID: 1\n');
  t.same(cli.callsTo('one.image.clone')[0].params, [0, 'copy', -1]);
  t.equal(cloneTo.code, 1, 'the image driver clones only within one datastore');
  t.match(cloneTo.stderr, /clone it into datastore 1/);
  t.same(cli.callsTo('one.image.clone')[1].params, [0, 'copy2', 100]);
  t.equal(copy.TYPE, '1');
  t.equal(copy.STATE, '1');
});

t.test('image chown, chmod, rename, update and delete', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');
  await cli.run('image', 'create', '--datastore', '1', '--name', 'img', '--path', imageFile);
  await waitForReady(cli.daemon.admin, 0);

  const chown = await cli.run('image', 'chown', 'img', 'alice');
  const chmod = await cli.run('image', 'chmod', '0', '640');
  const rename = await cli.run('image', 'rename', '0', 'renamed');
  const update = await cli.run('image', 'update', '0', '--template', 'DESCRIPTION = "base"', '--append');
  const shown = jsonOutput<ImageJson>(await cli.run('image', 'show', '0', '--json'));
  const deleted = await cli.run('image', 'delete', '0');
  const images = jsonOutput<ImageJson[]>(await cli.run('image', 'list', '--json'));

  for (const run of [chown, chmod, rename, update, deleted]) t.equal(run.code, 0);
  t.same(cli.callsTo('one.image.chown')[0].params, [0, 2, -1]);
  t.same(cli.callsTo('one.image.chmod')[0].params, [0, 1, 1, 0, 1, 0, 0, 0, 0, 0]);
  t.equal(shown.UNAME, 'alice');
  t.equal(shown.NAME, 'renamed');
  t.equal(shown.TEMPLATE.DESCRIPTION, 'base');
  t.equal(shown.TEMPLATE.PATH, imageFile);
  t.same(images, []);
});

t.test('image names shared by two owners are ambiguous', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');
  await cli.run('datastore', 'chmod', 'default', '644');
  await cli.run('image', 'create', '--datastore', '1', '--name', 'base', '--path', '/srv/a');
  await cli.runAs('alice:pw', 'image', 'create', '--datastore', '1', '--name', 'base', '--path', '/srv/b');

  const run = await cli.run('image', 'show', 'base');
  const byId = await cli.run('image', 'show', '1');

  t.equal(run.code, 1);
  t.equal(run.stderr, "stratus: the image name 'base' is ambiguous (ids 0, 1); give the id instead\n");
  t.equal(byId.code, 0);
});
