import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { DriverManager } from '../../../core/drivers/runtime/index.js';
import type { LifecycleManager } from '../../../core/lifecycle/lifecycle-manager.js';
import { Monitor } from '../../../core/monitor/index.js';
import { HostState } from '../../../core/pools/records/host-record.js';
import type { CoreServices } from '../../../core/services/core-services.js';
import { Tokens } from '../../../core/tokens.js';
import { LcmState, VmState } from '../../../core/vm/states.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { dummyDriverEnvironment } from '../../helpers/dummy-environment.js';
import { changeStored, textAt } from '../../helpers/objects.js';

const ADMIN = { uid: 0, gid: 0, groupIds: [0], uname: 'oneadmin', gname: 'oneadmin' };

/** The dummy driver's MONITOR_HOST figures: 8 cores and 16 GiB in KiB. */
const DUMMY_CPU = 800;
const DUMMY_MEMORY_KB = 16 * 1024 * 1024;

interface World {
  daemon: TestDaemon;
  services: CoreServices;
  lifecycle: LifecycleManager;
  /** A monitor that only runs when the test calls runOnce. */
  monitor: Monitor;
  control: string;
  hostId: number;
}

async function world(t: Test): Promise<World> {
  // The dummy driver fixes its control folder when it loads, so the variables are set first.
  const { home, control } = dummyDriverEnvironment(t);
  const daemon = await startTestDaemon(t, { home });

  const { container } = daemon.daemon;
  const services = container.resolve(Tokens.CoreServices);
  const monitor = new Monitor({ services, vmLog: container.resolve(Tokens.VmLog) });
  const hostId = await daemon.admin.call<number>('one.host.allocate', 'localhost', 'dummy', 'dummy', -1);
  return { daemon, services, lifecycle: container.resolve(Tokens.Lifecycle), monitor, control, hostId };
}

function scriptAction(w: World, file: string, directive: string): void {
  mkdirSync(w.control, { recursive: true });
  writeFileSync(path.join(w.control, file), `${directive}\n`);
}

async function hostInfo(w: World, hostId = w.hostId): Promise<string> {
  return w.daemon.admin.call<string>('one.host.info', hostId);
}

async function runningVm(w: World): Promise<number> {
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "128"', false);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();
  return vmId;
}

async function position(w: World, vmId: number): Promise<[number, number]> {
  const xml = await w.daemon.admin.call<string>('one.vm.info', vmId);
  return [Number(textAt(xml, 'STATE')), Number(textAt(xml, 'LCM_STATE'))];
}

/** Builds a DriverManager stand-in whose POLL returns `pollState` and whose MONITOR_HOST returns the dummy figures. */
function fakeDrivers(pollState: string): DriverManager {
  const call = async (_kind: string, _driver: string, action: string): Promise<unknown> => {
    if (action === 'POLL') return { state: pollState };
    return { hypervisor: 'fake', totalCpu: DUMMY_CPU, usedCpu: 0, totalMemoryKb: DUMMY_MEMORY_KB, usedMemoryKb: 0, deployIds: [] };
  };
  return { call } as unknown as DriverManager;
}

t.test('host monitoring', async (t) => {
  t.test('INIT host becomes MONITORED', async (t) => {
    const w = await world(t);
    t.equal(textAt(await hostInfo(w), 'STATE'), String(HostState.INIT));

    await w.monitor.runOnce();

    const host = await hostInfo(w);
    t.equal(textAt(host, 'STATE'), String(HostState.MONITORED));
    t.equal(textAt(host, 'PREV_STATE'), String(HostState.INIT));
    t.equal(textAt(host, 'HOST_SHARE/TOTAL_CPU'), String(DUMMY_CPU));
    t.equal(textAt(host, 'HOST_SHARE/MAX_CPU'), String(DUMMY_CPU));
    t.equal(textAt(host, 'HOST_SHARE/TOTAL_MEM'), String(DUMMY_MEMORY_KB));
    t.equal(textAt(host, 'HOST_SHARE/MAX_MEM'), String(DUMMY_MEMORY_KB));
    t.equal(textAt(host, 'MONITORING/CAPACITY/FREE_CPU'), String(DUMMY_CPU));
    t.equal(textAt(host, 'MONITORING/CAPACITY/USED_MEMORY'), '0');
  });

  t.test('failing MONITOR_HOST gives ERROR', async (t) => {
    const w = await world(t);
    scriptAction(w, 'MONITOR_HOST', 'fail the hypervisor does not answer');

    await w.monitor.runOnce();

    const host = await hostInfo(w);
    t.equal(textAt(host, 'STATE'), String(HostState.ERROR));
    t.match(textAt(host, 'TEMPLATE/ERROR') ?? '', /^\d{4}-\d\d-\d\dT.* : the hypervisor does not answer$/);
  });

  t.test('host recovers from ERROR', async (t) => {
    const w = await world(t);
    scriptAction(w, 'MONITOR_HOST', 'fail the hypervisor does not answer');
    await w.monitor.runOnce();
    rmSync(path.join(w.control, 'MONITOR_HOST'));

    await w.monitor.runOnce();

    const host = await hostInfo(w);
    t.equal(textAt(host, 'STATE'), String(HostState.MONITORED));
    t.equal(textAt(host, 'PREV_STATE'), String(HostState.ERROR));
    t.equal(textAt(host, 'TEMPLATE/ERROR'), undefined, 'the error is cleared');
  });

  t.test('missing driver gives ERROR', async (t) => {
    const w = await world(t);
    const hostId = await w.daemon.admin.call<number>('one.host.allocate', 'node9', 'dummy', 'nosuch', -1);

    await w.monitor.runOnce();

    const host = await hostInfo(w, hostId);
    t.equal(textAt(host, 'STATE'), String(HostState.ERROR));
    t.match(textAt(host, 'TEMPLATE/ERROR') ?? '', 'no vmm plugin named "nosuch" is installed');
    t.equal(textAt(await hostInfo(w), 'STATE'), String(HostState.MONITORED), 'the other host is monitored anyway');
  });

  t.test('DISABLED and OFFLINE hosts are skipped', async (t) => {
    const w = await world(t);
    const offline = await w.daemon.admin.call<number>('one.host.allocate', 'node2', 'dummy', 'dummy', -1);
    await w.daemon.admin.call('one.host.status', w.hostId, 1);
    await w.daemon.admin.call('one.host.status', offline, 2);

    await w.monitor.runOnce();

    const disabledHost = await hostInfo(w);
    const offlineHost = await hostInfo(w, offline);
    t.equal(textAt(disabledHost, 'STATE'), String(HostState.DISABLED));
    t.equal(textAt(disabledHost, 'HOST_SHARE/TOTAL_CPU'), '0');
    t.equal(textAt(offlineHost, 'STATE'), String(HostState.OFFLINE));
    t.equal(textAt(offlineHost, 'HOST_SHARE/TOTAL_CPU'), '0');
  });
});

t.test('VM polling', async (t) => {
  t.test('running VM gets MONITORING', async (t) => {
    const w = await world(t);
    const vmId = await runningVm(w);

    await w.monitor.runOnce();

    const vm = await w.daemon.admin.call<string>('one.vm.info', vmId);
    t.same(await position(w, vmId), [VmState.ACTIVE, LcmState.RUNNING]);
    t.equal(textAt(vm, 'MONITORING/STATE'), 'RUNNING');
    t.not(textAt(vm, 'LAST_POLL'), '0');
  });

  t.test('lost VM goes to UNKNOWN and back', async (t) => {
    const w = await world(t);
    const vmId = await runningVm(w);
    const deployId = textAt(await w.daemon.admin.call<string>('one.vm.info', vmId), 'DEPLOY_ID') ?? '';
    // CANCEL outside the life-cycle manager: the dummy driver no longer runs the VM, as after a crash.
    await w.services.drivers.call('vmm', 'dummy', 'CANCEL', { vmId, host: 'localhost', deployId }, { objectId: vmId });

    await w.monitor.runOnce();

    t.same(await position(w, vmId), [VmState.ACTIVE, LcmState.UNKNOWN]);
    t.match(await w.daemon.admin.call<string>('stratus.vm.log', vmId), 'the VM driver reports UNKNOWN: the VM moves from RUNNING to UNKNOWN');

    const request = { vmId, host: 'localhost', vmDir: '/nonexistent', deploymentFile: '/nonexistent/deployment.0.json' };
    await w.services.drivers.call('vmm', 'dummy', 'DEPLOY', request, { objectId: vmId });
    await w.monitor.runOnce();

    t.same(await position(w, vmId), [VmState.ACTIVE, LcmState.RUNNING], 'a VM found again is RUNNING');
  });

  t.test('POWEROFF report gives POWEROFF', async (t) => {
    const w = await world(t);
    const vmId = await runningVm(w);
    const monitor = new Monitor({ services: { ...w.services, drivers: fakeDrivers('POWEROFF') }, vmLog: w.daemon.daemon.container.resolve(Tokens.VmLog) });

    await monitor.runOnce();

    t.same(await position(w, vmId), [VmState.POWEROFF, 0]);
    t.equal(textAt(await hostInfo(w), 'HOST_SHARE/RUNNING_VMS'), '1', 'a VM in POWEROFF keeps its place on the host');
  });

  t.test('VM with an operation stays', async (t) => {
    const w = await world(t);
    const vmId = await runningVm(w);
    await changeStored(w.daemon, 'vms', vmId, (vm) => {
      vm.operation = { name: 'reboot', step: 0, startedAt: 1 };
    });
    const monitor = new Monitor({ services: { ...w.services, drivers: fakeDrivers('UNKNOWN') }, vmLog: w.daemon.daemon.container.resolve(Tokens.VmLog) });

    await monitor.runOnce();

    t.same(await position(w, vmId), [VmState.ACTIVE, LcmState.RUNNING]);
    t.equal(textAt(await w.daemon.admin.call<string>('one.vm.info', vmId), 'MONITORING/STATE'), 'UNKNOWN', 'the reply is stored');
  });

  t.test('failing POLL changes nothing', async (t) => {
    const w = await world(t);
    const vmId = await runningVm(w);
    scriptAction(w, 'POLL', 'fail the hypervisor does not answer');

    await w.monitor.runOnce();

    t.same(await position(w, vmId), [VmState.ACTIVE, LcmState.RUNNING]);
    t.equal(textAt(await w.daemon.admin.call<string>('one.vm.info', vmId), 'LAST_POLL'), '0');
  });

  t.test('VM on a host in ERROR is not polled', async (t) => {
    const w = await world(t);
    const vmId = await runningVm(w);
    scriptAction(w, 'MONITOR_HOST', 'fail the hypervisor does not answer');

    await w.monitor.runOnce();

    t.equal(textAt(await hostInfo(w), 'STATE'), String(HostState.ERROR));
    t.equal(textAt(await w.daemon.admin.call<string>('one.vm.info', vmId), 'LAST_POLL'), '0');
  });
});

t.test('started monitor runs by itself', async (t) => {
  const w = await world(t);
  const timing = { hostIntervalMs: 50, vmIntervalMs: 50, firstDelayMs: 10, newHosts: false, concurrency: 2 };
  const monitor = new Monitor({ services: w.services, vmLog: w.daemon.daemon.container.resolve(Tokens.VmLog) }, timing);

  monitor.start();
  let state = '';
  for (let attempt = 0; attempt < 200 && state !== String(HostState.MONITORED); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    state = textAt(await hostInfo(w), 'STATE') ?? '';
  }
  await monitor.stop();

  t.equal(state, String(HostState.MONITORED));
});
