import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { LcmState, VmState } from '../../core/vm/states.js';
import { startTestDaemon, temporaryHome, type TestDaemon } from '../helpers/daemon.js';
import { runInProcess, type CliRun } from './harness.js';
import { dummyDriverEnvironment } from '../helpers/dummy-environment.js';

const WEB = 'NAME = "web"\nCPU = "0.5"\nMEMORY = "128"';

interface World {
  daemon: TestDaemon;
  home: string;
  control: string;
  run(...args: string[]): Promise<CliRun>;
}

/** Starts a daemon whose dummy VM driver reads control files, and adds the host `localhost` through the CLI. */
async function world(t: Test): Promise<World> {
  // The dummy driver fixes its control folder when it loads, so the variables are set first.
  const { home, control } = dummyDriverEnvironment(t);
  const daemon = await startTestDaemon(t, { home });

  const folder = temporaryHome(t, 'stratus-cli-test-');
  const authFile = path.join(folder, 'one_auth');
  writeFileSync(authFile, `${daemon.adminSession}\n`);
  const env = { ONE_AUTH: authFile, ONE_XMLRPC: daemon.url };
  const run = (...args: string[]) => runInProcess(env, folder, args);

  const host = await run('host', 'create', 'localhost', '--im', 'dummy', '--vm', 'dummy');
  if (host.code !== 0) throw new Error(`host create failed: ${host.stderr}`);
  return { daemon, home, control, run };
}

async function stateOf(w: World, vmId: number): Promise<[number, number]> {
  const xml = await w.daemon.admin.call<string>('one.vm.info', vmId);
  const number = (name: string) => Number(new RegExp(`<${name}>(\\d+)</${name}>`).exec(xml)?.[1]);
  return [number('STATE'), number('LCM_STATE')];
}

/** Creates the VM `web` in HOLD, so that the scheduler leaves it, and returns its id. */
async function heldVm(w: World, template = WEB): Promise<number> {
  const created = await w.run('vm', 'create', '--template', template, '--hold');
  const id = /^ID: (\d+)$/m.exec(created.stdout)?.[1];
  if (id === undefined) throw new Error(`vm create failed: ${created.stderr}`);
  return Number(id);
}

function scriptDriver(w: World, action: string, directive: string): void {
  writeFileSync(path.join(w.control, action), `${directive}\n`);
}

function lastLine(run: CliRun): string {
  return run.stdout.trimEnd().split('\n').at(-1) ?? '';
}

/** Deploys the VM over XML-RPC as soon as it exists, for commands that wait for a VM they create. */
async function deployWhenCreated(w: World, vmId: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const exists = await w.daemon.admin.call('one.vm.info', vmId).then(
      () => true,
      () => false,
    );
    if (exists) {
      await w.daemon.admin.call('one.vm.deploy', vmId, 0, false, -1);
      return;
    }
    await sleep(25);
  }
  throw new Error(`VM ${vmId} was never created`);
}

t.test('deploy and action shortcuts with --wait', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);

  const steps: Array<[string[], number, number]> = [
    [['vm', 'deploy', 'web', 'localhost', '--wait'], VmState.ACTIVE, LcmState.RUNNING],
    [['vm', 'poweroff', 'web', '--wait'], VmState.POWEROFF, 0],
    [['vm', 'resume', 'web', '--wait'], VmState.ACTIVE, LcmState.RUNNING],
    [['vm', 'reboot', 'web', '--hard', '--wait'], VmState.ACTIVE, LcmState.RUNNING],
    [['vm', 'resched', 'web'], VmState.ACTIVE, LcmState.RUNNING],
    [['vm', 'unresched', 'web'], VmState.ACTIVE, LcmState.RUNNING],
    [['vm', 'suspend', 'web', '--wait'], VmState.SUSPENDED, 0],
    [['vm', 'resume', 'web', '--wait'], VmState.ACTIVE, LcmState.RUNNING],
    [['vm', 'stop', 'web', '--wait'], VmState.STOPPED, 0],
    [['vm', 'resume', 'web'], VmState.PENDING, 0],
  ];
  for (const [args, state, lcm] of steps) {
    const result = await w.run(...args);
    t.equal(result.code, 0, `${args.join(' ')} exits 0: ${result.stderr}`);
    t.same(await stateOf(w, id), [state, lcm], `${args.join(' ')} ends in ${VmState[state]}`);
  }
});

t.test('vm migrate with --wait', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);
  await w.run('host', 'create', '127.0.0.1', '--im', 'dummy', '--vm', 'dummy');
  await w.run('vm', 'deploy', 'web', 'localhost', '--wait');
  const hostOf = async () => Number(/<HID>(\d+)<\/HID>(?![\s\S]*<HID>)/.exec(await w.daemon.admin.call<string>('one.vm.info', id))?.[1]);

  const cold = await w.run('vm', 'migrate', 'web', '127.0.0.1', '--wait');
  t.equal(cold.code, 0, cold.stderr);
  t.same(await stateOf(w, id), [VmState.ACTIVE, LcmState.RUNNING]);
  t.equal(await hostOf(), 1, 'the VM runs on 127.0.0.1');

  const live = await w.run('vm', 'migrate', 'web', 'localhost', '--live', '--wait');
  t.equal(live.code, 0, live.stderr);
  t.equal(await hostOf(), 0, 'the VM runs on localhost again');

  await w.run('vm', 'poweroff', 'web', '--wait');
  const off = await w.run('vm', 'migrate', 'web', '127.0.0.1', '--wait');
  t.equal(off.code, 0, off.stderr);
  t.same(await stateOf(w, id), [VmState.POWEROFF, 0], 'a powered-off VM stays off');
  t.equal(await hostOf(), 1);

  const rejected = await w.run('vm', 'migrate', 'web', 'localhost', '--live');
  t.equal(rejected.code, 1);
  t.match(rejected.stderr, /it is POWEROFF, and a live migration needs ACTIVE\/RUNNING; migrate it with live = false/);

  const both = await w.run('vm', 'migrate', 'web', 'localhost', '--live', '--poweroff');
  t.not(both.code, 0);
  t.match(both.stderr, /give at most one of --live, --poweroff and --poweroff-hard/);
});

t.test('shortcuts end PENDING, HOLD, UNDEPLOYED and DONE', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);

  const release = await w.run('vm', 'release', 'web', '--wait');
  const hold = await w.run('vm', 'hold', String(id), '--wait');
  await w.run('vm', 'deploy', 'web', 'localhost', '--wait');
  const undeploy = await w.run('vm', 'undeploy', 'web', '--hard', '--wait');
  const terminate = await w.run('vm', 'terminate', 'web', '--wait');

  t.equal(lastLine(release), `VM ${id}: PENDING`);
  t.equal(lastLine(hold), `VM ${id}: HOLD`);
  t.equal(lastLine(undeploy), `VM ${id}: UNDEPLOYED`);
  t.equal(lastLine(terminate), `VM ${id}: DONE`);
  t.equal((await stateOf(w, id))[0], VmState.DONE);
});

t.test('vm action runs any action', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);
  await w.run('vm', 'deploy', 'web', 'localhost', '--wait');

  const poweroff = await w.run('vm', 'action', 'poweroff-hard', 'web', '--wait');
  const unknown = await w.run('vm', 'action', 'shutdown', 'web');

  t.equal(poweroff.code, 0);
  t.equal(lastLine(poweroff), `VM ${id}: POWEROFF`);
  t.equal(unknown.code, 2, 'an unknown action is a usage error');
  t.match(unknown.stderr, /value 'shutdown' is invalid for argument 'action'\. Allowed choices are terminate, terminate-hard/);
});

t.test('action refused by the server exits 1', async (t) => {
  const w = await world(t);
  await heldVm(w);

  const suspend = await w.run('vm', 'suspend', 'web');

  t.equal(suspend.code, 1);
  t.match(suspend.stderr, /Action "suspend" is not supported for VM \d+ in state HOLD/);
});

t.test('--wait reports a failed deploy', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);
  scriptDriver(w, 'DEPLOY', 'fail the hypervisor is out of memory');

  const deploy = await w.run('vm', 'deploy', 'web', 'localhost', '--wait');

  t.equal(deploy.code, 1);
  t.match(deploy.stderr, new RegExp(`^stratus: VM ${id} is in BOOT_FAILURE: .*deploy failed at boot: .*out of memory`));
});

t.test('--wait reports a failure back to RUNNING', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);
  await w.run('vm', 'deploy', 'web', 'localhost', '--wait');
  scriptDriver(w, 'SHUTDOWN', 'fail guest ignored ACPI');

  const poweroff = await w.run('vm', 'poweroff', 'web', '--wait');

  t.equal(poweroff.code, 1);
  t.match(poweroff.stderr, new RegExp(`the operation on VM ${id} failed, and the VM is in RUNNING: .*guest ignored ACPI`));
});

t.test('vm wait exit statuses', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);

  const held = await w.run('vm', 'wait', 'web', '--state', 'hold');
  const timeout = await w.run('vm', 'wait', 'web', '--timeout', '1');
  const badState = await w.run('vm', 'wait', 'web', '--state', 'RUNNNG');
  const json = await w.run('vm', 'wait', 'web', '--state', 'HOLD', '--json');

  t.equal(held.code, 0);
  t.equal(held.stdout, `VM ${id}: HOLD\n`);
  t.equal(timeout.code, 2, 'a timeout exits 2');
  t.match(timeout.stderr, new RegExp(`timed out after 1 s waiting for VM ${id} to reach RUNNING; it is in HOLD`));
  t.equal(badState.code, 2);
  t.match(badState.stderr, /expected a VM state such as RUNNING/);
  t.same(JSON.parse(json.stdout), { id, state: 'HOLD', lcmState: 'LCM_INIT' }, 'JSON result on standard output');
  t.equal(json.stderr, `VM ${id}: HOLD\n`, 'progress on standard error with --json');
});

t.test('vm wait on a failed VM exits 1', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);
  scriptDriver(w, 'DEPLOY', 'fail no memory');
  await w.run('vm', 'deploy', 'web', 'localhost', '--wait');

  const wait = await w.run('vm', 'wait', String(id));

  t.equal(wait.code, 1);
  t.equal(wait.stdout, `VM ${id}: BOOT_FAILURE\n`);
  t.match(wait.stderr, /is in BOOT_FAILURE: .*no memory/);
});

t.test('vm recover operations', async (t) => {
  const w = await world(t);
  scriptDriver(w, 'DEPLOY', 'fail no memory');
  const ids: number[] = [];
  for (const name of ['retry', 'success', 'delete', 'recreate', 'deletedb']) {
    const id = await heldVm(w, `NAME = "${name}"\nCPU = "0.5"\nMEMORY = "64"`);
    await w.run('vm', 'deploy', name, 'localhost', '--wait');
    ids.push(id);
  }
  rmSync(path.join(w.control, 'DEPLOY'));

  const failure = await w.run('vm', 'recover', 'retry', '--failure');
  const results = [
    await w.run('vm', 'recover', 'retry', '--retry'),
    await w.run('vm', 'recover', 'success', '--success'),
    await w.run('vm', 'recover', 'delete', '--delete'),
    await w.run('vm', 'recover', 'recreate', '--recreate'),
    await w.run('vm', 'recover', String(ids[4]), '--delete-db'),
  ];
  const outcomes = [
    await w.run('vm', 'wait', String(ids[0]), '--state', 'RUNNING', '--timeout', '10'),
    await w.run('vm', 'wait', String(ids[1]), '--state', 'RUNNING', '--timeout', '10'),
    await w.run('vm', 'wait', String(ids[2]), '--state', 'DONE', '--timeout', '10'),
    await w.run('vm', 'wait', String(ids[3]), '--state', 'PENDING', '--timeout', '10'),
  ];

  t.equal(failure.code, 1, '--failure on a failed VM is refused');
  t.match(failure.stderr, /Cannot recover VM \d+ in state ACTIVE\/BOOT_FAILURE: it has no operation in progress/);
  t.same(results.map((result) => result.code), [0, 0, 0, 0, 0], 'every option is accepted');
  t.same(outcomes.map(lastLine), [`VM ${ids[0]}: RUNNING`, `VM ${ids[1]}: RUNNING`, `VM ${ids[2]}: DONE`, `VM ${ids[3]}: PENDING`]);
  t.same(await stateOf(w, ids[4]), [VmState.DONE, 0], 'delete-db');
  t.same(
    (await w.daemon.admin.call<string>('one.host.info', 0)).match(/<RUNNING_VMS>(\d+)</)?.[1],
    '2',
    'the host keeps only the RUNNING VMs',
  );
});

t.test('vm recover needs exactly one option', async (t) => {
  const w = await world(t);
  await heldVm(w);

  const none = await w.run('vm', 'recover', 'web');
  const two = await w.run('vm', 'recover', 'web', '--success', '--retry');
  const held = await w.run('vm', 'recover', 'web', '--delete');

  t.equal(none.code, 2);
  t.match(none.stderr, /give exactly one of --failure, --success, --retry, --delete, --recreate, --delete-db/);
  t.equal(two.code, 2);
  t.equal(held.code, 1, 'the server refuses a VM that needs no recovery');
  t.match(held.stderr, /Cannot recover VM \d+ in state HOLD/);
});

t.test('vm create --wait follows the VM', async (t) => {
  const w = await world(t);

  const [create] = await Promise.all([w.run('vm', 'create', '--template', WEB, '--wait', '--timeout', '20'), deployWhenCreated(w, 0)]);
  const held = await w.run('vm', 'create', '--template', WEB, '--hold', '--wait');

  t.equal(create.code, 0, create.stderr);
  t.match(create.stdout, /^ID: 0\n(VM 0: [A-Z_]+\n)+$/, 'the ID, then one line per state');
  t.equal(lastLine(create), 'VM 0: RUNNING');
  t.equal(held.stdout, 'ID: 1\nVM 1: HOLD\n');
});

t.test('template instantiate --wait', async (t) => {
  const w = await world(t);
  await w.run('template', 'create', '--template', WEB);

  const [running] = await Promise.all([w.run('template', 'instantiate', 'web', '--name', 'web-0', '--wait'), deployWhenCreated(w, 0)]);
  const held = await w.run('template', 'instantiate', 'web', '--hold', '--wait');

  t.equal(running.code, 0, running.stderr);
  t.match(running.stdout, /^VM ID: 0\n(VM 0: [A-Z_]+\n)+$/, 'the ID, then one line per state');
  t.equal(lastLine(running), 'VM 0: RUNNING');
  t.equal(held.stdout, 'VM ID: 1\nVM 1: HOLD\n');
});

t.test('vm instantiate alias', async (t) => {
  const w = await world(t);
  await w.run('template', 'create', '--template', WEB);

  const held = await w.run('vm', 'instantiate', 'web', '--name', 'web-held', '--hold', '--wait');

  t.equal(held.code, 0, held.stderr);
  t.equal(held.stdout, 'VM ID: 0\nVM 0: HOLD\n');
  t.match(await w.daemon.admin.call<string>('one.vm.info', 0), /<NAME>web-held<\/NAME>/);
});

t.test('vm console reads the serial log', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);
  const expected = path.join(w.home, 'datastores', '0', String(id), 'serial.log');

  const undeployed = await w.run('vm', 'console', 'web');
  await w.run('vm', 'deploy', 'web', 'localhost', '--wait');
  const missing = await w.run('vm', 'console', 'web');
  mkdirSync(path.dirname(expected), { recursive: true });
  writeFileSync(expected, 'Linux version 6.1\nlogin: ');
  const present = await w.run('vm', 'console', 'web');

  t.equal(undeployed.code, 1);
  t.match(undeployed.stderr, /VM \d+ has never been deployed, so it has no serial console/);
  t.equal(missing.code, 1);
  t.match(missing.stderr, `cannot read the serial console of VM ${id} (ENOENT); it is expected at ${expected} on the front end`);
  t.equal(present.code, 0);
  t.equal(present.stdout, 'Linux version 6.1\nlogin: \n');
});

t.test('vm console escapes control characters', async (t) => {
  const w = await world(t);
  const id = await heldVm(w);
  await w.run('vm', 'deploy', 'web', 'localhost', '--wait');
  const serialLog = path.join(w.home, 'datastores', '0', String(id), 'serial.log');
  mkdirSync(path.dirname(serialLog), { recursive: true });
  writeFileSync(serialLog, 'root@demo:~# \u001b[6n\tdone\r\n');

  const escaped = await w.run('vm', 'console', 'web');
  const raw = await w.run('vm', 'console', 'web', '--raw');

  t.equal(escaped.stdout, 'root@demo:~# ^[[6n\tdone\r\n', 'ESC is shown as ^[');
  t.equal(raw.stdout, 'root@demo:~# \u001b[6n\tdone\r\n', '--raw prints the bytes as they are');
});
