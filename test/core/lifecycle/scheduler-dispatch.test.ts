// dispatchPlacements checks every placement again inside the transaction of its window.
// A placement that is no longer valid is skipped, and the others of the window are dispatched.
import t from 'tap';
import { dispatchPlacements } from '../../../core/lifecycle/scheduler-dispatch.js';
import type { Placement } from '../../../core/scheduler/index.js';
import { Tokens } from '../../../core/tokens.js';
import { LcmState, VmState } from '../../../core/vm/states.js';
import { addHost, addVm, schedulerWorld, vmView, type SchedulerWorld } from '../../helpers/scheduler-world.js';

function placement(vmId: number, hostId: number): Placement {
  return { vmId, hostId, datastoreId: 0, migrate: false };
}

function dependencies(w: SchedulerWorld) {
  return { services: w.daemon.daemon.container.resolve(Tokens.CoreServices), lifecycle: w.lifecycle };
}

t.test('window skips VM put on hold', async (t) => {
  const w = await schedulerWorld(t, { wakes: false });
  const hostId = await addHost(w, 'node1');
  const vmIds = [await addVm(w), await addVm(w), await addVm(w)];
  await w.daemon.admin.call('one.vm.action', 'hold', vmIds[1]);

  const outcome = await dispatchPlacements(dependencies(w), vmIds.map((vmId) => placement(vmId, hostId)), () => false);
  const views = await Promise.all(vmIds.map((vmId) => vmView(w, vmId)));

  t.same(outcome.dispatched.map((item) => item.vmId), [vmIds[0], vmIds[2]], 'the other VMs are dispatched');
  t.equal(outcome.skipped, 1, 'one placement skipped');
  t.equal(views[1].state, VmState.HOLD, 'the held VM stays on hold');
  t.same([views[0].hostId, views[2].hostId], [hostId, hostId], 'the dispatched VMs are placed on the host');

  for (const { vmId, flow } of outcome.dispatched) w.lifecycle.startFlow(vmId, flow, 0);
  await w.lifecycle.idle();
  t.equal((await vmView(w, vmIds[2])).lcm, LcmState.RUNNING, 'a started flow runs the VM');
});

t.test('window counts its earlier placements', async (t) => {
  const w = await schedulerWorld(t, { wakes: false });
  const hostId = await addHost(w, 'node1');
  // Each VM takes 5 of the host's 8 cores, so only the first fits.
  const bigVm = () => w.daemon.admin.call<number>('one.vm.allocate', 'CPU = "5"\nMEMORY = "128"', false);
  const vmIds = [await bigVm(), await bigVm()];

  const outcome = await dispatchPlacements(dependencies(w), vmIds.map((vmId) => placement(vmId, hostId)), () => false);

  t.same(outcome.dispatched.map((item) => item.vmId), [vmIds[0]], 'the first VM is dispatched');
  t.equal(outcome.skipped, 1, 'the second is skipped');
  t.equal((await vmView(w, vmIds[1])).state, VmState.PENDING, 'the second stays PENDING');
  for (const { vmId, flow } of outcome.dispatched) w.lifecycle.startFlow(vmId, flow, 0);
  await w.lifecycle.idle();
});

t.test('stopped dispatch tries nothing', async (t) => {
  const w = await schedulerWorld(t, { wakes: false });
  const hostId = await addHost(w, 'node1');
  const vmId = await addVm(w);

  const outcome = await dispatchPlacements(dependencies(w), [placement(vmId, hostId)], () => true);

  t.same(outcome, { dispatched: [], skipped: 0 });
  t.equal((await vmView(w, vmId)).state, VmState.PENDING);
});
