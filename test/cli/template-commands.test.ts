import t from 'tap';
import { jsonOutput, startCli } from './harness.js';

interface TemplateJson {
  ID: string;
  NAME: string;
  UNAME: string;
  GNAME: string;
  PERMISSIONS: Record<string, string>;
  TEMPLATE: Record<string, string>;
}

interface VmJson {
  ID: string;
  NAME: string;
  STATE: string;
  TEMPLATE: Record<string, string>;
}

const SMALL = 'NAME = "small"\nCPU = "1"\nMEMORY = "128"\n';

t.test('template create, list and show', async (t) => {
  const cli = await startCli(t);
  const file = cli.writeFile('small.tpl', SMALL);

  const created = await cli.run('template', 'create', file);
  const table = await cli.run('template', 'list');
  const json = jsonOutput<TemplateJson[]>(await cli.run('template', 'list', '--json'));
  const show = await cli.run('template', 'show', 'small');

  t.equal(created.stdout, 'ID: 0\n');
  t.same(cli.callsTo('one.template.allocate')[0].params, [SMALL]);
  t.match(table.stdout, /^ *ID USER\s+GROUP\s+NAME\s+REGTIME\n/);
  t.match(table.stdout, /\n *0 oneadmin oneadmin small \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n/);
  t.same(cli.callsTo('one.templatepool.info')[0].params, [-2, -1, -1]);
  t.equal(json[0].TEMPLATE.MEMORY, '128');
  t.match(show.stdout, /^TEMPLATE 0\n/);
  t.match(show.stdout, /\nTEMPLATE\nCPU="1"\nMEMORY="128"/);
  t.same(cli.callsTo('one.template.info')[0].params, [0, false, false]);
});

t.test('template create needs a file or --template', async (t) => {
  const cli = await startCli(t);
  cli.writeFile('small.tpl', SMALL);

  const none = await cli.run('template', 'create');
  const both = await cli.run('template', 'create', 'small.tpl', '--template', SMALL);
  const absent = await cli.run('template', 'create', 'absent.tpl');

  t.equal(none.code, 2);
  t.match(none.stderr, /^stratus: missing template: give a FILE/);
  t.equal(both.code, 2);
  t.match(both.stderr, /not both/);
  t.equal(absent.code, 1);
  t.match(absent.stderr, /^stratus: cannot read .*absent\.tpl: no such file\n$/);
  t.same(cli.callsTo('one.template.allocate'), []);
});

t.test('template clone and instantiate', async (t) => {
  const cli = await startCli(t);
  await cli.run('template', 'create', '--template', SMALL);
  const extra = cli.writeFile('extra.tpl', 'MEMORY = "512"\n');

  const clone = await cli.run('template', 'clone', 'small', 'small-copy');
  const held = await cli.run('template', 'instantiate', 'small', '--name', 'worker', '--hold', '--extra', extra);
  const pending = await cli.run('--json', 'template', 'instantiate', '0', '--extra-template', 'CPU = "2"');
  const vms = jsonOutput<VmJson[]>(await cli.run('vm', 'list', '--json'));

  t.equal(clone.stdout, 'ID: 1\n');
  t.same(cli.callsTo('one.template.clone')[0].params, [0, 'small-copy', false]);
  t.equal(held.code, 0);
  t.equal(held.stdout, 'VM ID: 0\n');
  t.same(cli.callsTo('one.template.instantiate')[0].params, [0, 'worker', true, 'MEMORY = "512"\n']);
  t.same(jsonOutput(pending), { id: 1 });
  t.same(cli.callsTo('one.template.instantiate')[1].params, [0, '', false, 'CPU = "2"']);
  t.same(vms.map((vm) => [vm.NAME, vm.STATE, vm.TEMPLATE.MEMORY, vm.TEMPLATE.CPU]), [
    ['worker', '2', '512', '1'],
    ['small-1', '1', '128', '2'],
  ]);
});

t.test('template chown, chmod, rename, update and delete', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');
  await cli.run('template', 'create', '--template', SMALL);

  const chown = await cli.run('template', 'chown', 'small', 'alice', 'users');
  const chmod = await cli.run('template', 'chmod', 'small', '660');
  const rename = await cli.run('template', 'rename', 'small', 'tiny');
  const update = await cli.run('template', 'update', 'tiny', '--template', 'CPU = "4"\nMEMORY = "64"\n');
  const shown = jsonOutput<TemplateJson>(await cli.run('template', 'show', 'tiny', '--json'));
  const deleted = await cli.run('template', 'delete', 'tiny');
  const templates = jsonOutput<TemplateJson[]>(await cli.run('template', 'list', '--json'));

  for (const run of [chown, chmod, rename, update, deleted]) t.equal(run.code, 0);
  t.same(cli.callsTo('one.template.chown')[0].params, [0, 2, 1]);
  t.same(cli.callsTo('one.template.chmod')[0].params, [0, 1, 1, 0, 1, 1, 0, 0, 0, 0]);
  t.equal(shown.UNAME, 'alice');
  t.equal(shown.GNAME, 'users');
  t.equal(shown.NAME, 'tiny');
  t.equal(shown.PERMISSIONS.GROUP_M, '1');
  t.same(cli.callsTo('one.template.update')[0].params, [0, 'CPU = "4"\nMEMORY = "64"\n', 0]);
  t.equal(shown.TEMPLATE.CPU, '4');
  t.same(cli.callsTo('one.template.delete')[0].params, [0]);
  t.same(templates, []);
});
