import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { LifecycleManager } from '../../../core/lifecycle/lifecycle-manager.js';
import { Tokens } from '../../../core/tokens.js';
import { LcmState, VmState } from '../../../core/vm/states.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { dummyDriverEnvironment } from '../../helpers/dummy-environment.js';

const ADMIN = { uid: 0, gid: 0, groupIds: [0], uname: 'oneadmin', gname: 'oneadmin' };

interface World {
  daemon: TestDaemon;
  lifecycle: LifecycleManager;
  control: string;
  hostId: number;
}

async function world(t: Test): Promise<World> {
  // The dummy driver fixes its control folder when it loads, so the variables are set first.
  const { home, control } = dummyDriverEnvironment(t);
  const daemon = await startTestDaemon(t, { home });

  const lifecycle: LifecycleManager = daemon.daemon.container.resolve(Tokens.Lifecycle);

  const hostId = await daemon.admin.call<number>('one.host.allocate', 'localhost', 'dummy', 'dummy', -1);
  return { daemon, lifecycle, control, hostId };
}

async function position(w: World, vmId: number): Promise<{ state: number; lcm: number; error: string | undefined }> {
  const xml = await w.daemon.admin.call<string>('one.vm.info', vmId);
  const number = (name: string) => Number(new RegExp(`<${name}>(\\d+)</${name}>`).exec(xml)?.[1]);
  return { state: number('STATE'), lcm: number('LCM_STATE'), error: /<ERROR>([^<]*)<\/ERROR>/.exec(xml)?.[1] };
}

async function hostUsage(w: World): Promise<{ cpu: number; mem: number; vms: string }> {
  const xml = await w.daemon.admin.call<string>('one.host.info', w.hostId);
  return {
    cpu: Number(/<CPU_USAGE>(\d+)</.exec(xml)?.[1]),
    mem: Number(/<MEM_USAGE>(\d+)</.exec(xml)?.[1]),
    vms: /<VMS>(.*?)<\/VMS>|<VMS\/>/.exec(xml)?.[1] ?? '',
  };
}

/** Returns the times and TM_MAD of the VM's last history record. */
async function historyTimes(w: World, vmId: number): Promise<{ times: Record<string, number>; tmMad: string }> {
  const xml = await w.daemon.admin.call<string>('one.vm.info', vmId);
  const record = /<HISTORY>(?![\s\S]*<HISTORY>)([\s\S]*?)<\/HISTORY>/.exec(xml)?.[1] ?? '';
  const times: Record<string, number> = {};
  for (const name of ['PSTIME', 'PETIME', 'RSTIME', 'RETIME', 'ESTIME', 'EETIME', 'ETIME']) {
    times[name] = Number(new RegExp(`<${name}>(\\d+)</${name}>`).exec(record)?.[1]);
  }
  return { times, tmMad: /<TM_MAD>(?:<!\[CDATA\[)?([^<\]]*)/.exec(record)?.[1] ?? '' };
}

async function newVm(w: World): Promise<number> {
  return w.daemon.admin.call<number>('one.vm.allocate', 'CPU = "0.5"\nMEMORY = "128"', false);
}

async function act(w: World, action: string, vmId: number): Promise<void> {
  await w.lifecycle.action(ADMIN, action, vmId);
  await w.lifecycle.idle();
}

t.test('deploy brings a VM to RUNNING', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);

  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();

  t.same(await position(w, vmId), { state: VmState.ACTIVE, lcm: LcmState.RUNNING, error: undefined });
  t.same(await hostUsage(w), { cpu: 50, mem: 128 * 1024, vms: `<ID>${vmId}</ID>` }, 'the host share counts the VM');
});

t.test('actions follow OpenNebula transitions', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();

  const steps: Array<[string, number, number]> = [
    ['poweroff', VmState.POWEROFF, 0],
    ['resume', VmState.ACTIVE, LcmState.RUNNING],
    ['suspend', VmState.SUSPENDED, 0],
    ['resume', VmState.ACTIVE, LcmState.RUNNING],
    ['reboot', VmState.ACTIVE, LcmState.RUNNING],
    ['reboot-hard', VmState.ACTIVE, LcmState.RUNNING],
    ['terminate', VmState.DONE, 0],
  ];
  for (const [action, state, lcm] of steps) {
    await act(w, action, vmId);
    const now = await position(w, vmId);
    t.same([now.state, now.lcm], [state, lcm], `${action} gives ${VmState[state]}`);
  }

  t.same(await hostUsage(w), { cpu: 0, mem: 0, vms: '' }, 'terminate gives the capacity back');
});

t.test('history records phase times', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();

  const { times: running, tmMad } = await historyTimes(w, vmId);
  t.ok(running.PSTIME > 0, 'PSTIME: the prolog started');
  t.ok(running.PETIME >= running.PSTIME, 'PETIME: the prolog ended');
  t.ok(running.RSTIME >= running.PETIME, 'RSTIME: the running time began');
  t.same([running.RETIME, running.ESTIME, running.EETIME, running.ETIME], [0, 0, 0, 0], 'nothing has ended yet');
  t.equal(tmMad, 'shared', 'TM_MAD is that of the system datastore');

  await act(w, 'terminate', vmId);

  const { times: done } = await historyTimes(w, vmId);
  t.ok(done.RETIME >= done.RSTIME, 'RETIME: the running time ended');
  t.ok(done.ESTIME >= done.RETIME, 'ESTIME: the epilog started');
  t.ok(done.EETIME >= done.ESTIME, 'EETIME: the epilog ended');
  t.ok(done.ETIME >= done.EETIME, 'ETIME: the placement ended');
});

t.test('hold and release need no driver', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);

  await act(w, 'hold', vmId);
  t.equal((await position(w, vmId)).state, VmState.HOLD);
  await act(w, 'release', vmId);
  t.equal((await position(w, vmId)).state, VmState.PENDING);
});

t.test('action from wrong state is refused', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);

  const error = await w.lifecycle.action(ADMIN, 'suspend', vmId).catch((e: unknown) => e as Error);

  t.match((error as Error).message, /Action "suspend" is not supported for VM \d+ in state PENDING/);
});

t.test('unknown action is refused', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);

  const error = await w.lifecycle.action(ADMIN, 'shutdown', vmId).catch((e: unknown) => e as Error);

  t.match((error as Error).message, /Action "shutdown" is not supported/);
});

t.test('failed boot leaves BOOT_FAILURE with message', async (t) => {
  const w = await world(t);
  mkdirSync(w.control, { recursive: true });
  writeFileSync(path.join(w.control, 'DEPLOY'), 'fail the hypervisor is out of memory\n');
  const vmId = await newVm(w);

  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();

  const now = await position(w, vmId);
  t.same([now.state, now.lcm], [VmState.ACTIVE, LcmState.BOOT_FAILURE]);
  t.match(now.error, /deploy failed at boot: .*the hypervisor is out of memory/);
  const log = await w.daemon.admin.call<string>('stratus.vm.log', vmId);
  t.match(log, /the hypervisor is out of memory/, 'the VM log has the driver message');
});

t.test('failed shutdown leaves VM running', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();
  writeFileSync(path.join(w.control, 'SHUTDOWN'), 'fail guest ignored ACPI\n');

  await act(w, 'poweroff', vmId);

  const now = await position(w, vmId);
  t.same([now.state, now.lcm], [VmState.ACTIVE, LcmState.RUNNING]);
  t.match(now.error, /guest ignored ACPI/);
});

t.test('terminate from BOOT_FAILURE cleans up', async (t) => {
  const w = await world(t);
  writeFileSync(path.join(w.control, 'DEPLOY'), 'fail no\n');
  const vmId = await newVm(w);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();

  await act(w, 'terminate', vmId);

  t.equal((await position(w, vmId)).state, VmState.DONE);
  t.same(await hostUsage(w), { cpu: 0, mem: 0, vms: '' });
});

t.test('busy VM refuses a second action', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);
  writeFileSync(path.join(w.control, 'DEPLOY'), 'delay 500\n');

  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  const error = await w.lifecycle.action(ADMIN, 'terminate', vmId).catch((e: unknown) => e as Error);
  await w.lifecycle.idle();

  t.match((error as Error).message, /VM \d+ is busy with "deploy"/);
});

t.test('one.vm.deploy and one.vm.action over XML-RPC', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);

  t.equal(await w.daemon.admin.call<number>('one.vm.deploy', vmId, w.hostId, false, -1), vmId);
  await w.lifecycle.idle();
  const running = await position(w, vmId);
  t.equal(await w.daemon.admin.call<number>('one.vm.action', 'terminate-hard', vmId), vmId);
  await w.lifecycle.idle();

  t.same([running.state, running.lcm], [VmState.ACTIVE, LcmState.RUNNING], 'deployed');
  t.equal((await position(w, vmId)).state, VmState.DONE, 'terminated');
});

t.test('users may not deploy', async (t) => {
  const w = await world(t);
  await w.daemon.admin.call('one.user.allocate', 'alice', 'pw', '', []);
  const alice = w.daemon.client('alice:pw');
  const vmId = await alice.call<number>('one.vm.allocate', 'CPU = 1\nMEMORY = 64', false);

  const error = await alice.call('one.vm.deploy', vmId, w.hostId).catch((e: unknown) => e as Error & { code: number });

  t.equal((error as { code: number }).code, 0x200);
});

t.test('deploy enforce needs room', async (t) => {
  const w = await world(t);
  const vmId = await newVm(w);

  const unmonitored = await w.daemon.admin.call('one.vm.deploy', vmId, w.hostId, true, -1).catch((error: unknown) => error as Error);
  const otherDatastore = await w.daemon.admin.call('one.vm.deploy', vmId, w.hostId, false, 5).catch((error: unknown) => error as Error);

  t.match((unmonitored as Error).message, /Cannot deploy VM \d+: host \d+ \(localhost\) has not reported its capacity yet .*pass enforce = false to overcommit/);
  t.match((otherDatastore as Error).message, /Cannot deploy VM \d+ to system datastore 5: .*pass -1/);
  t.equal((await position(w, vmId)).state, VmState.PENDING, 'the VM stays PENDING');

  await w.daemon.admin.call('one.vm.deploy', vmId, w.hostId, false, 0);
  await w.lifecycle.idle();
  t.equal((await position(w, vmId)).lcm, LcmState.RUNNING, 'without enforce the VM runs');
});
