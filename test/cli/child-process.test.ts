import { existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { projectRoot, runChild, startCli } from './harness.js';

// bin/stratus.js loads dist/cli/main.js, which `npm test` builds before running the tests.
const built = existsSync(path.join(projectRoot(), 'dist', 'cli', 'main.js'));
const skip = built ? false : 'dist/cli/main.js is missing; run npm run build';

t.test('bin/stratus.js lists VMs as JSON', { skip }, async (t) => {
  const cli = await startCli(t);
  await cli.run('vm', 'create', '--template', 'NAME = "web"\nCPU = "1"\nMEMORY = "64"');

  const run = await runChild(cli.env, ['vm', 'list', '--json']);

  t.equal(run.code, 0);
  t.equal(run.stderr, '');
  const vms = JSON.parse(run.stdout) as Array<{ NAME: string }>;
  t.same(vms.map((vm) => vm.NAME), ['web']);
});

t.test('bin/stratus.js exits 1 on an API error', { skip }, async (t) => {
  const cli = await startCli(t);

  const run = await runChild(cli.env, ['vm', 'show', '7']);

  t.equal(run.code, 1);
  t.equal(run.stdout, '');
  t.equal(run.stderr, 'stratus: [one.vm.info] Error getting virtual machine [7].\n');
});

t.test('bin/stratus.js exits 3 when the connection is refused', { skip }, async (t) => {
  const cli = await startCli(t);

  const run = await runChild({ ...cli.env, ONE_XMLRPC: 'http://127.0.0.1:1/RPC2' }, ['host', 'list']);

  t.equal(run.code, 3);
  t.equal(run.stderr, 'stratus: cannot connect to http://127.0.0.1:1/RPC2: connection refused; is stratusd running?\n');
});

t.test('bin/stratus.js exits 2 on a usage error', { skip }, async (t) => {
  const run = await runChild({}, ['vm', 'chmod', '0', 'rwx']);

  t.equal(run.code, 2);
  t.match(run.stderr, /invalid for argument 'octal'/);
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

t.test('bin/stratus.js reads a template from standard input', { skip }, async (t) => {
  const cli = await startCli(t);

  const run = await runChild(cli.env, ['template', 'create', '-'], 'NAME = "piped"\nCPU = "1"\nMEMORY = "64"\n');

  t.equal(run.code, 0);
  t.equal(run.stdout, 'ID: 0\n');
  t.equal(cli.callsTo('one.template.allocate')[0].params[0], 'NAME = "piped"\nCPU = "1"\nMEMORY = "64"\n');
});
