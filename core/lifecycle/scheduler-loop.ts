import { setImmediate } from 'node:timers/promises';
import type { SchedulerSectionSettings } from '../config/settings.js';
import { DatastoreState, DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import {
  ExpressionCache,
  schedule,
  schedulerHostFromRecord,
  type PendingResult,
  type PendingVm,
  type ScheduleInput,
  type SchedulerDatastore,
} from '../scheduler/index.js';
import type { CoreServices } from '../services/core-services.js';
import { templateValue } from '../vm-log/record-vm-error.js';
import { LcmState, VmState } from '../vm/states.js';
import type { LifecycleManager } from './lifecycle-manager.js';
import { watchPendingVms } from './pending-vm-watch.js';
import { dispatchPlacements, type Dispatched } from './scheduler-dispatch.js';

/**
 * Delay from `wake()` to the cycle it requests, so that a burst of new VMs shares one
 * cycle: while VMs keep arriving, a cycle starts at most this long after the previous one ends.
 */
const WAKE_DELAY_MS = 200;

/** Deploy flows started per turn of the event loop after a cycle. */
const FLOW_START_SLICE = 200;

/** Pending VMs whose SCHED_MESSAGE one transaction writes. */
const MESSAGE_BATCH = 200;

export interface SchedulerLoopDependencies {
  services: Pick<CoreServices, 'store' | 'log' | 'now'>;
  lifecycle: Pick<LifecycleManager, 'dispatch' | 'dispatchMany' | 'reschedule' | 'startFlow'>;
  settings: SchedulerSectionSettings;
}

/** Counts and step times of one cycle, as the `scheduler.cycle` log line reports them. Times are in milliseconds. */
export interface CycleSummary {
  /** PENDING VMs with no operation in progress that the cycle considered. */
  vms: number;
  hosts: number;
  /** VMs dispatched: their deploy flow was recorded, and started at the end of the cycle. */
  placed: number;
  /** VMs left pending. */
  pending: number;
  /** Placements not dispatched because the VM or the host changed after the read, or because the dispatch failed. */
  skipped: number;
  /** SCHED_MESSAGE values written because they changed. */
  messages: number;
  readMs: number;
  scheduleMs: number;
  dispatchMs: number;
  messageMs: number;
  ms: number;
}

/** The stored records that a cycle's input was built from, by ID. */
type PendingRecords = ReadonlyMap<number, VmRecord>;

/**
 * Places PENDING VMs on hosts. A cycle reads the PENDING VMs that have no operation in
 * progress, the hosts and the system datastores, and calls `schedule()` to place them.
 * It dispatches the placements (`dispatchPlacements`) and stores why each other VM
 * stays pending in its USER_TEMPLATE/SCHED_MESSAGE. Then it starts the deploy flows.
 *
 * A cycle runs `intervalMs` after the previous one ends, and soon after `wake()`. Once
 * started, the loop wakes itself whenever a commit leaves a VM PENDING and idle.
 * Cycles never overlap. The constructor does no I/O. Errors are logged and never stop the loop.
 *
 * NOTE: a host that monitoring has not reported on yet has MAX_CPU and MAX_MEM 0, so it
 * offers no capacity and receives only VMs that ask for no CPU and no memory. OpenNebula
 * schedules only MONITORED hosts.
 */
export class SchedulerLoop {
  private readonly expressions = new ExpressionCache();
  /** The records this loop wrote SCHED_MESSAGE to, which must not wake it again. */
  private readonly ownWrites = new WeakSet<VmRecord>();
  /** The cycle in progress, or a settled promise. Each cycle waits for the previous one. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;
  /** The deploy flows of earlier cycles still being started a slice at a time. Never rejects. */
  private flowStarts: Promise<void> = Promise.resolve();
  private cycleRunning = false;
  private wakeRequested = false;
  private started = false;
  private stopped = false;

  constructor(private readonly deps: SchedulerLoopDependencies) {
    watchPendingVms(deps.services.store, () => this.wake(), (vm) => this.ownWrites.has(vm));
  }

  /** Starts the timer: the first cycle runs one interval from now, or sooner after `wake()`. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.arm(this.deps.settings.intervalMs);
    void this.wakeForWaitingVms();
  }

  /** Runs a cycle soon when VMs already wait at start, such as PENDING VMs from before a restart. */
  private async wakeForWaitingVms(): Promise<void> {
    const { store, log } = this.deps.services;
    try {
      const waiting = await store.vms.count(store.db, 'state = ? OR (resched = 1 AND state = ?)', [VmState.PENDING, VmState.ACTIVE]);
      if (waiting > 0) this.wake();
    } catch (error) {
      log.internalError({ step: 'scheduler.start' }, error);
    }
  }

  /** Cancels the next cycles and waits for the cycle in progress and for the start of its flows. Never rejects. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.queue;
    await this.flowStarts;
  }

  /** Requests a cycle soon, for a VM that has just become PENDING. Cheap to call often. */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.cycleRunning) {
      this.wakeRequested = true;
      return;
    }
    this.arm(WAKE_DELAY_MS);
  }

  /**
   * Runs one cycle after the cycle in progress, if any. Resolves with its summary, or
   * undefined when the loop is stopped or the cycle failed, which is logged.
   */
  runOnce(): Promise<CycleSummary | undefined> {
    const cycle = this.queue.then(() => this.runCycle());
    this.queue = cycle;
    return cycle;
  }

  /** Sets the timer to fire in `delayMs`, unless it already fires sooner. */
  private arm(delayMs: number): void {
    if (this.stopped) return;
    const dueAt = Date.now() + delayMs;
    if (this.timer !== undefined && this.timerDueAt <= dueAt) return;

    this.clearTimer();
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => this.onTimer(), delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
  }

  /**
   * Starts the deploy flows of dispatched VMs: the first FLOW_START_SLICE at once and
   * the others a slice per turn of the event loop, so that starting thousands of flows
   * does not hold up API calls. Never rejects.
   */
  private startFlows(dispatched: readonly Dispatched[]): void {
    const startSlice = (slice: readonly Dispatched[]) => {
      for (const { vmId, flow } of slice) {
        try {
          this.deps.lifecycle.startFlow(vmId, flow, 0);
        } catch (error) {
          this.deps.services.log.internalError({ step: 'scheduler.start_flow', vmId }, error);
        }
      }
    };

    startSlice(dispatched.slice(0, FLOW_START_SLICE));
    if (dispatched.length <= FLOW_START_SLICE) return;
    this.flowStarts = this.flowStarts.then(async () => {
      for (let start = FLOW_START_SLICE; start < dispatched.length; start += FLOW_START_SLICE) {
        await setImmediate();
        startSlice(dispatched.slice(start, start + FLOW_START_SLICE));
      }
    });
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    void this.runOnce().then(() => this.arm(this.deps.settings.intervalMs));
  }

  private async runCycle(): Promise<CycleSummary | undefined> {
    if (this.stopped) return undefined;
    this.cycleRunning = true;

    try {
      const summary = await this.cycle();
      if (summary.vms > 0) this.deps.services.log.info('scheduler.cycle', { ...summary });
      return summary;
    } catch (error) {
      this.deps.services.log.internalError({ step: 'scheduler.cycle' }, error);
      return undefined;
    } finally {
      this.cycleRunning = false;
      if (this.wakeRequested) {
        this.wakeRequested = false;
        this.arm(WAKE_DELAY_MS);
      }
    }
  }

  private async cycle(): Promise<CycleSummary> {
    const started = performance.now();
    const { records, input } = await this.readInput();
    const read = performance.now();
    if (records.size === 0) return emptySummary(input.hosts.length, read - started);

    const result = schedule(input, this.expressions);
    const scheduled = performance.now();

    const { dispatched, skipped } = await dispatchPlacements(this.deps, result.placements, () => this.stopped);
    const dispatchEnded = performance.now();

    // The deploy flows start once the cycle's own writes are done, so that their step
    // records do not queue in front of those writes. They start even if that fails,
    // because their VMs already record the deploy as their operation.
    let messages: number;
    try {
      messages = await this.recordMessages(result.pending, records);
    } finally {
      this.startFlows(dispatched);
    }
    const finished = performance.now();
    const placed = dispatched.length;

    return {
      vms: records.size,
      hosts: input.hosts.length,
      placed,
      pending: result.pending.length,
      skipped,
      messages,
      readMs: round(read - started),
      scheduleMs: round(scheduled - read),
      dispatchMs: round(dispatchEnded - scheduled),
      messageMs: round(finished - dispatchEnded),
      ms: round(finished - started),
    };
  }

  /** Reads the committed VMs, hosts and datastores and builds the scheduler's input. */
  private async readInput(): Promise<{ records: PendingRecords; input: ScheduleInput }> {
    const { store } = this.deps.services;
    const [pendingVms, reschedVms, hosts, datastores] = await Promise.all([
      store.vms.list(store.db, { where: 'state = ?', params: [VmState.PENDING] }),
      store.vms.list(store.db, { where: 'resched = 1 AND state = ? AND lcm_state = ?', params: [VmState.ACTIVE, LcmState.RUNNING] }),
      store.hosts.list(store.db),
      store.datastores.list(store.db),
    ]);

    const idle = [...pendingVms, ...reschedVms].filter((vm) => !vm.operation);
    const { policy, maxDispatch, maxHost } = this.deps.settings;

    // VMs dispatched but not yet RUNNING already count in their host's CPU_USAGE and
    // MEM_USAGE (placeOnHost reserves them), so the input has no reservations.
    const input: ScheduleInput = {
      vms: idle.map(pendingVmFrom),
      hosts: hosts.map((host) => schedulerHostFromRecord(host)),
      datastores: datastores.filter(acceptsVms).map(schedulerDatastoreFrom),
      settings: { policy, maxDispatch, maxHost },
    };
    return { records: new Map(idle.map((vm) => [vm.id, vm])), input };
  }

  /** Writes SCHED_MESSAGE for each pending VM whose message changed, and returns how many were written. */
  private async recordMessages(pending: readonly PendingResult[], records: PendingRecords): Promise<number> {
    const stamp = new Date(this.deps.services.now() * 1000).toISOString();
    const changed: Array<{ vmId: number; value: string }> = [];

    for (const result of pending) {
      const value = templateValue(`${stamp}: ${messageOf(result)}`);
      const stored = records.get(result.vmId)?.userTemplate.get('SCHED_MESSAGE');
      if (stored === undefined || messageText(stored) !== messageText(value)) changed.push({ vmId: result.vmId, value });
    }

    let written = 0;
    for (let start = 0; start < changed.length && !this.stopped; start += MESSAGE_BATCH) {
      written += await this.writeMessages(changed.slice(start, start + MESSAGE_BATCH));
    }
    return written;
  }

  /** Writes one batch of messages in one transaction, to VMs that are still PENDING. Never rejects. */
  private async writeMessages(batch: ReadonlyArray<{ vmId: number; value: string }>): Promise<number> {
    const { store, log } = this.deps.services;

    try {
      return await store.db.transaction(async (tx) => {
        let written = 0;
        for (const { vmId, value } of batch) {
          const vm = await store.vms.get(tx, vmId);
          if (vm === undefined || !waitsForHost(vm)) continue;

          vm.userTemplate.set('SCHED_MESSAGE', value);
          this.ownWrites.add(vm);
          await store.vms.update(tx, vm);
          written++;
        }
        return written;
      });
    } catch (error) {
      log.internalError({ step: 'scheduler.sched_message', vmIds: batch.map((item) => item.vmId).join(',') }, error);
      return 0;
    }
  }
}

/** Tells whether the VM still waits for a host: PENDING, or RUNNING with RESCHED = 1. */
function waitsForHost(vm: VmRecord): boolean {
  if (vm.state === VmState.PENDING) return true;
  return vm.state === VmState.ACTIVE && vm.lcmState === LcmState.RUNNING && vm.resched === 1;
}

/**
 * Builds the scheduler's view of a PENDING VM, or of a RUNNING one with RESCHED = 1
 * that must leave its host, from its templates: CPU and MEMORY from the system
 * template, SCHED_REQUIREMENTS, SCHED_RANK and USER_PRIORITY from the user template,
 * as OpenNebula keeps them.
 * NOTE: system datastores are not monitored (their FREE_MB stays 0), so the VM's system
 * disk is given as 0 MiB and the scheduler only checks that a system datastore serves
 * the host's cluster.
 */
function pendingVmFrom(vm: VmRecord): PendingVm {
  const placement = vm.history.at(-1);
  const resched = vm.state === VmState.ACTIVE && placement ? { resched: { hostId: placement.hid, datastoreId: placement.dsId } } : {};
  return {
    ...resched,
    id: vm.id,
    cpu: Number(vm.template.get('CPU') ?? '0'),
    memoryMb: Number(vm.template.get('MEMORY') ?? '0'),
    systemDiskMb: 0,
    requirements: vm.userTemplate.get('SCHED_REQUIREMENTS'),
    automaticRequirements: vm.template.get('AUTOMATIC_REQUIREMENTS'),
    rank: vm.userTemplate.get('SCHED_RANK'),
    priority: Number(vm.userTemplate.get('USER_PRIORITY') ?? '0'),
  };
}

/**
 * Returns whether the datastore is a system datastore that accepts VMs.
 * NOTE: `dispatch` puts every VM's files on system datastore 0 whichever datastore the
 * scheduler chose, so a system datastore only decides which clusters' hosts qualify.
 */
function acceptsVms(datastore: DatastoreRecord): boolean {
  return datastore.type === DatastoreType.SYSTEM_DS && datastore.state === DatastoreState.READY;
}

function schedulerDatastoreFrom(datastore: DatastoreRecord): SchedulerDatastore {
  return { id: datastore.id, name: datastore.name, clusterIds: datastore.clusterIds, shared: true, freeMb: Math.max(0, datastore.freeMb) };
}

function messageOf(result: PendingResult): string {
  return result.warning ? `${result.message}. ${result.warning}` : result.message;
}

/** Returns a SCHED_MESSAGE without its leading `<ISO time>: `, which has no ": " inside. */
function messageText(value: string): string {
  const separator = value.indexOf(': ');
  return separator < 0 ? value : value.slice(separator + 2);
}

function emptySummary(hosts: number, readMs: number): CycleSummary {
  const ms = round(readMs);
  return { vms: 0, hosts, placed: 0, pending: 0, skipped: 0, messages: 0, readMs: ms, scheduleMs: 0, dispatchMs: 0, messageMs: 0, ms };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
