import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import { ConfigError, loadSettings } from '../../core/config/load-settings.js';
import { resolvePluginFolders } from '../../core/config/plugin-folders.js';
import { DEFAULT_SETTINGS, type Settings } from '../../core/config/settings.js';
import type { DriverError } from '../../core/drivers/runtime/driver-error.js';
import { Tokens } from '../../core/tokens.js';
import { VmLog } from '../../core/vm-log/vm-log.js';
import { copyFixtures, RecordingLog, writeScriptPlugin } from '../core/drivers/support/plugin-fixtures.js';
import { apiError, ErrorCode } from '../helpers/objects.js';
import { startTestDaemon, temporaryHome, testSettings, type TestDaemon } from '../helpers/daemon.js';
import { useControlFolder } from '../plugins/vmm-dummy/dummy-harness.js';

/** One `<PLUGIN>` of `stratus.plugin.list`, with every child as text. */
type PluginEntry = Record<'NAME' | 'KIND' | 'DIR' | 'STATE' | 'CODE' | 'REASON' | 'PROTOCOL' | 'ENTRY' | 'ACTIONS' | 'DESCRIPTION', string>;

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'PLUGIN' });

async function listPlugins(daemon: TestDaemon): Promise<PluginEntry[]> {
  const xml = await daemon.admin.call<string>('stratus.plugin.list');
  const document = parser.parse(xml) as { PLUGIN_POOL: '' | { PLUGIN: PluginEntry[] } };
  return document.PLUGIN_POOL === '' ? [] : document.PLUGIN_POOL.PLUGIN;
}

function pluginIn(plugins: PluginEntry[], dir: string): PluginEntry | undefined {
  return plugins.find((plugin) => plugin.DIR === dir);
}

/** Polls `check` every 100 ms until it returns true; fails after 15 s. */
async function eventually(description: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops the daemon, which flushes its log, and returns the log's text. */
async function stopAndReadLog(test: TestDaemon): Promise<string> {
  await test.daemon.stop();
  return readFileSync(path.join(test.home, 'log', 'stratusd.log'), 'utf8');
}

/** Settings for a daemon whose plugins change in a test: quick INIT deadline and reloads. */
function pluginTestSettings(change: (settings: Settings) => void = () => undefined): Settings {
  return testSettings((settings) => {
    settings.plugins.runtime.initTimeoutMs = 1500;
    settings.plugins.debounceMs = 100;
    change(settings);
  });
}

const deployRequest = (vmId: number) => ({ vmId, host: 'node1', vmDir: `/srv/${vmId}`, deploymentFile: `/srv/${vmId}/deployment.0.json` });

t.test('shipped plugins loaded', async (t) => {
  const daemon = await startTestDaemon(t);

  const plugins = await listPlugins(daemon);
  const core = plugins.find((plugin) => plugin.KIND === 'auth' && plugin.NAME === 'core');
  const dummy = plugins.find((plugin) => plugin.KIND === 'vmm' && plugin.NAME === 'dummy');

  t.equal(core?.STATE, 'loaded', 'auth/core');
  t.equal(core?.ENTRY, 'module');
  t.equal(core?.PROTOCOL, '1');
  t.equal(core?.ACTIONS, 'AUTHENTICATE');
  t.match(core?.DIR, /dist\/plugins\/auth\/core$/);
  t.equal(dummy?.STATE, 'loaded', 'vmm/dummy');
  t.equal(dummy?.ACTIONS, 'DEPLOY,SHUTDOWN,CANCEL,REBOOT,RESET,SUSPEND,RESUME,SAVE,RESTORE,MIGRATE,POLL,MONITOR_HOST');
  t.equal(dummy?.CODE, '');
  t.ok(existsSync(path.join(daemon.home, 'plugins')), 'HOME/plugins created for third-party plugins');
});

t.test('plugin list is for oneadmin only', async (t) => {
  const daemon = await startTestDaemon(t);
  await daemon.admin.call('one.user.allocate', 'alice', 'pw', 'core', []);

  const error = await apiError(daemon.client('alice:pw').call('stratus.plugin.list'));

  t.equal(error.code, ErrorCode.AUTHORIZATION);
  t.match(error.message, 'Not authorized to list plugins; only group oneadmin may.');
});

t.test('third-party plugins at start', async (t) => {
  const home = temporaryHome(t);
  const folder = path.join(home, 'plugins');
  mkdirSync(folder);
  const fixtures = ['good-bash-vmm', 'good-python-image', 'crashes-on-init', 'never-answers', 'unsupported-protocol-version', 'bad-manifest', 'entry-not-executable'];
  copyFixtures(folder, fixtures);

  const daemon = await startTestDaemon(t, { home, settings: pluginTestSettings() });
  const plugins = await listPlugins(daemon);
  const entry = (name: string) => pluginIn(plugins, path.join(folder, name));

  t.equal(entry('good-bash-vmm')?.STATE, 'loaded', 'bash driver');
  t.equal(entry('good-python-image')?.STATE, 'loaded', 'python driver');
  t.equal(entry('good-python-image')?.ACTIONS, 'REGISTER,DELETE,MONITOR');
  const rejections: Array<[string, string, RegExp]> = [
    ['crashes-on-init', 'INIT_FAILED', /exited|INIT/],
    ['never-answers', 'INIT_TIMEOUT', /1\.5 s|INIT/],
    ['unsupported-protocol-version', 'UNSUPPORTED_PROTOCOL', /speaks protocol 2/],
    ['bad-manifest', 'BAD_MANIFEST', /plugin\.json has \d+ problems/],
    ['entry-not-executable', 'ENTRY_NOT_EXECUTABLE', /chmod \+x driver/],
  ];
  for (const [name, code, reason] of rejections) {
    t.equal(entry(name)?.STATE, 'rejected', `${name} rejected`);
    t.equal(entry(name)?.CODE, code, `${name} code`);
    t.match(entry(name)?.REASON, reason, `${name} reason`);
    t.equal(entry(name)?.ACTIONS, '', `${name} serves no action`);
  }

  t.equal(await daemon.admin.call('one.system.version'), '6.10.5', 'the daemon serves');
  const drivers = daemon.daemon.container.resolve(Tokens.Drivers);
  t.same(await drivers.call('vmm', 'good-bash', 'DEPLOY', deployRequest(1), { objectId: 1 }), { deployId: 'bash-vm' }, 'the bash driver answers');
  const monitor = await drivers.call('image', 'good-python', 'MONITOR', { datastoreId: 1, datastorePath: '/srv/1' }, { objectId: -1 });
  t.same(monitor, { totalMb: 1024, freeMb: 512, usedMb: 512 }, 'the python driver answers');
});

t.test('probing rejects drivers that break the protocol', async (t) => {
  const home = temporaryHome(t);
  copyFixtures(path.join(home, 'plugins'), ['good-bash-vmm', 'writes-garbage', 'claims-missing-action']);
  const settings = pluginTestSettings((changed) => {
    changed.plugins.folders = ['$STRATUS_ROOT/dist/plugins/auth', '$STRATUS_HOME/plugins'];
    changed.plugins.probeActions = true;
    changed.plugins.probeTimeoutMs = 1000;
  });

  const daemon = await startTestDaemon(t, { home, settings });
  const plugins = await listPlugins(daemon);
  const entry = (name: string) => pluginIn(plugins, path.join(home, 'plugins', name));

  t.equal(entry('good-bash-vmm')?.STATE, 'loaded');
  t.equal(entry('writes-garbage')?.CODE, 'ACTION_INVALID_REPLY');
  t.equal(entry('claims-missing-action')?.CODE, 'ACTION_NOT_ANSWERED');
  t.match(entry('claims-missing-action')?.REASON, /plugin\.json claims POLL/);
  t.equal(plugins.find((plugin) => plugin.NAME === 'core')?.STATE, 'loaded', 'auth/core answers its probe');
});

t.test('plugins added and removed while running', async (t) => {
  const daemon = await startTestDaemon(t, { settings: pluginTestSettings() });
  const folder = path.join(daemon.home, 'plugins');
  const python = path.join(folder, 'good-python-image');
  const broken = path.join(folder, 'crashes-on-init');
  t.equal(pluginIn(await listPlugins(daemon), python), undefined, 'absent at first');

  copyFixtures(folder, ['good-python-image', 'crashes-on-init']);
  await eventually('the added plugins to settle', async () => {
    const plugins = await listPlugins(daemon);
    return pluginIn(plugins, python)?.STATE === 'loaded' && pluginIn(plugins, broken)?.STATE === 'rejected';
  });
  t.equal(pluginIn(await listPlugins(daemon), broken)?.CODE, 'INIT_FAILED', 'the broken one is rejected');
  t.equal(await daemon.admin.call('one.system.version'), '6.10.5', 'the daemon keeps serving');

  rmSync(python, { recursive: true });
  await eventually('the removed plugin to disappear', async () => pluginIn(await listPlugins(daemon), python) === undefined);
  const drivers = daemon.daemon.container.resolve(Tokens.Drivers);
  const error = await drivers.call('image', 'good-python', 'MONITOR', { datastoreId: 1, datastorePath: '/srv/1' }, { objectId: -1 }).catch((caught: DriverError) => caught);
  t.equal((error as DriverError).code, 'NOT_INSTALLED', 'calls to it fail as not installed');
});

t.test('authentication goes through auth/core', async (t) => {
  const home = temporaryHome(t);
  writeScriptPlugin(path.join(home, 'plugins'), 'broken-ldap', { name: 'ldap', kind: 'auth', actions: ['AUTHENTICATE'] }, '#!/bin/sh\nexit 1\n');
  const test = await startTestDaemon(t, { home, settings: pluginTestSettings() });
  const { admin, client } = test;
  const aliceId = await admin.call<number>('one.user.allocate', 'alice', 'alice-pw', 'core', []);
  const carolId = await admin.call<number>('one.user.allocate', 'carol', 'carol-pw', 'kerberos', []);
  const daveId = await admin.call<number>('one.user.allocate', 'dave', 'dave-pw', 'ldap', []);
  const serverSession = readFileSync(path.join(home, 'serveradmin_auth'), 'utf8').trim();

  t.equal(await client('alice:alice-pw').call('one.system.version'), '6.10.5', 'right password');
  t.equal((await apiError(client('alice:wrong-pw').call('one.system.version'))).code, ErrorCode.AUTHENTICATION, 'wrong password');
  t.equal(await client(serverSession).call('one.system.version'), '6.10.5', 'server_cipher is checked by core');
  const carol = await apiError(client('carol:carol-pw').call('one.system.version'));
  const dave = await apiError(client('dave:dave-pw').call('one.system.version'));
  const log = await stopAndReadLog(test);

  t.equal(carol.code, ErrorCode.AUTHENTICATION, 'driver not installed');
  t.equal(carol.message, "[one.system.version] User couldn't be authenticated, aborting call.", 'the usual message');
  t.equal(dave.code, ErrorCode.AUTHENTICATION, 'driver rejected');
  t.match(log, new RegExp(`auth\\.driver_unavailable uid=${carolId} authDriver=kerberos plugin=kerberos code=NOT_INSTALLED`), 'carol logged');
  t.match(log, new RegExp(`auth\\.driver_unavailable uid=${daveId} authDriver=ldap plugin=ldap code=BROKEN`), 'dave logged');
  t.match(log, new RegExp(`auth\\.failed user=alice uid=${aliceId} client=127\\.0\\.0\\.1 reqId=[0-9a-f]{8} reason="wrong secret"`), 'wrong password logged');
  t.notMatch(log, 'wrong-pw', 'no secret logged');
  t.notMatch(log, 'carol-pw', 'no secret logged');
});

t.test('no auth plugin refuses everyone', async (t) => {
  const daemon = await startTestDaemon(t, {
    settings: pluginTestSettings((settings) => {
      settings.plugins.folders = ['$STRATUS_HOME/plugins'];
    }),
  });

  const error = await apiError(daemon.admin.call('one.system.version'));

  t.equal(error.code, ErrorCode.AUTHENTICATION, 'without the plugin even oneadmin is refused');
});

t.test('VM log and last error', async (t) => {
  const home = temporaryHome(t);
  const control = path.join(home, 'dummy-control');
  mkdirSync(control);
  useControlFolder(t, control);
  const daemon = await startTestDaemon(t, { home, settings: pluginTestSettings() });
  await daemon.admin.call('one.user.allocate', 'alice', 'pw', 'core', []);
  await daemon.admin.call('one.user.allocate', 'bob', 'pw', 'core', []);
  const alice = daemon.client('alice:pw');
  const vmId = await alice.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"', false);
  const drivers = daemon.daemon.container.resolve(Tokens.Drivers);

  await drivers.call('vmm', 'dummy', 'DEPLOY', deployRequest(vmId), { objectId: vmId });
  writeFileSync(path.join(control, `DEPLOY.${vmId}`), 'fail no space left on node1\n');
  const failure = await drivers.call('vmm', 'dummy', 'DEPLOY', deployRequest(vmId), { objectId: vmId }).catch((caught: DriverError) => caught);
  const text = await alice.call<string>('stratus.vm.log', vmId);
  const info = await alice.call<string>('one.vm.info', vmId);

  t.equal((failure as DriverError).code, 'FAILURE');
  const lines = text.trimEnd().split('\n');
  t.equal(lines.length, 2, text);
  t.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[I\] \[vmm\/dummy\] DEPLOY succeeded on node1/);
  t.match(lines[1], /^\S+ \[E\] \[vmm\/dummy\] vmm driver "dummy" DEPLOY for object \d+ failed \(FAILURE\): no space left on node1; fix the cause/);
  const error = (parser.parse(info) as { VM: { USER_TEMPLATE: { ERROR: string } } }).VM.USER_TEMPLATE.ERROR;
  t.match(error, /^\d{4}-\S+Z : vmm driver "dummy" DEPLOY for object \d+ failed \(FAILURE\): no space left on node1; fix the cause/, 'USER_TEMPLATE/ERROR');
  t.equal((await apiError(daemon.client('bob:pw').call('stratus.vm.log', vmId))).code, ErrorCode.AUTHORIZATION, 'bob may not USE the VM');
  t.equal((await apiError(alice.call('stratus.vm.log', vmId + 100))).code, ErrorCode.NO_EXISTS, 'unknown VM');
  t.equal(await daemon.admin.call('stratus.vm.log', vmId), text, 'oneadmin reads it too');
});

t.test('hanging deploy times out with an error', async (t) => {
  const home = temporaryHome(t);
  const control = path.join(home, 'dummy-control');
  mkdirSync(control);
  writeFileSync(path.join(control, 'DEPLOY'), 'hang\n');
  useControlFolder(t, control);
  const settings = pluginTestSettings((changed) => {
    changed.plugins.calls.timeouts = { vmm: { DEPLOY: 1 } };
  });
  const daemon = await startTestDaemon(t, { home, settings });
  const vmId = await daemon.admin.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"', false);
  const drivers = daemon.daemon.container.resolve(Tokens.Drivers);

  const failure = await drivers.call('vmm', 'dummy', 'DEPLOY', deployRequest(vmId), { objectId: vmId }).catch((caught: DriverError) => caught);
  const text = await daemon.admin.call<string>('stratus.vm.log', vmId);
  const info = await daemon.admin.call<string>('one.vm.info', vmId);

  t.equal((failure as DriverError).code, 'TIMEOUT');
  t.match(text, /\[E\] \[vmm\/dummy\] vmm driver "dummy" DEPLOY for object \d+ failed \(TIMEOUT\): no reply within 1 s/);
  t.match(info, /failed \(TIMEOUT\): no reply within 1 s/, 'the timeout is the last error');
});

t.test('stop fails calls in flight and keeps their error', async (t) => {
  const home = temporaryHome(t);
  const control = path.join(home, 'dummy-control');
  mkdirSync(control);
  writeFileSync(path.join(control, 'DEPLOY'), 'hang\n');
  useControlFolder(t, control);
  const first = await startTestDaemon(t, { home, settings: pluginTestSettings() });
  const vmId = await first.admin.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"', false);
  const drivers = first.daemon.container.resolve(Tokens.Drivers);

  const pending = drivers.call('vmm', 'dummy', 'DEPLOY', deployRequest(vmId), { objectId: vmId }).catch((caught: DriverError) => caught);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const log = await stopAndReadLog(first);
  const failure = await pending;
  rmSync(path.join(control, 'DEPLOY'));
  const second = await startTestDaemon(t, { home, settings: pluginTestSettings() });

  t.equal((failure as DriverError).code, 'STOPPED');
  t.notMatch(log, 'internal.error', 'the error was recorded before the database closed');
  t.match(await second.admin.call<string>('one.vm.info', vmId), /failed \(STOPPED\)/, 'the error survives the restart');
});

t.test('VM log files', async (t) => {
  t.test('lines about other objects go to the daemon log', async (t) => {
    const home = temporaryHome(t);
    const log = new RecordingLog();
    const vmLog = new VmLog({ home, maxBytes: 4096, log });

    vmLog.driverLog('image', 'fs', 7, 'W', 'datastore 1 is almost full');
    vmLog.driverLog('vmm', 'qemu', -1, 'I', 'about no VM');
    await vmLog.idle();

    t.same(log.named('driver.log').map((event) => event.fields.objectId), [7, -1]);
    t.equal(existsSync(path.join(home, 'vms')), false, 'no VM log written');
  });

  t.test('multi-line text indented', async (t) => {
    const home = temporaryHome(t);
    const vmLog = new VmLog({ home, maxBytes: 4096, log: new RecordingLog(), clock: () => new Date(0) });

    vmLog.driverLog('transfer', 'ssh', 3, 'E', 'copy failed:\nno route to host');

    t.equal(await vmLog.read(3), '1970-01-01T00:00:00.000Z [E] [transfer/ssh] copy failed:\n  no route to host\n');
    t.equal(statSync(vmLog.fileOf(3)).mode & 0o777, 0o640, 'file mode');
  });

  t.test('rotated at the size limit', async (t) => {
    const home = temporaryHome(t);
    const vmLog = new VmLog({ home, maxBytes: 4096, log: new RecordingLog() });

    for (let line = 0; line < 100; line += 1) vmLog.write(5, 'I', 'vmm/dummy', `line ${line} ${'x'.repeat(60)}`);
    const text = await vmLog.read(5);
    const previous = readFileSync(`${vmLog.fileOf(5)}.1`, 'utf8');

    t.ok(statSync(vmLog.fileOf(5)).size <= 4096, 'vm.log within MAX_BYTES');
    t.ok(previous.length <= 4096, 'vm.log.1 within MAX_BYTES');
    t.match(text.split('\n')[0], /\[I\] \[stratusd\] vm\.log reached 4096 bytes; the earlier lines are in vm\.log\.1$/);
    t.match(text.trimEnd().split('\n').at(-1), /line 99 x+$/, 'the newest line kept');
  });

  t.test('long text cut', async (t) => {
    const home = temporaryHome(t);
    const vmLog = new VmLog({ home, maxBytes: 65536, log: new RecordingLog() });

    vmLog.write(6, 'W', 'vmm/dummy', 'y'.repeat(10_000));

    t.match(await vmLog.read(6), /y{4096}\.\.\. \(10000 characters\)\n$/);
  });

  t.test('writes after close dropped', async (t) => {
    const home = temporaryHome(t);
    const log = new RecordingLog();
    const vmLog = new VmLog({ home, maxBytes: 4096, log });
    vmLog.write(4, 'I', 'vmm/dummy', 'before the stop');

    await vmLog.close();
    vmLog.write(4, 'E', 'vmm/dummy', 'after the stop');
    await vmLog.idle();

    t.match(readFileSync(vmLog.fileOf(4), 'utf8'), /^\S+ \[I\] \[vmm\/dummy\] before the stop\n$/, 'queued lines written, later ones not');
    t.same(log.named('vm_log.dropped').map((event) => event.fields), [{ vmId: 4, step: 'vm_log.write', reason: 'the daemon is stopping' }]);
  });

  t.test('VM without a log', async (t) => {
    const vmLog = new VmLog({ home: temporaryHome(t), maxBytes: 4096, log: new RecordingLog() });

    t.equal(await vmLog.read(9), '');
  });
});

t.test('plugin settings', async (t) => {
  const writeConfig = (text: string): string => {
    const file = path.join(temporaryHome(t), 'stratusd.conf');
    writeFileSync(file, text);
    return file;
  };

  t.test('every setting read', async (t) => {
    const file = writeConfig(`PLUGINS = [
  FOLDERS = "/opt/plugins,
             $STRATUS_HOME/mine",
  WATCH = "no", DEBOUNCE_MS = "50", PROBE_ACTIONS = "yes", PROBE_TIMEOUT_MS = "700",
  INIT_TIMEOUT_MS = "2000", STOP_TIMEOUT_MS = "1000", MAX_LINE_BYTES = "65536",
  MAX_STDERR_LINE_CHARS = "200", MAX_STDERR_LINES_PER_MINUTE = "10", MAX_RESTARTS_PER_MINUTE = "2",
  RESTART_BACKOFF_MS = "100", MAX_RESTART_BACKOFF_MS = "800",
  ACTION_TIMEOUTS = "vmm/DEPLOY=300, transfer/CLONE=7200, vmm/POLL=5",
  RETRY_ATTEMPTS = "5", RETRY_BACKOFF_MS = "250", MAX_RETRY_BACKOFF_MS = "4000" ]
VM_LOG = [ MAX_BYTES = "8192" ]
`);

    const settings = loadSettings(file);

    t.same(settings.plugins, {
      folders: ['/opt/plugins', '$STRATUS_HOME/mine'],
      watch: false,
      debounceMs: 50,
      probeActions: true,
      probeTimeoutMs: 700,
      runtime: {
        initTimeoutMs: 2000,
        stopGraceMs: 1000,
        maxLineBytes: 65536,
        maxStderrLineChars: 200,
        maxStderrLinesPerMinute: 10,
        maxRestartsPerMinute: 2,
        restartBackoffMs: 100,
        maxRestartBackoffMs: 800,
      },
      calls: {
        timeouts: { vmm: { DEPLOY: 300, POLL: 5 }, transfer: { CLONE: 7200 } },
        retries: { attempts: 5, backoffMs: 250 },
        maxBackoffMs: 4000,
      },
    });
    t.equal(settings.vmLog.maxBytes, 8192);
  });

  t.test('defaults kept for absent settings', async (t) => {
    const settings = loadSettings(writeConfig('PLUGINS = [ WATCH = "NO" ]\n'));

    t.equal(settings.plugins.watch, false);
    t.same(settings.plugins.folders, DEFAULT_SETTINGS.plugins.folders);
    t.same(settings.plugins.runtime, DEFAULT_SETTINGS.plugins.runtime);
  });

  t.test('invalid values rejected', async (t) => {
    const cases: Array<[string, RegExp]> = [
      ['PLUGINS = [ WATCH = "maybe" ]', /PLUGINS\/WATCH must be YES or NO, got "maybe"/],
      ['PLUGINS = [ FOLDERS = "" ]', /PLUGINS\/FOLDERS must name at least one folder/],
      ['PLUGINS = [ FOLDERS = "$HOME/plugins" ]', /PLUGINS\/FOLDERS may use only the variables \$STRATUS_ROOT and \$STRATUS_HOME, not \$HOME, got "\$HOME\/plugins"/],
      ['PLUGINS = [ ACTION_TIMEOUTS = "vmm/FLY=3" ]', /ACTION_TIMEOUTS names an action that the vmm protocol does not have, got "vmm\/FLY=3"/],
      ['PLUGINS = [ ACTION_TIMEOUTS = "hypervisor/DEPLOY=3" ]', /names a kind that is not one of auth, vmm, image, transfer/],
      ['PLUGINS = [ ACTION_TIMEOUTS = "vmm/DEPLOY" ]', /must list KIND\/ACTION=SECONDS items such as "vmm\/DEPLOY=300"/],
      ['PLUGINS = [ ACTION_TIMEOUTS = "vmm/DEPLOY=0" ]', /must give at least 1 second/],
      ['PLUGINS = [ RETRY_ATTEMPTS = "11" ]', /PLUGINS\/RETRY_ATTEMPTS must be an integer from 1 to 10, got "11"/],
      ['PLUGINS = [ INIT_TIMEOUT_MS = "5" ]', /PLUGINS\/INIT_TIMEOUT_MS must be an integer of at least 100/],
      ['PLUGINS = [ RETIRES = "3" ]', /unknown setting PLUGINS\/RETIRES/],
      ['VM_LOG = [ MAX_BYTES = "100" ]', /VM_LOG\/MAX_BYTES must be an integer of at least 4096/],
    ];

    for (const [text, message] of cases) {
      const file = writeConfig(`${text}\n`);
      t.throws(() => loadSettings(file), ConfigError, `${text}: ConfigError`);
      t.throws(() => loadSettings(file), message, `${text}: message`);
    }
  });

  t.test('folder variables replaced', async (t) => {
    const folders = resolvePluginFolders(['$STRATUS_ROOT/dist/plugins/vmm', '$STRATUS_HOME/plugins', 'local', '/abs'], { root: '/opt/stratus', home: '/var/stratus' });

    t.same(folders, ['/opt/stratus/dist/plugins/vmm', '/var/stratus/plugins', '/var/stratus/local', '/abs']);
  });
});
