import type { SqlRunner } from '../db/database.js';
import { enterState } from '../lifecycle/vm-transitions.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { Store } from '../pools/store.js';
import type { HostRecord } from '../pools/records/host-record.js';
import { LcmState, VmState } from '../vm/states.js';
import type { FailureLog } from './failure-log.js';
import { failureText, type MonitorServices } from './host-monitoring.js';

export type Position = { state: VmState; lcmState: LcmState };

/** A POLL reply: the state the VM driver reports, CPU in percent of one core, memory in KiB. */
export interface PollReport {
  state: string;
  cpu?: number;
  memoryKb?: number;
}

/** Returns whether the monitor polls the VM: ACTIVE in RUNNING or UNKNOWN, with a deploy id. */
export function isPolled(vm: VmRecord): boolean {
  const lcmPolled = vm.lcmState === LcmState.RUNNING || vm.lcmState === LcmState.UNKNOWN;
  return vm.state === VmState.ACTIVE && lcmPolled && vm.deployId !== '';
}

/**
 * Returns where a polled VM goes after the driver reported `reported`, or undefined
 * when it stays. As in OpenNebula, a VM the driver reports powered off goes to POWEROFF,
 * one it no longer finds goes to UNKNOWN, and an UNKNOWN VM found running is RUNNING again.
 * NOTE: a PAUSED report changes nothing, although OpenNebula moves such a VM to SUSPENDED.
 */
export function positionAfterPoll(vm: VmRecord, reported: string): Position | undefined {
  if (reported === 'POWEROFF') return { state: VmState.POWEROFF, lcmState: LcmState.LCM_INIT };
  if (reported === 'UNKNOWN' && vm.lcmState === LcmState.RUNNING) return { state: VmState.ACTIVE, lcmState: LcmState.UNKNOWN };
  if (reported === 'RUNNING' && vm.lcmState === LcmState.UNKNOWN) return { state: VmState.ACTIVE, lcmState: LcmState.RUNNING };
  return undefined;
}

/**
 * Returns whether the stored VM is still in the position it was polled in. A flow that
 * ran meanwhile changes the state, the previous state, the deploy id or the history.
 * NOTE: a flow that started and ended between the POLL and this check, and came back to
 * the same state with the same previous state, deploy id and history, goes unnoticed.
 */
function unchangedSince(polled: VmRecord, stored: VmRecord): boolean {
  return (
    stored.state === polled.state &&
    stored.lcmState === polled.lcmState &&
    stored.prevState === polled.prevState &&
    stored.prevLcmState === polled.prevLcmState &&
    stored.deployId === polled.deployId &&
    stored.history.length === polled.history.length
  );
}

function monitoringValues(vm: VmRecord, report: PollReport, now: number): Record<string, string> {
  const values: Record<string, string> = { TIMESTAMP: String(now), ID: String(vm.id) };
  if (report.cpu !== undefined) values.CPU = String(report.cpu);
  if (report.memoryKb !== undefined) values.MEMORY = String(report.memoryKb);
  values.STATE = report.state;
  return values;
}

/** A move of a VM that a POLL reply caused. */
export interface PollMove {
  from: Position;
  to: Position;
}

/**
 * Applies a POLL reply inside `tx` to `vm`, a record read in `tx`: MONITORING and
 * LAST_POLL, and the move that positionAfterPoll returns when the VM has no operation
 * in progress. The caller writes the VM. Returns the move, or undefined when the VM stays.
 */
export async function applyPoll(tx: SqlRunner, store: Store, vm: VmRecord, report: PollReport, now: number): Promise<PollMove | undefined> {
  vm.monitoring = monitoringValues(vm, report, now);
  vm.lastPoll = now;

  const from = { state: vm.state, lcmState: vm.lcmState };
  const target = vm.operation ? undefined : positionAfterPoll(vm, report.state);
  if (target === undefined) return undefined;

  await enterState(tx, store, vm, target, 'monitor', now);
  return { from, to: target };
}

/**
 * Returns whether the stored VM is still in the position it was polled in, so that the
 * reply, which may be about its earlier state, can be stored.
 */
export function stillAsPolled(polled: VmRecord, stored: VmRecord | undefined): stored is VmRecord {
  return stored !== undefined && unchangedSince(polled, stored);
}

export function positionName(position: Position): string {
  return position.state === VmState.ACTIVE ? LcmState[position.lcmState] : VmState[position.state];
}

/**
 * POLLs one VM on its host and hands the reply to `record`, which stores it later with
 * others. Never rejects: a failed call is logged with the VM and host ids. Nothing is
 * handed on once `stopping()` is true.
 */
export async function pollVm(
  services: MonitorServices,
  failures: FailureLog,
  vm: VmRecord,
  host: HostRecord,
  stopping: () => boolean,
  record: (report: PollReport) => void,
): Promise<void> {
  const fields = { hostId: host.id, driver: host.vmMad, deployId: vm.deployId };
  try {
    let report: PollReport;
    try {
      report = await services.drivers.call('vmm', host.vmMad, 'POLL', { vmId: vm.id, host: host.name, deployId: vm.deployId }, { objectId: -1 });
    } catch (error) {
      if (!stopping()) failures.failed(vm.id, failureText(error), fields);
      return;
    }

    if (stopping()) return;
    failures.succeeded(vm.id, fields);
    record(report);
  } catch (error) {
    services.log.internalError({ step: 'vm.poll', vmId: vm.id, hostId: host.id }, error);
  }
}
