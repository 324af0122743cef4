import type { SqlRunner } from '../db/database.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { Store } from '../pools/store.js';
import { releaseNicLeases } from '../vm/nic-leases.js';
import { LcmState, VmState } from '../vm/states.js';
import { releasePreviousHost, returnToPreviousHost } from './migration-placement.js';
import { leaveHost, releaseImages } from './vm-resources.js';

/** History ACTION codes of the operations that end a placement (OpenNebula's VMActions.h). */
const HISTORY_ACTION: Record<string, number> = {
  migrate: 1,
  'migrate-poweroff': 1,
  'migrate-poweroff-hard': 1,
  'live-migrate': 2,
  terminate: 27,
  'terminate-hard': 28,
  undeploy: 5,
  'undeploy-hard': 6,
  stop: 9,
};

/** Returns the history ACTION code of an operation's name, or 0 (none) for one that ends no placement. */
export function historyAction(operation: string): number {
  return HISTORY_ACTION[operation] ?? 0;
}

/**
 * Moves the VM to `state`/`lcmState` inside `tx` and settles what the new state
 * implies: DONE gives back the host's share, the images and the NICs' leases.
 * STOPPED and UNDEPLOYED give back the host's share and keep the disks in the VM folder.
 * A target with `returnToPreviousHost` ends a migration that did not happen: the VM
 * is placed on the host it came from again.
 */
export async function enterState(
  tx: SqlRunner,
  store: Store,
  vm: VmRecord,
  target: { state: VmState; lcmState: LcmState; returnToPreviousHost?: boolean },
  operation: string,
  now: number,
): Promise<void> {
  if (target.returnToPreviousHost) await returnToPreviousHost(tx, store, vm, now);
  else await releasePreviousHost(tx, store, vm);

  vm.prevState = vm.state;
  vm.prevLcmState = vm.lcmState;
  vm.state = target.state;
  vm.lcmState = target.state === VmState.ACTIVE ? target.lcmState : LcmState.LCM_INIT;
  const action = historyAction(operation);

  if (target.state === VmState.DONE) {
    await leaveHost(tx, store, vm, now, action);
    await releaseImages(tx, store, vm);
    await releaseNicLeases(tx, store, vm);
    vm.etime = now;
    vm.parked = null;
  } else if (target.state === VmState.STOPPED || target.state === VmState.UNDEPLOYED) {
    await leaveHost(tx, store, vm, now, action);
  }
}
