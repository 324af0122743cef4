import type { DaemonLog } from '../log/events.js';
import type { Store } from '../pools/store.js';
import { LcmState, VmState } from '../vm/states.js';
import { templateValue } from '../vm-log/record-vm-error.js';
import { isFailureState } from './vm-actions.js';
import type { StepFailure } from './flow.js';
import { returnToPreviousHost } from './migration-placement.js';
import { leaveHost } from './vm-resources.js';

/** The failure LCM state of each step's LCM state, as OpenNebula uses them. */
const FAILURE_OF_STEP: Partial<Record<LcmState, LcmState>> = {
  [LcmState.PROLOG]: LcmState.PROLOG_FAILURE,
  [LcmState.BOOT]: LcmState.BOOT_FAILURE,
  [LcmState.BOOT_POWEROFF]: LcmState.BOOT_FAILURE,
  [LcmState.BOOT_SUSPENDED]: LcmState.BOOT_FAILURE,
  [LcmState.BOOT_UNKNOWN]: LcmState.BOOT_FAILURE,
  [LcmState.BOOT_STOPPED]: LcmState.BOOT_STOPPED_FAILURE,
  [LcmState.BOOT_UNDEPLOY]: LcmState.BOOT_UNDEPLOY_FAILURE,
  [LcmState.EPILOG]: LcmState.EPILOG_FAILURE,
  [LcmState.PROLOG_MIGRATE]: LcmState.PROLOG_MIGRATE_FAILURE,
  [LcmState.BOOT_MIGRATE]: LcmState.BOOT_MIGRATE_FAILURE,
  [LcmState.PROLOG_MIGRATE_POWEROFF]: LcmState.PROLOG_MIGRATE_POWEROFF_FAILURE,
  [LcmState.PROLOG_MIGRATE_SUSPEND]: LcmState.PROLOG_MIGRATE_SUSPEND_FAILURE,
  [LcmState.PROLOG_MIGRATE_UNKNOWN]: LcmState.PROLOG_MIGRATE_UNKNOWN_FAILURE,
};

/**
 * Returns the position of a VM that a restart caught in `lcmState`: the failure state
 * of that step. Flows start from RUNNING, UNKNOWN and the failure states, so a VM still
 * in one of them had not begun a step that changes the LCM state (or ran a step without
 * one, such as a reboot), and it stays there. A migration caught before the guest left
 * its old host (SAVE_MIGRATE, MIGRATE) goes back there, RUNNING. Any other step (a
 * shutdown or a save) leaves the VM RUNNING, since the guest may still run.
 */
function failureFor(lcmState: LcmState): StepFailure {
  const active = (target: LcmState): StepFailure => ({ state: VmState.ACTIVE, lcmState: target });

  if (lcmState === LcmState.RUNNING || lcmState === LcmState.UNKNOWN || isFailureState(active(lcmState))) return active(lcmState);
  if (lcmState === LcmState.SAVE_MIGRATE || lcmState === LcmState.MIGRATE) return { ...active(LcmState.RUNNING), returnToPreviousHost: true };
  return active(FAILURE_OF_STEP[lcmState] ?? LcmState.RUNNING);
}

/**
 * Settles every VM whose flow a stopped or killed daemon left unfinished, so that no
 * VM stays in a transient state forever. A deploy that had not started its first step
 * leaves the VM PENDING (or HOLD) and gives its host capacity back. Any other flow that
 * had not started its first step leaves the VM where it was, on its host (every step
 * with an LCM state makes the VM ACTIVE, so a POWEROFF or SUSPENDED VM had not begun).
 * A VM inside a step goes to that step's failure state (RUNNING for a shutdown or save,
 * on the previous host for the first step of a migration).
 * Each settled VM gets an ERROR that states what happened and how to go on. Returns the
 * ids settled.
 */
export async function recoverInterruptedFlows(store: Store, log: DaemonLog, now: number): Promise<number[]> {
  const busy = (await store.vms.list(store.db, { where: 'state <> ?', params: [VmState.DONE] })).filter((vm) => vm.operation);
  const settled: number[] = [];

  for (const { id } of busy) {
    await store.db.transaction(async (tx) => {
      const vm = await store.vms.require(tx, id);
      if (!vm.operation) return;
      const flow = vm.operation.name;

      if (vm.state === VmState.PENDING || vm.state === VmState.HOLD) {
        await leaveHost(tx, store, vm, now, 0);
      } else if (vm.state === VmState.ACTIVE) {
        const target = failureFor(vm.lcmState);
        if (target.returnToPreviousHost) await returnToPreviousHost(tx, store, vm, now);
        if (target.lcmState !== vm.lcmState) {
          vm.prevState = vm.state;
          vm.prevLcmState = vm.lcmState;
          vm.state = target.state;
          vm.lcmState = target.lcmState;
        }
        // Recorded so that one.vm.recover rebuilds this very flow, not one guessed from the LCM state.
        vm.failedOperation = { ...vm.operation, earlierStepsUndone: false };
        const message = `"${flow}" was interrupted by a restart of stratusd; run the action again or use one.vm.recover`;
        vm.userTemplate.set('ERROR', templateValue(`${new Date(now * 1000).toISOString()} : ${message}`));
      } else {
        const message = `"${flow}" had not started when stratusd restarted; run the action again`;
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
