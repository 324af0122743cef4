import sinon from 'sinon';
import type { Settings } from '../../core/config/settings.js';
import type { LifecycleManager } from '../../core/lifecycle/lifecycle-manager.js';
import type { SchedulerLoop } from '../../core/lifecycle/scheduler-loop.js';
import { HostState } from '../../core/pools/records/host-record.js';
import { Tokens } from '../../core/tokens.js';
import { LcmState, VmState } from '../../core/vm/states.js';
import { startTestDaemon, testSettings, type TestDaemon } from './daemon.js';
import { dummyDriverEnvironment } from './dummy-environment.js';
import { changeStored, textAt } from './objects.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The capacity that the dummy driver's MONITOR_HOST reports for every host: 8 cores, 16 GiB. */
const DUMMY_CPU = 800;
const DUMMY_MEMORY_KIB = 16 * 1024 * 1024;

/** A daemon with the dummy VM driver, its scheduler loop and its clock. */
export interface SchedulerWorld {
  daemon: TestDaemon;
  scheduler: SchedulerLoop;
  lifecycle: LifecycleManager;
  /** The daemon's clock, in seconds, which tests may move. */
  clock: { now: number };
}

export interface SchedulerWorldOptions {
  configure?: (settings: Settings) => void;
  /**
   * Whether new PENDING VMs wake the scheduler loop, as they do in a daemon. False
   * replaces `wake` with a stub, so that only the test's own `runOnce` calls run cycles;
   * a woken cycle would otherwise race them. Default true.
   */
  wakes?: boolean;
}

/** Starts a daemon whose timed cycles never run (testSettings), with the dummy driver's control folder set. */
export async function schedulerWorld(t: Teardown, options: SchedulerWorldOptions = {}): Promise<SchedulerWorld> {
  // The dummy driver fixes its control folder when it loads, so the variables are set first.
  const { home, control } = dummyDriverEnvironment(t);

  const settings = testSettings(options.configure);
  const clock = { now: 1_700_000_000 };
  const daemon = await startTestDaemon(t, { home, settings, now: () => clock.now });
  const scheduler = daemon.daemon.container.resolve(Tokens.Scheduler);
  if (options.wakes === false) {
    const stub = sinon.stub(scheduler, 'wake');
    t.teardown(() => stub.restore());
  }

  return { daemon, scheduler, lifecycle: daemon.daemon.container.resolve(Tokens.Lifecycle), clock };
}

/**
 * Gives the host the capacity that the dummy driver's MONITOR_HOST reports and makes it
 * MONITORED, as a monitoring round would, so that the test does not wait for one.
 */
export async function monitorAsDummy(w: SchedulerWorld, hostId: number): Promise<void> {
  await changeStored(w.daemon, 'hosts', hostId, (host) => {
    host.share = { ...host.share, totalCpu: DUMMY_CPU, maxCpu: DUMMY_CPU, totalMem: DUMMY_MEMORY_KIB, maxMem: DUMMY_MEMORY_KIB };
    host.state = HostState.MONITORED;
  });
}

export async function addHost(w: SchedulerWorld, name: string, options: { monitored?: boolean } = {}): Promise<number> {
  const hostId = await w.daemon.admin.call<number>('one.host.allocate', name, 'dummy', 'dummy', -1);
  if (options.monitored ?? true) await monitorAsDummy(w, hostId);
  return hostId;
}

export async function addVm(w: SchedulerWorld, extra = '', hold = false): Promise<number> {
  return w.daemon.admin.call<number>('one.vm.allocate', `CPU = "0.5"\nMEMORY = "128"\n${extra}`, hold);
}

export interface VmView {
  state: number;
  lcm: number;
  hostId: number | undefined;
  message: string | undefined;
}

export async function vmView(w: SchedulerWorld, vmId: number): Promise<VmView> {
  const xml = await w.daemon.admin.call<string>('one.vm.info', vmId);
  const hid = textAt(xml, 'HISTORY_RECORDS/HISTORY/HID');
  return {
    state: Number(textAt(xml, 'STATE')),
    lcm: Number(textAt(xml, 'LCM_STATE')),
    hostId: hid === undefined ? undefined : Number(hid),
    message: textAt(xml, 'USER_TEMPLATE/SCHED_MESSAGE'),
  };
}

export async function hostVmIds(w: SchedulerWorld, hostId: number): Promise<number[]> {
  const xml = await w.daemon.admin.call<string>('one.host.info', hostId);
  return [...xml.matchAll(/<VMS>(.*?)<\/VMS>/g)].flatMap((match) => [...match[1].matchAll(/<ID>(\d+)<\/ID>/g)].map((id) => Number(id[1])));
}

/** Runs one cycle and waits for the deploy flows it started. */
export async function cycle(w: SchedulerWorld) {
  const summary = await w.scheduler.runOnce();
  await w.lifecycle.idle();
  return summary;
}

/** Polls the VM every 50 ms until it is RUNNING, for at most 30 s, and returns its last view. */
export async function waitUntilRunning(w: SchedulerWorld, vmId: number): Promise<VmView> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const view = await vmView(w, vmId);
    if (view.state === VmState.ACTIVE && view.lcm === LcmState.RUNNING) return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return vmView(w, vmId);
}
