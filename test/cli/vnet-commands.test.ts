import t from 'tap';
import { jsonOutput, startCli } from './harness.js';

interface AddressRangeJson {
  AR_ID: string;
  IP?: string;
  SIZE: string;
  TYPE: string;
}

interface VnetJson {
  ID: string;
  NAME: string;
  UNAME: string;
  BRIDGE: string;
  PERMISSIONS: Record<string, string>;
  TEMPLATE: Record<string, string>;
  AR_POOL: { AR: AddressRangeJson[] } | '';
}

const NETWORK = 'NAME = "private"\nVN_MAD = "bridge"\nBRIDGE = "br0"\n';

t.test('vnet create, list and show', async (t) => {
  const cli = await startCli(t);
  const file = cli.writeFile('net.tpl', NETWORK);

  const created = await cli.run('vnet', 'create', file);
  const table = await cli.run('vnet', 'list');
  const json = jsonOutput<VnetJson[]>(await cli.run('vnet', 'list', '--json'));
  const show = await cli.run('vnet', 'show', 'private');

  t.equal(created.stdout, 'ID: 0\n');
  t.same(cli.callsTo('one.vn.allocate')[0].params, [NETWORK, -1]);
  t.match(table.stdout, /^ *ID USER\s+GROUP\s+NAME\s+CLUSTERS BRIDGE DRIVER ARS LEASES\n/);
  t.match(table.stdout, /\n *0 oneadmin oneadmin private 0 +br0 +bridge +0 +0\n/);
  t.same(cli.callsTo('one.vnpool.info')[0].params, [-2, -1, -1]);
  t.equal(json[0].BRIDGE, 'br0');
  t.match(show.stdout, /^VIRTUAL NETWORK 0\n/);
  t.same(cli.callsTo('one.vn.info')[0].params, [0, false]);
});

t.test('vnet addar, updatear and rmar', async (t) => {
  const cli = await startCli(t);
  await cli.run('vnet', 'create', '--template', NETWORK);
  const file = cli.writeFile('ar.tpl', 'AR = [ TYPE = "ETHER", SIZE = "4" ]\n');

  const inline = await cli.run('vnet', 'addar', 'private', '--ip', '10.0.0.1', '--size', '16');
  const fromFile = await cli.run('vnet', 'addar', 'private', file);
  const update = await cli.run('vnet', 'updatear', 'private', '--template', 'AR = [ AR_ID = "0", SIZE = "8" ]');
  const afterUpdate = jsonOutput<VnetJson>(await cli.run('vnet', 'show', 'private', '--json'));
  const show = await cli.run('vnet', 'show', 'private');
  const remove = await cli.run('vnet', 'rmar', 'private', '1');
  const afterRemove = jsonOutput<VnetJson>(await cli.run('vnet', 'show', 'private', '--json'));

  t.equal(inline.code, 0);
  t.same(cli.callsTo('one.vn.add_ar')[0].params, [0, 'AR=[ TYPE="IP4", IP="10.0.0.1", SIZE="16" ]\n']);
  t.equal(fromFile.code, 0);
  t.equal(update.code, 0);
  t.same(cli.callsTo('one.vn.update_ar')[0].params, [0, 'AR = [ AR_ID = "0", SIZE = "8" ]']);
  const ranges = afterUpdate.AR_POOL === '' ? [] : afterUpdate.AR_POOL.AR;
  t.same(ranges.map((range) => [range.AR_ID, range.TYPE, range.SIZE]), [
    ['0', 'IP4', '8'],
    ['1', 'ETHER', '4'],
  ]);
  t.match(show.stdout, /\nAR_POOL\nAR_ID +: 0\n/);
  t.equal(remove.code, 0);
  t.same(cli.callsTo('one.vn.rm_ar')[0].params, [0, 1]);
  t.same(afterRemove.AR_POOL === '' ? [] : afterRemove.AR_POOL.AR.map((range) => range.AR_ID), ['0']);
});

t.test('vnet addar needs a range', async (t) => {
  const cli = await startCli(t);
  await cli.run('vnet', 'create', '--template', NETWORK);

  const missing = await cli.run('vnet', 'addar', 'private', '--ip', '10.0.0.1');
  const badId = await cli.run('vnet', 'rmar', 'private', 'first');

  t.equal(missing.code, 2);
  t.match(missing.stderr, /missing address range/);
  t.equal(badId.code, 2);
  t.match(badId.stderr, /expected a whole number/);
  t.same(cli.callsTo('one.vn.add_ar'), []);
});

t.test('vnet chown, chmod, rename, update and delete', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');
  await cli.run('vnet', 'create', '--template', NETWORK);

  const chown = await cli.run('vnet', 'chown', 'private', 'alice');
  const chmod = await cli.run('vnet', 'chmod', 'private', '604');
  const rename = await cli.run('vnet', 'rename', 'private', 'public');
  const update = await cli.run('vnet', 'update', 'public', '--template', 'DNS = "10.0.0.53"', '--append');
  const shown = jsonOutput<VnetJson>(await cli.run('vnet', 'show', 'public', '--json'));
  const deleted = await cli.run('vnet', 'delete', 'public');
  const vnets = jsonOutput<VnetJson[]>(await cli.run('vnet', 'list', '--json'));

  for (const run of [chown, chmod, rename, update, deleted]) t.equal(run.code, 0);
  t.same(cli.callsTo('one.vn.chown')[0].params, [0, 2, -1]);
  t.same(cli.callsTo('one.vn.chmod')[0].params, [0, 1, 1, 0, 0, 0, 0, 1, 0, 0]);
  t.equal(shown.UNAME, 'alice');
  t.equal(shown.NAME, 'public');
  t.equal(shown.PERMISSIONS.OTHER_U, '1');
  t.equal(shown.TEMPLATE.DNS, '10.0.0.53');
  t.equal(shown.TEMPLATE.BRIDGE, 'br0');
  t.same(cli.callsTo('one.vn.delete')[0].params, [0]);
  t.same(vnets, []);
});
