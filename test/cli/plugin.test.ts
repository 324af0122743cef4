import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Tokens } from '../../core/tokens.js';
import { copyFixtures, fixtureDir } from '../core/drivers/support/plugin-fixtures.js';
import { jsonOutput, projectRoot, runInProcess, startCli, type CliHarness, type CliRun } from './harness.js';

/** Lists the built plugin folders, dist/plugins/<kind>/<name>, that have a plugin.json. */
function shippedPluginFolders(): string[] {
  const root = path.join(projectRoot(), 'dist', 'plugins');
  const folders: string[] = [];
  for (const kind of ['auth', 'vmm', 'image', 'transfer']) {
    const kindFolder = path.join(root, kind);
    if (!existsSync(kindFolder)) continue;
    for (const name of readdirSync(kindFolder).sort()) {
      if (existsSync(path.join(kindFolder, name, 'plugin.json'))) folders.push(path.join(kindFolder, name));
    }
  }
  return folders;
}

/** Returns whether this machine lets the tests run a process in new network and mount namespaces. */
function canIsolate(): boolean {
  const probe = spawnSync('unshare', ['--net', '--mount', '--', 'true'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Runs `stratus ARGS` as a child process in new network and mount namespaces, with an
 * empty tmpfs over /var/lib. The verifier sends each action's example request, which
 * names host node1, an https URL and paths under /var/lib/stratus. Isolated, a driver
 * that acts on them reaches no other machine and writes no file outside the namespace.
 */
async function runIsolated(args: string[]): Promise<CliRun> {
  const script = path.join(projectRoot(), 'bin', 'stratus.js');
  const command = 'mount -t tmpfs tmpfs /var/lib && exec "$0" "$@"';
  const child = spawn('unshare', ['--net', '--mount', '--', 'sh', '-c', command, process.execPath, script, ...args], {
    env: { PATH: process.env.PATH, HOME: os.tmpdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number>((resolve) => child.on('close', (exitCode) => resolve(exitCode ?? -1)));
  return { code, stdout, stderr };
}

/** Runs `stratus plugin verify` in process; it needs no daemon and no credentials. */
function verify(...args: string[]): Promise<CliRun> {
  return runInProcess({}, os.tmpdir(), ['plugin', 'verify', ...args]);
}

/** Polls `plugin list --json` until `check` holds; fails after 15 s. */
async function waitForPlugins(cli: CliHarness, description: string, check: (plugins: Array<Record<string, string>>) => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check(jsonOutput<Array<Record<string, string>>>(await cli.run('--json', 'plugin', 'list')))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

t.test('plugin list shows the shipped plugins', async (t) => {
  const cli = await startCli(t);

  const run = await cli.run('plugin', 'list');

  t.equal(run.code, 0, run.stderr);
  t.same(cli.callsTo('stratus.plugin.list').map((call) => call.params), [[]]);
  const lines = run.stdout.trimEnd().split('\n');
  t.match(lines[0], /^KIND\s+NAME\s+STATE\s+PROTO DIR$/);
  t.ok(lines.some((line) => /^auth\s+core\s+loaded\s+1 \S+\/dist\/plugins\/auth\/core$/.test(line)), 'auth/core line');
  t.ok(lines.some((line) => /^vmm\s+dummy\s+loaded\s+1 \S+\/dist\/plugins\/vmm\/dummy$/.test(line)), 'vmm/dummy line');
});

t.test('plugin list --json and --xml', async (t) => {
  const cli = await startCli(t);

  const plugins = jsonOutput<Array<Record<string, string>>>(await cli.run('--json', 'plugin', 'list'));
  const xml = await cli.run('plugin', 'list', '--xml');

  const dummy = plugins.find((plugin) => plugin.NAME === 'dummy');
  t.equal(dummy?.KIND, 'vmm');
  t.equal(dummy?.STATE, 'loaded');
  t.equal(dummy?.ENTRY, 'module');
  t.match(xml.stdout, /^<PLUGIN_POOL><PLUGIN><NAME>core<\/NAME><KIND>auth<\/KIND>/);
});

t.test('plugin show prints one plugin', async (t) => {
  const cli = await startCli(t);

  const byName = await cli.run('plugin', 'show', 'dummy');
  const byKind = await cli.run('plugin', 'show', 'vmm/dummy');
  const wrongKind = await cli.run('plugin', 'show', 'auth/dummy');

  t.equal(byName.code, 0, byName.stderr);
  const lines = byName.stdout.trimEnd().split('\n');
  t.equal(lines[0], 'PLUGIN vmm/dummy');
  t.match(byName.stdout, /^KIND\s+: vmm$/m);
  t.match(byName.stdout, /^STATE\s+: loaded$/m);
  t.match(byName.stdout, /^ACTIONS\s+: DEPLOY,SHUTDOWN,CANCEL,REBOOT,RESET,SUSPEND,RESUME,SAVE,RESTORE,MIGRATE,POLL,MONITOR_HOST$/m);
  t.notMatch(byName.stdout, /^REASON/m, 'no empty fields');
  t.equal(byKind.stdout, byName.stdout, 'KIND/NAME selects the same plugin');
  t.equal(wrongKind.code, 1);
  t.equal(wrongKind.stderr, "stratus: no plugin named 'auth/dummy'; 'stratus plugin list' shows the plugins the daemon found\n");
});

t.test('plugin show gives the rejection reason', async (t) => {
  const cli = await startCli(t);
  copyFixtures(path.join(cli.daemon.home, 'plugins'), ['crashes-on-init']);
  await waitForPlugins(cli, 'the rejection', (plugins) => plugins.some((plugin) => plugin.NAME === 'crashes-on-init' && plugin.STATE === 'rejected'));

  const list = await cli.run('plugin', 'list');
  const show = await cli.run('plugin', 'show', 'crashes-on-init');

  t.match(list.stdout, /^vmm\s+crashes-on-init\s+rejected \(INIT_FAILED\)\s+- \S+\/plugins\/crashes-on-init$/m);
  t.match(show.stdout, /^CODE\s+: INIT_FAILED$/m);
  t.match(show.stdout, /^REASON\s+: .*cannot open \/dev\/kvm/m, 'the reason quotes the driver\'s standard error');
});

t.test('plugin list needs group oneadmin', async (t) => {
  const cli = await startCli(t);
  await cli.run('user', 'create', 'alice', 'pw');

  const run = await cli.runAs('alice:pw', 'plugin', 'list');

  t.equal(run.code, 1);
  t.match(run.stderr, /^stratus: \[stratus\.plugin\.list\] User \[2\] : Not authorized to list plugins; only group oneadmin may\.\n$/);
});

t.test('plugin verify passes on shipped plugins', async (t) => {
  const folders = shippedPluginFolders();
  const own = new Set(['auth/core', 'vmm/dummy']);
  const isolated = canIsolate();
  t.ok(folders.length >= 2, `found ${folders.join(', ')}`);

  for (const folder of folders) {
    const name = path.relative(path.join(projectRoot(), 'dist', 'plugins'), folder);
    const skip = !isolated && !own.has(name) ? 'verifying it needs "unshare --net --mount" to keep its example requests on this machine' : false;

    t.test(name, { skip }, async (t) => {
      const run = isolated ? await runIsolated(['plugin', 'verify', folder]) : await verify(folder);
      if (run.code !== 0) t.comment(`${run.stdout}${run.stderr}`);

      t.equal(run.code, 0, 'exit 0');
      t.match(run.stdout, /Result: all checks passed\.\n$/, 'result line');
    });
  }
});

t.test('plugin verify fails on broken fixtures', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['crashes-on-init', 'start', 'INIT_FAILED'],
    ['never-answers', 'start', 'INIT_TIMEOUT'],
    ['unsupported-protocol-version', 'protocol', 'UNSUPPORTED_PROTOCOL'],
    ['writes-garbage', 'action POLL', 'ACTION_INVALID_REPLY'],
    ['claims-missing-action', 'action POLL', 'ACTION_NOT_ANSWERED'],
    ['bad-manifest', 'manifest', 'BAD_MANIFEST'],
    ['entry-not-executable', 'entry', 'ENTRY_NOT_EXECUTABLE'],
  ];

  for (const [fixture, check, code] of cases) {
    const run = await verify(fixtureDir(fixture), '--timeout', '1000');

    t.equal(run.code, 1, `${fixture} exits 1`);
    const failed = run.stdout.split('\n').filter((line) => line.startsWith('  FAIL'));
    t.equal(failed.length, 1, `${fixture} fails one check`);
    t.match(failed[0], new RegExp(`^  FAIL  ${check} +\\S`), `${fixture} fails at ${check}, with the reason`);
    t.match(run.stdout, `Result: the daemon would reject this plugin (${code}).`, `${fixture} result line`);
    t.equal(run.stderr, `stratus: plugin ${fixtureDir(fixture)} failed verification: the daemon would reject it (${code})\n`, `${fixture} message`);
  }
});

t.test('plugin verify reasons', async (t) => {
  const manifest = await verify(fixtureDir('bad-manifest'));
  const executable = await verify(fixtureDir('entry-not-executable'));
  const json = await runInProcess({}, os.tmpdir(), ['--json', 'plugin', 'verify', fixtureDir('crashes-on-init')]);

  t.match(manifest.stdout, /retry\[0\]: POLL is not in "actions"/, 'each manifest problem listed');
  t.match(executable.stdout, /run "chmod \+x driver" in the plugin folder/, 'the fix named');
  const report = jsonOutput<{ ok: boolean; rejection: { code: string } }>(json);
  t.equal(report.ok, false);
  t.equal(report.rejection.code, 'INIT_FAILED');
});

t.test('plugin verify needs no daemon', async (t) => {
  const run = await runInProcess({ ONE_XMLRPC: 'http://127.0.0.1:1/RPC2' }, os.tmpdir(), ['plugin', 'verify', fixtureDir('good-bash-vmm')]);

  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /^Verifying plugin \S+good-bash-vmm\n/);
  t.match(run.stdout, /Result: all checks passed\.\n$/);
});

t.test('vm log prints the VM log', async (t) => {
  const cli = await startCli(t);
  await cli.run('vm', 'create', '--template', 'NAME = "web"\nCPU = "1"\nMEMORY = "64"');
  const drivers = cli.daemon.daemon.container.resolve(Tokens.Drivers);
  await drivers.call('vmm', 'dummy', 'DEPLOY', { vmId: 0, host: 'node1', vmDir: '/srv/0', deploymentFile: '/srv/0/deployment.0.json' }, { objectId: 0 });

  const byId = await cli.run('vm', 'log', '0');
  const byName = await cli.run('vm', 'log', 'web');
  const json = jsonOutput<{ id: number; log: string }>(await cli.run('--json', 'vm', 'log', '0'));
  const missing = await cli.run('vm', 'log', '9');

  t.equal(byId.code, 0, byId.stderr);
  t.match(byId.stdout, /^\S+Z \[I\] \[vmm\/dummy\] DEPLOY succeeded on node1 \(dummy driver, nothing runs\)\n$/);
  t.equal(byName.stdout, byId.stdout, 'by name');
  t.same(cli.callsTo('stratus.vm.log').map((call) => call.params), [[0], [0], [0], [9]]);
  t.equal(json.id, 0);
  t.equal(json.log, byId.stdout);
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'stratus: [stratus.vm.log] Error getting virtual machine [9].\n');
});

t.test('vm log of a VM without lines', async (t) => {
  const cli = await startCli(t);
  await cli.run('vm', 'create', '--template', 'CPU = "1"\nMEMORY = "64"');

  const run = await cli.run('vm', 'log', '0');

  t.equal(run.code, 0);
  t.equal(run.stdout, '');
});
