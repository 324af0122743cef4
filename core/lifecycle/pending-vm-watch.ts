import type { VmRecord } from '../pools/records/vm-record.js';
import type { Store } from '../pools/store.js';
import { LcmState, VmState } from '../vm/states.js';

/** Tells whether the scheduler has work for the VM: it is PENDING and idle, or RUNNING with RESCHED = 1. */
function needsScheduling(vm: VmRecord): boolean {
  if (vm.operation) return false;
  if (vm.state === VmState.PENDING) return true;
  return vm.state === VmState.ACTIVE && vm.lcmState === LcmState.RUNNING && vm.resched === 1;
}

/**
 * Calls `onPending` after each commit that wrote a VM that is PENDING with no
 * operation in progress: a new VM, a released or resumed one, or one that
 * `one.vm.recover` sent back to PENDING, and a RUNNING VM marked for rescheduling. Writes for which `ignore` returns true, such
 * as the scheduler's own SCHED_MESSAGE updates, do not count.
 *
 * NOTE: one commit may carry several transactions, and a VM written by one whose work
 * failed and was undone still counts, so `onPending` may run when nothing new is pending.
 */
export function watchPendingVms(store: Store, onPending: () => void, ignore: (vm: VmRecord) => boolean): void {
  let written = false;

  store.vms.watchWrites((vm) => {
    if (needsScheduling(vm) && !ignore(vm)) written = true;
  });

  store.db.afterTransaction((committed) => {
    if (written && committed) onPending();
    written = false;
  });
}
