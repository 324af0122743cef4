import path from 'node:path';
import t, { type Test } from 'tap';
import type { Settings } from '../../../core/config/settings.js';
import { LcmState, VmState } from '../../../core/vm/states.js';
import { HostState } from '../../../core/pools/records/host-record.js';
import { Tokens } from '../../../core/tokens.js';
import { startTestDaemon, temporaryHome } from '../../helpers/daemon.js';
import { changeStored, textAt } from '../../helpers/objects.js';
import {
  addHost,
  addVm,
  cycle,
  hostVmIds,
  monitorAsDummy,
  schedulerWorld,
  vmView,
  waitUntilRunning,
  type SchedulerWorld,
} from '../../helpers/scheduler-world.js';

/**
 * Starts a daemon whose allocations do not wake the scheduler loop, unless `wakes` is
 * true, so that each test drives every cycle with runOnce.
 */
function world(t: Test, configure: (settings: Settings) => void = () => {}, wakes = false): Promise<SchedulerWorld> {
  return schedulerWorld(t, { configure, wakes });
}

t.test('timed cycle runs pending VM', async (t) => {
  const w = await world(t, (settings) => {
    settings.scheduler.intervalMs = 100;
  });
  const hostId = await addHost(w, 'node1');
  const vmId = await addVm(w);

  const view = await waitUntilRunning(w, vmId);

  t.equal(view.state, VmState.ACTIVE, 'ACTIVE without one.vm.deploy');
  t.equal(view.lcm, LcmState.RUNNING, 'RUNNING');
  t.equal(view.hostId, hostId, 'on the only host');
});

t.test('wake runs a cycle soon', async (t) => {
  const w = await world(t, () => {}, true);
  const hostId = await addHost(w, 'node1');
  const vmId = await addVm(w);

  w.scheduler.wake();
  const view = await waitUntilRunning(w, vmId);

  t.equal(view.lcm, LcmState.RUNNING, 'RUNNING although no timed cycle runs');
  t.equal(view.hostId, hostId, 'on the only host');
});

t.test('overlapping runOnce dispatches once', async (t) => {
  const w = await world(t);
  await addHost(w, 'node1');
  await addVm(w);

  const [first, second] = await Promise.all([w.scheduler.runOnce(), w.scheduler.runOnce()]);
  await w.lifecycle.idle();

  t.match(first, { vms: 1, placed: 1 }, 'the first cycle places the VM');
  t.match(second, { vms: 0, placed: 0 }, 'the second starts after it and finds nothing');
});

t.test('runOnce dispatches and reserves', async (t) => {
  const w = await world(t);
  const hostId = await addHost(w, 'node1');
  const vmId = await addVm(w);

  const summary = await cycle(w);

  t.match(summary, { vms: 1, hosts: 1, placed: 1, pending: 0, skipped: 0 }, 'cycle summary');
  t.equal((await vmView(w, vmId)).lcm, LcmState.RUNNING, 'RUNNING');
  t.same(await hostVmIds(w, hostId), [vmId], 'the host lists the VM');
  const host = await w.daemon.admin.call<string>('one.host.info', hostId);
  t.equal(textAt(host, 'HOST_SHARE/CPU_USAGE'), '50', 'CPU_USAGE counts the VM once');
  t.equal(textAt(host, 'HOST_SHARE/MEM_USAGE'), String(128 * 1024), 'MEM_USAGE counts the VM once');
});

t.test('oversized VM stays pending with message', async (t) => {
  const w = await world(t);
  const hostId = await addHost(w, 'node1');
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "32768"', false);

  const summary = await cycle(w);
  const view = await vmView(w, vmId);

  t.match(summary, { placed: 0, pending: 1, messages: 1 }, 'cycle summary');
  t.equal(view.state, VmState.PENDING, 'PENDING');
  t.match(view.message, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z: /, 'starts with the time');
  t.match(view.message, `No host with 32 GB free memory; the largest free is 16 GB on host ${hostId} (node1)`, 'names the largest free memory and its host');
});

t.test('message rewritten only when changed', async (t) => {
  const w = await world(t);
  await addHost(w, 'node1');
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "32768"', false);

  await cycle(w);
  const first = (await vmView(w, vmId)).message;
  w.clock.now += 3600;
  const summary = await cycle(w);

  t.equal(summary?.messages, 0, 'no write for the same message');
  t.equal((await vmView(w, vmId)).message, first, 'the first time stays');
});

t.test('unmonitored host offers nothing', async (t) => {
  const w = await world(t);
  const hostId = await addHost(w, 'node1', { monitored: false });
  const vmId = await addVm(w);

  await cycle(w);
  const waiting = await vmView(w, vmId);
  await monitorAsDummy(w, hostId);
  await cycle(w);
  const placed = await vmView(w, vmId);

  t.equal(waiting.state, VmState.PENDING, 'pending while MAX_CPU and MAX_MEM are 0');
  t.match(waiting.message, `No host has reported its capacity yet (MAX_CPU and MAX_MEM are 0 until its first monitoring): host ${hostId} (node1)`, 'the message names the host that waits for monitoring');
  t.equal(placed.lcm, LcmState.RUNNING, 'runs once the host has capacity');
  t.equal(placed.message, undefined, 'SCHED_MESSAGE removed at placement');
});

t.test('SCHED_REQUIREMENTS picks host 1', async (t) => {
  const w = await world(t);
  const first = await addHost(w, 'node0');
  const second = await addHost(w, 'node1');
  const vmId = await addVm(w, 'SCHED_REQUIREMENTS = "ID = 1"');

  await cycle(w);

  t.same([first, second], [0, 1], 'host IDs');
  t.equal((await vmView(w, vmId)).hostId, 1, 'the VM runs on host 1');
  t.same(await hostVmIds(w, 0), [], 'host 0 got nothing');
});

t.test('HOLD VM is not scheduled', async (t) => {
  const w = await world(t);
  await addHost(w, 'node1');
  const vmId = await addVm(w, '', true);

  const summary = await cycle(w);
  const view = await vmView(w, vmId);

  t.equal(summary?.vms, 0, 'the cycle does not consider it');
  t.equal(view.state, VmState.HOLD, 'still HOLD');
  t.equal(view.message, undefined, 'no SCHED_MESSAGE');
});

t.test('disabled host gets nothing', async (t) => {
  const w = await world(t, (settings) => {
    settings.scheduler.maxHost = 0;
  });
  const disabled = await addHost(w, 'node0');
  const enabled = await addHost(w, 'node1');
  await w.daemon.admin.call('one.host.status', disabled, 1);
  const vmIds = [await addVm(w), await addVm(w), await addVm(w)];
  const pinned = await addVm(w, `SCHED_REQUIREMENTS = "ID = ${disabled}"`);

  const summary = await cycle(w);

  t.match(summary, { placed: 3, pending: 1 }, 'cycle summary');
  t.same(await hostVmIds(w, disabled), [], 'the disabled host has no VMs');
  t.same(await hostVmIds(w, enabled), vmIds, 'the enabled host runs the others');
  t.equal((await vmView(w, pinned)).state, VmState.PENDING, 'a VM that needs the disabled host waits');
});

t.test('MAX_DISPATCH limits a cycle', async (t) => {
  const w = await world(t, (settings) => {
    settings.scheduler.maxDispatch = 2;
    settings.scheduler.maxHost = 0;
  });
  await addHost(w, 'node1');
  const vmIds: number[] = [];
  for (let n = 0; n < 5; n++) vmIds.push(await addVm(w));

  const first = await cycle(w);
  const views = await Promise.all(vmIds.map((vmId) => vmView(w, vmId)));
  const second = await cycle(w);

  t.match(first, { vms: 5, placed: 2, pending: 3 }, 'the first cycle places two');
  t.same(views.map((view) => view.state), [VmState.ACTIVE, VmState.ACTIVE, VmState.PENDING, VmState.PENDING, VmState.PENDING], 'the lowest IDs run');
  t.match(views[2].message, 'MAX_DISPATCH = 2', 'the waiting VMs say why');
  t.match(second, { vms: 3, placed: 2, pending: 1 }, 'the next cycle places two more');
});

t.test('MAX_HOST spreads VMs', async (t) => {
  const w = await world(t);
  const hostIds = [await addHost(w, 'node0'), await addHost(w, 'node1')];
  const vmIds = [await addVm(w), await addVm(w), await addVm(w)];

  const summary = await cycle(w);

  t.match(summary, { placed: 2, pending: 1 }, 'one VM per host');
  t.same((await hostVmIds(w, hostIds[0])).length, 1, 'one VM on the first host');
  t.same((await hostVmIds(w, hostIds[1])).length, 1, 'one VM on the second host');
  t.match((await vmView(w, vmIds[2])).message, 'MAX_HOST = 1');
});

t.test('runOnce after stop does nothing', async (t) => {
  const w = await world(t);
  await addHost(w, 'node1');
  const vmId = await addVm(w);

  await w.scheduler.stop();
  const summary = await w.scheduler.runOnce();

  t.equal(summary, undefined, 'no cycle ran');
  t.equal((await vmView(w, vmId)).state, VmState.PENDING, 'the VM still waits');
});

t.test('resched migrates to another host', async (t) => {
  const w = await world(t);
  // The migration moves the VM folder with the shared transfer driver, which takes these names as this machine.
  const first = await addHost(w, 'localhost');
  const vmId = await addVm(w);
  await cycle(w);
  const second = await addHost(w, '127.0.0.1');

  await w.daemon.admin.call('one.vm.action', 'resched', vmId);
  const summary = await cycle(w);

  t.match(summary, { vms: 1, placed: 1 }, 'the cycle takes the RESCHED VM');
  const xml = await w.daemon.admin.call<string>('one.vm.info', vmId);
  const hostIds = [...xml.matchAll(/<HID>(\d+)<\/HID>/g)].map((match) => Number(match[1]));
  t.same(hostIds, [first, second], 'the VM left its host for the other one');
  t.equal(textAt(xml, 'RESCHED'), '0', 'RESCHED is cleared');
  t.equal((await vmView(w, vmId)).lcm, LcmState.RUNNING, 'RUNNING after the migration');
  t.same(await hostVmIds(w, first), [], 'the old host no longer lists the VM');
  t.same(await hostVmIds(w, second), [vmId], 'the new host lists the VM');
});

t.test('resched without other host waits', async (t) => {
  const w = await world(t);
  const hostId = await addHost(w, 'localhost');
  const vmId = await addVm(w);
  await cycle(w);

  await w.daemon.admin.call('one.vm.action', 'resched', vmId);
  const summary = await cycle(w);

  t.match(summary, { vms: 1, placed: 0, pending: 1 }, 'nothing to move to');
  const view = await vmView(w, vmId);
  t.equal(view.lcm, LcmState.RUNNING, 'still RUNNING');
  t.equal(view.hostId, hostId, 'on its host');
  t.match(view.message, /a rescheduled VM must move to another host/, 'SCHED_MESSAGE says why');
});

t.test('pending VMs placed after restart', async (t) => {
  const home = temporaryHome(t);
  const saved = process.env.STRATUS_DATASTORE_ROOTS;
  process.env.STRATUS_DATASTORE_ROOTS = path.join(home, 'datastores');
  t.teardown(() => {
    process.env.STRATUS_DATASTORE_ROOTS = saved;
  });

  const before = await startTestDaemon(t, { home });
  const hostId = await before.admin.call<number>('one.host.allocate', 'node1', 'dummy', 'dummy', -1);
  const vmId = await before.admin.call<number>('one.vm.allocate', 'CPU = "0.5"\nMEMORY = "128"', false);
  // The host gets its capacity only now, so the cycle that the allocation woke left the VM pending.
  await before.daemon.container.resolve(Tokens.Lifecycle).idle();
  await changeStored(before, 'hosts', hostId, (host) => {
    host.share = { ...host.share, totalCpu: 800, maxCpu: 800, totalMem: 16 * 1024 * 1024, maxMem: 16 * 1024 * 1024 };
    host.state = HostState.MONITORED;
  });
  await before.daemon.stop();

  const after = await startTestDaemon(t, { home });
  let lcm = 0;
  for (let attempt = 0; attempt < 200 && lcm !== LcmState.RUNNING; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    lcm = Number(textAt(await after.admin.call<string>('one.vm.info', vmId), 'LCM_STATE'));
  }

  t.equal(lcm, LcmState.RUNNING, 'the first cycle after the start deployed the VM');
});
