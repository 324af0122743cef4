import type { DaemonLog } from '../log/events.js';
import type { Store } from '../pools/store.js';
import { LcmState, VmState } from '../vm/states.js';
import { templateValue } from '../vm-log/record-vm-error.js';
import { leaveHost } from './vm-resources.js';

/** Where a VM caught in an LCM state by a restart is left: the state OpenNebula uses for that step's failure. */
function failureFor(lcmState: LcmState): { state: VmState; lcmState: LcmState } {
  switch (lcmState) {
    case LcmState.PROLOG:
      return { state: VmState.ACTIVE, lcmState: LcmState.PROLOG_FAILURE };
    case LcmState.BOOT:
    case LcmState.BOOT_POWEROFF:
    case LcmState.BOOT_SUSPENDED:
    case LcmState.BOOT_UNKNOWN:
      return { state: VmState.ACTIVE, lcmState: LcmState.BOOT_FAILURE };
    case LcmState.BOOT_STOPPED:
      return { state: VmState.ACTIVE, lcmState: LcmState.BOOT_STOPPED_FAILURE };
    case LcmState.BOOT_UNDEPLOY:
      return { state: VmState.ACTIVE, lcmState: LcmState.BOOT_UNDEPLOY_FAILURE };
    case LcmState.EPILOG:
      return { state: VmState.ACTIVE, lcmState: LcmState.EPILOG_FAILURE };
    default:
      return { state: VmState.ACTIVE, lcmState: LcmState.RUNNING };
  }
}

/**
 * Settles every VM whose flow a stopped or killed daemon left unfinished, so that no
 * VM stays in a transient state forever: a deploy that had not started its first step
 * goes back to PENDING and gives its host capacity back; any other VM goes to the
 * failure state of the step it was in (RUNNING for a shutdown or save), with an ERROR
 * that says what happened and how to go on. Returns the ids settled.
 */
export async function recoverInterruptedFlows(store: Store, log: DaemonLog, now: number): Promise<number[]> {
  const busy = (await store.vms.list(store.db, { where: 'state <> ?', params: [VmState.DONE] })).filter((vm) => vm.operation);
  const settled: number[] = [];

  for (const { id } of busy) {
    await store.db.transaction(async (tx) => {
      const vm = await store.vms.require(tx, id);
      if (!vm.operation) return;
      const flow = vm.operation.name;

      if (vm.state !== VmState.ACTIVE) {
        await leaveHost(tx, store, vm, now, 0);
      } else {
        const target = failureFor(vm.lcmState);
        vm.prevState = vm.state;
        vm.prevLcmState = vm.lcmState;
        vm.state = target.state;
        vm.lcmState = target.lcmState;
        const message = `"${flow}" was interrupted by a restart of stratusd; run the action again or use one.vm.recover`;
        vm.userTemplate.set('ERROR', templateValue(`${new Date(now * 1000).toISOString()} : ${message}`));
      }
      vm.operation = null;
      await store.vms.update(tx, vm);
      log.warn('vm.flow_interrupted', { vmId: id, flow, state: vm.state, lcmState: vm.lcmState });
      settled.push(id);
    });
  }
  return settled;
}
