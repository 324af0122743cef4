import type { SqlRunner } from '../db/database.js';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { Store } from '../pools/store.js';
import { LcmState, VmState } from '../vm/states.js';
import { leaveHost, releaseImages } from './vm-resources.js';

/** History ACTION codes of the operations that end a placement (OpenNebula's VMActions.h). */
const HISTORY_ACTION: Record<string, number> = {
  terminate: 27,
  'terminate-hard': 28,
  undeploy: 5,
  'undeploy-hard': 6,
  stop: 9,
};

/**
 * Moves the VM to `state`/`lcmState` inside `tx` and settles what the new state
 * implies: DONE gives back the host's share and the images, STOPPED and UNDEPLOYED
 * give back the host's share and keep the disks in the VM folder.
 */
export async function enterState(
  tx: SqlRunner,
  store: Store,
  vm: VmRecord,
  target: { state: VmState; lcmState: LcmState },
  operation: string,
  now: number,
): Promise<void> {
  vm.prevState = vm.state;
  vm.prevLcmState = vm.lcmState;
  vm.state = target.state;
  vm.lcmState = target.state === VmState.ACTIVE ? target.lcmState : LcmState.LCM_INIT;
  const action = HISTORY_ACTION[operation] ?? 0;

  if (target.state === VmState.DONE) {
    await leaveHost(tx, store, vm, now, action);
    await releaseImages(tx, store, vm);
    vm.etime = now;
    vm.parked = null;
  } else if (target.state === VmState.STOPPED || target.state === VmState.UNDEPLOYED) {
    await leaveHost(tx, store, vm, now, action);
  }
}
