import type { SqlRunner } from '../db/database.js';
import type { Flow } from './flow.js';
import type { FlowContext } from './flow-context.js';
import { HostState, type HostRecord } from '../pools/records/host-record.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import { SCHEDULABLE_HOST_STATES, type Placement } from '../scheduler/index.js';
import type { CoreServices } from '../services/core-services.js';
import { VmState } from '../vm/states.js';
import type { LifecycleManager } from './lifecycle-manager.js';
import { hostDemand } from './vm-resources.js';

/**
 * Placements dispatched by one transaction. Between windows the dispatch checks
 * whether the scheduler was stopped.
 */
const DISPATCH_WINDOW = 500;

export interface DispatchDependencies {
  services: Pick<CoreServices, 'store' | 'log'>;
  lifecycle: Pick<LifecycleManager, 'dispatch' | 'dispatchMany' | 'reschedule' | 'startFlow'>;
}

/** A VM whose dispatch committed, with the deploy flow to start. */
export interface Dispatched {
  vmId: number;
  flow: Flow<FlowContext>;
}

/** CPU (percent of a core) and memory (KiB) reserved on each host by the window being checked. */
type WindowDemand = Map<number, { cpu: number; memory: number }>;

/**
 * Dispatches the placements in order, one transaction per window of placements, and
 * returns the VMs dispatched and how many placements were skipped. Each placement is
 * checked again inside the transaction: a VM that left PENDING or started an operation,
 * or a host that was disabled, removed or filled, skips that placement only. When a
 * window's transaction fails, its placements are dispatched one transaction each.
 *
 * The caller starts the flows, so that they do not compete with the remaining windows
 * for the database. Stops between windows once `stopped()` is true; the placements not
 * tried then count as neither dispatched nor skipped. Never rejects.
 */
export async function dispatchPlacements(
  deps: DispatchDependencies,
  placements: readonly Placement[],
  stopped: () => boolean,
): Promise<{ dispatched: Dispatched[]; skipped: number }> {
  const dispatched: Dispatched[] = [];
  let skipped = 0;
  const deployments = placements.filter((placement) => !placement.migrate);

  for (let start = 0; start < deployments.length && !stopped(); start += DISPATCH_WINDOW) {
    const window = deployments.slice(start, start + DISPATCH_WINDOW);
    const outcome = await dispatchWindow(deps, window);
    dispatched.push(...outcome.dispatched);
    skipped += outcome.skipped;
  }

  for (const placement of placements.filter((candidate) => candidate.migrate)) {
    if (stopped()) break;
    const flow = await rescheduleOne(deps, placement);
    if (flow === undefined) skipped++;
    else dispatched.push({ vmId: placement.vmId, flow });
  }
  return { dispatched, skipped };
}

/**
 * Migrates a RUNNING VM with RESCHED = 1 to the placement's host in its own
 * transaction (rescheduling is rare, so it needs no batching). Returns the migration
 * flow to start, or undefined when the VM or host changed or the transaction failed,
 * which is logged. Never rejects.
 */
async function rescheduleOne(deps: DispatchDependencies, placement: Placement): Promise<Flow<FlowContext> | undefined> {
  const { store, log } = deps.services;
  const { vmId, hostId } = placement;

  try {
    const flow = await store.db.transaction(async (tx) => {
      const vm = await store.vms.get(tx, vmId);
      const host = await store.hosts.get(tx, hostId);
      if (vm === undefined || host === undefined) return undefined;

      vm.userTemplate.remove('SCHED_MESSAGE');
      return deps.lifecycle.reschedule(tx, vm, host);
    });

    if (flow === undefined) log.info('scheduler.placement_skipped', { vmId, hostId, reason: 'the VM or the host changed since the cycle read them' });
    else log.info('scheduler.resched', { vmId, hostId });
    return flow;
  } catch (error) {
    log.internalError({ step: 'scheduler.resched', vmId, hostId }, error);
    return undefined;
  }
}

/** Dispatches one window in one transaction, or one placement per transaction when that fails. */
async function dispatchWindow(deps: DispatchDependencies, window: readonly Placement[]): Promise<{ dispatched: Dispatched[]; skipped: number }> {
  const { store, log } = deps.services;
  let skips: Array<{ placement: Placement; reason: string }> = [];

  try {
    const dispatched = await store.db.transaction(async (tx) => {
      const checked = await checkWindow(tx, store, window);
      skips = checked.skips;
      const flows = await deps.lifecycle.dispatchMany(tx, checked.accepted);
      return checked.accepted.map(({ vm }, index) => ({ vmId: vm.id, flow: flows[index] }));
    });

    for (const { placement, reason } of skips) {
      log.info('scheduler.placement_skipped', { vmId: placement.vmId, hostId: placement.hostId, reason });
    }
    logRankWarnings(deps, window, new Set(dispatched.map((item) => item.vmId)));
    return { dispatched, skipped: skips.length };
  } catch (error) {
    const vmIds = window.map((placement) => placement.vmId);
    log.warn('scheduler.dispatch_window_failed', { vmIds: vmIds.join(','), error: (error as Error).message, next: 'dispatching each VM alone' });
    return dispatchEachAlone(deps, window);
  }
}

/**
 * Reads the window's VMs and hosts inside `tx` and splits the placements into those
 * that still hold, with the records to change, and those to skip with the reason.
 * The capacity check counts the placements accepted earlier in the window.
 */
async function checkWindow(
  tx: SqlRunner,
  store: CoreServices['store'],
  window: readonly Placement[],
): Promise<{ accepted: Array<{ vm: VmRecord; host: HostRecord }>; skips: Array<{ placement: Placement; reason: string }> }> {
  const vms = await store.vms.getMany(tx, window.map((placement) => placement.vmId));
  const hosts = await store.hosts.getMany(tx, [...new Set(window.map((placement) => placement.hostId))]);
  const demand: WindowDemand = new Map();
  const accepted: Array<{ vm: VmRecord; host: HostRecord }> = [];
  const skips: Array<{ placement: Placement; reason: string }> = [];

  for (const placement of window) {
    const vm = vms.get(placement.vmId);
    const host = hosts.get(placement.hostId);
    const reason = placementProblem(vm, host, demand);
    if (reason !== undefined || vm === undefined || host === undefined) {
      skips.push({ placement, reason: reason ?? 'the VM or the host no longer exists' });
      continue;
    }

    vm.userTemplate.remove('SCHED_MESSAGE');
    accepted.push({ vm, host });
    const needed = hostDemand(vm);
    const reserved = demand.get(host.id) ?? { cpu: 0, memory: 0 };
    demand.set(host.id, { cpu: reserved.cpu + needed.cpu, memory: reserved.memory + needed.memory });
  }
  return { accepted, skips };
}

/**
 * Returns why a placement no longer holds: the VM left PENDING or started an operation,
 * or the host was removed, disabled or filled since the cycle read them. `reserved`
 * contains the CPU and memory that earlier placements of the same window take from each host.
 */
function placementProblem(vm: VmRecord | undefined, host: HostRecord | undefined, reserved: WindowDemand): string | undefined {
  if (vm === undefined) return 'the VM no longer exists';
  if (vm.state !== VmState.PENDING) return `the VM is ${VmState[vm.state]} now`;
  if (vm.operation) return `the VM is busy with "${vm.operation.name}"`;

  if (host === undefined) return 'the host no longer exists';
  if (!SCHEDULABLE_HOST_STATES.has(host.state)) return `the host is ${HostState[host.state]} now`;

  const demand = hostDemand(vm);
  const reservedOnHost = reserved.get(host.id) ?? { cpu: 0, memory: 0 };
  const freeCpu = host.share.maxCpu - host.share.cpuUsage - reservedOnHost.cpu;
  const freeMemory = host.share.maxMem - host.share.memUsage - reservedOnHost.memory;
  if (freeCpu < demand.cpu || freeMemory < demand.memory) {
    return 'the host no longer has the free CPU and memory that the VM needs';
  }
  return undefined;
}

/** Dispatches each placement of a window in its own transaction, after the window's transaction failed. */
async function dispatchEachAlone(deps: DispatchDependencies, window: readonly Placement[]): Promise<{ dispatched: Dispatched[]; skipped: number }> {
  const dispatched: Dispatched[] = [];
  let skipped = 0;
  for (const placement of window) {
    const flow = await dispatchOne(deps, placement);
    if (flow === undefined) {
      skipped++;
      continue;
    }
    dispatched.push({ vmId: placement.vmId, flow });
    logRankWarnings(deps, [placement], new Set([placement.vmId]));
  }
  return { dispatched, skipped };
}

/**
 * Dispatches one placement in its own transaction, after checking it as `checkWindow`
 * does. Returns the deploy flow to start, or undefined when the placement was skipped
 * or failed, which is logged. Never rejects.
 */
async function dispatchOne(deps: DispatchDependencies, placement: Placement): Promise<Flow<FlowContext> | undefined> {
  const { store, log } = deps.services;
  const { vmId, hostId } = placement;

  try {
    const outcome = await store.db.transaction(async (tx) => {
      const vm = await store.vms.get(tx, vmId);
      const host = await store.hosts.get(tx, hostId);
      const reason = placementProblem(vm, host, new Map());
      if (reason !== undefined || vm === undefined || host === undefined) return reason ?? 'the VM or the host no longer exists';

      vm.userTemplate.remove('SCHED_MESSAGE');
      return deps.lifecycle.dispatch(tx, vm, host);
    });

    if (typeof outcome === 'string') {
      log.info('scheduler.placement_skipped', { vmId, hostId, reason: outcome });
      return undefined;
    }
    return outcome;
  } catch (error) {
    log.internalError({ step: 'scheduler.dispatch', vmId, hostId }, error);
    return undefined;
  }
}

/** Logs the rank warning of each dispatched placement whose SCHED_RANK could not be evaluated. */
function logRankWarnings(deps: DispatchDependencies, placements: readonly Placement[], dispatched: ReadonlySet<number>): void {
  for (const { vmId, hostId, warning } of placements) {
    if (warning && dispatched.has(vmId)) deps.services.log.warn('scheduler.rank_invalid', { vmId, hostId, warning });
  }
}
