// A daemon's scheduler loop wakes when a commit leaves a VM PENDING, so a new VM runs
// without waiting for the timed cycle, which never runs in these tests (testSettings).
import t from 'tap';
import sinon from 'sinon';
import { LcmState, VmState } from '../../../core/vm/states.js';
import { addHost, addVm, schedulerWorld, vmView, waitUntilRunning } from '../../helpers/scheduler-world.js';

const BURST = 40;

t.test('allocated VM placed promptly', async (t) => {
  const w = await schedulerWorld(t);
  const hostId = await addHost(w, 'node1');

  const vmId = await addVm(w);
  const view = await waitUntilRunning(w, vmId);

  t.equal(view.lcm, LcmState.RUNNING, 'RUNNING without a timed cycle');
  t.equal(view.hostId, hostId, 'on the only host');
});

t.test('released VM placed promptly', async (t) => {
  const w = await schedulerWorld(t);
  await addHost(w, 'node1');
  const vmId = await addVm(w, '', true);

  await w.daemon.admin.call('one.vm.action', 'release', vmId);
  const view = await waitUntilRunning(w, vmId);

  t.equal(view.lcm, LcmState.RUNNING, 'RUNNING after the release');
});

t.test('burst of allocations shares cycles', async (t) => {
  const w = await schedulerWorld(t, {
    configure: (settings) => {
      settings.scheduler.maxDispatch = 0;
      settings.scheduler.maxHost = 0;
    },
  });
  // Three hosts of 8 cores take 48 VMs of CPU 0.5.
  for (const name of ['node1', 'node2', 'node3']) await addHost(w, name);
  const cycles = sinon.spy(w.scheduler, 'runOnce');
  t.teardown(() => cycles.restore());

  const vmIds = await Promise.all(Array.from({ length: BURST }, () => addVm(w)));
  const views = await Promise.all(vmIds.map((vmId) => waitUntilRunning(w, vmId)));

  t.same(views.map((view) => view.lcm), vmIds.map(() => LcmState.RUNNING), 'every VM runs');
  t.ok(cycles.callCount >= 1, 'at least one cycle ran');
  t.ok(cycles.callCount < BURST / 2, `${BURST} allocations ran ${cycles.callCount} cycles`);
});

t.test('SCHED_MESSAGE write does not wake', async (t) => {
  const w = await schedulerWorld(t);
  await addHost(w, 'node1');
  const cycles = sinon.spy(w.scheduler, 'runOnce');
  t.teardown(() => cycles.restore());

  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "32768"', false);
  let view = await vmView(w, vmId);
  for (let attempt = 0; attempt < 200 && view.message === undefined; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    view = await vmView(w, vmId);
  }
  const cyclesAfterMessage = cycles.callCount;
  // Longer than the delay from a wake to its cycle, so that a cycle woken by the message write would have started.
  await new Promise((resolve) => setTimeout(resolve, 1000));

  t.equal(view.state, VmState.PENDING, 'the VM does not fit and stays PENDING');
  t.match(view.message, 'No host with 32 GB free memory', 'the woken cycle wrote SCHED_MESSAGE');
  t.equal(cycles.callCount, cyclesAfterMessage, 'no further cycle');
});
