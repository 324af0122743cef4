import { writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { runInProcess, startCli } from './harness.js';

t.test('failed call prints the server message and exits 1', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('vm', 'show', '7');

  t.equal(run.code, 1);
  t.equal(run.stdout, '');
  t.equal(run.stderr, 'stratus: [one.vm.info] Error getting virtual machine [7].\n');
});

t.test('failed call with --json still prints the message on stderr', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('--json', 'image', 'delete', '42');

  t.equal(run.code, 1);
  t.equal(run.stdout, '');
  t.equal(run.stderr, 'stratus: [one.image.delete] Error getting image [42].\n');
});

t.test('authorization error exits 1', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');

  const run = await cli.runAs('alice:pw', 'host', 'create', 'node1', '--im', 'dummy', '--vm', 'dummy');

  t.equal(run.code, 1);
  t.match(run.stderr, /^stratus: \[one\.host\.allocate\] User \[2\] : /);
});

t.test('connection refused exits 3', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('--endpoint', 'http://127.0.0.1:1/RPC2', 'vm', 'list');

  t.equal(run.code, 3);
  t.equal(run.stdout, '');
  t.equal(run.stderr, 'stratus: cannot connect to http://127.0.0.1:1/RPC2: connection refused; is stratusd running?\n');
});

t.test('--endpoint overrides ONE_XMLRPC', async (t) => {
  const cli = await startCli(t);
  const env = { ...cli.env, ONE_XMLRPC: 'http://127.0.0.1:1/RPC2' };

  const viaEnv = await runInProcess(env, cli.folder, ['host', 'list']);
  const viaOption = await runInProcess(env, cli.folder, ['--endpoint', cli.url, 'host', 'list']);

  t.equal(viaEnv.code, 3);
  t.equal(viaOption.code, 0);
});

t.test('invalid endpoint is a usage error', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('--endpoint', 'localhost:2633', 'vm', 'list');

  t.equal(run.code, 2);
  t.match(run.stderr, /^stratus: invalid endpoint URL 'localhost:2633'/);
});

t.test('missing credentials file exits 1', async (t) => {
  const cli = await startCli(t);
  const env = { ONE_AUTH: path.join(cli.folder, 'absent'), ONE_XMLRPC: cli.url, STRATUS_HOME: cli.folder };

  const run = await runInProcess(env, cli.folder, ['vm', 'list']);

  t.equal(run.code, 1);
  t.match(run.stderr, /^stratus: no credentials found; tried /);
});

t.test('malformed credentials file exits 1', async (t) => {
  const cli = await startCli(t);
  const file = path.join(cli.folder, 'bad_auth');
  writeFileSync(file, 'no-colon-here\n');

  const run = await runInProcess({ ONE_AUTH: file, ONE_XMLRPC: cli.url }, cli.folder, ['vm', 'list']);

  t.equal(run.code, 1);
  t.match(run.stderr, /must contain "user:password"/);
  t.notMatch(run.stderr, /no-colon-here/, 'the file content is not printed');
});

t.test('unknown name exits 1 with a hint', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('host', 'show', 'nowhere');

  t.equal(run.code, 1);
  t.equal(run.stderr, "stratus: no host named 'nowhere'; 'stratus host list' shows the names and ids\n");
});

t.test('ambiguous name exits 1 and lists the ids', async (t) => {
  const cli = await startCli(t);
  await cli.run('vm', 'create', '--template', 'NAME = "web"\nCPU = "1"\nMEMORY = "64"');
  await cli.run('vm', 'create', '--template', 'NAME = "web"\nCPU = "1"\nMEMORY = "64"');

  const run = await cli.run('vm', 'rename', 'web', 'www');

  t.equal(run.code, 1);
  t.equal(run.stderr, "stratus: the virtual machine name 'web' is ambiguous (ids 0, 1); give the id instead\n");
  t.same(cli.callsTo('one.vm.rename'), []);
});

t.test('usage errors exit 2', async (t) => {
  const cli = await startCli(t);

  const unknownCommand = await cli.run('vm', 'explode');
  const unknownOption = await cli.run('vm', 'list', '--colour');
  const missingArgument = await cli.run('vm', 'show');
  const noSubcommand = await cli.run('vm');
  const bothFormats = await cli.run('--json', 'vm', 'list', '--xml');

  t.equal(unknownCommand.code, 2);
  t.match(unknownCommand.stderr, /unknown command 'explode'/);
  t.equal(unknownOption.code, 2);
  t.match(unknownOption.stderr, /unknown option '--colour'/);
  t.equal(missingArgument.code, 2);
  t.match(missingArgument.stderr, /missing required argument 'vm'/);
  t.equal(noSubcommand.code, 2);
  t.match(noSubcommand.stderr, /Usage: stratus vm/);
  t.equal(bothFormats.code, 2);
  t.match(bothFormats.stderr, /--json and --xml cannot be used together/);
  t.same(cli.calls, [], 'no call reaches the server');
});

t.test('help lists the commands and exit codes', async (t) => {
  const cli = await startCli(t);

  const help = await cli.run('--help');
  const version = await cli.run('--version');

  t.equal(help.code, 0);
  for (const command of ['user', 'group', 'acl', 'host', 'datastore', 'image', 'template', 'vnet', 'vm']) {
    t.match(help.stdout, new RegExp(`\\n  ${command} `), command);
  }
  t.match(help.stdout, /Exit status:\n  0  success\n  1  .*\n  2  usage error.*\n  3  the server could not be reached/);
  t.equal(version.code, 0);
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

t.test('session is never printed', async (t) => {
  const cli = await startCli(t);
  const password = cli.daemon.adminSession.split(':')[1];

  const runs = [
    await cli.run('user', 'list', '--json'),
    await cli.run('user', 'list', '--xml'),
    await cli.run('user', 'show', '--xml'),
    await cli.run('vm', 'show', '3'),
    await cli.run('--endpoint', 'http://127.0.0.1:1/RPC2', 'user', 'show'),
  ];

  for (const run of runs) {
    t.notMatch(run.stdout + run.stderr, password);
  }
  t.equal(cli.calls[0].session, cli.daemon.adminSession, 'the session was sent');
});
