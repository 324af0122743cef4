import type { VmRecord } from '../pools/records/vm-record.js';
import { LcmState } from '../vm/states.js';

/** LCM states in which the VM's driver starts the guest: the prolog is over and the running time begins. */
const BOOT_STATES = new Set<LcmState>([
  LcmState.BOOT,
  LcmState.BOOT_MIGRATE,
  LcmState.BOOT_POWEROFF,
  LcmState.BOOT_SUSPENDED,
  LcmState.BOOT_STOPPED,
  LcmState.BOOT_UNDEPLOY,
  LcmState.BOOT_UNKNOWN,
  LcmState.MIGRATE,
]);

/** LCM states that stop the guest: the running time ends. */
const STOP_STATES = new Set<LcmState>([
  LcmState.SHUTDOWN,
  LcmState.SHUTDOWN_POWEROFF,
  LcmState.SHUTDOWN_UNDEPLOY,
  LcmState.SAVE_STOP,
  LcmState.SAVE_SUSPEND,
  LcmState.SAVE_MIGRATE,
  LcmState.CLEANUP_DELETE,
  LcmState.CLEANUP_RESUBMIT,
]);

const EPILOG_STATES = new Set<LcmState>([LcmState.EPILOG, LcmState.EPILOG_STOP, LcmState.EPILOG_UNDEPLOY]);

/**
 * Stamps the times of the VM's open history record when the VM enters `lcmState`, as
 * OpenNebula keeps them. A boot ends the prolog (PETIME) and starts the running time
 * (RSTIME). A shutdown, save or cleanup ends the running time (RETIME), and an epilog
 * starts (ESTIME). Each time is set once per record, and leaveHost sets EETIME and ETIME.
 */
export function stampHistoryTimes(vm: VmRecord, lcmState: LcmState, now: number): void {
  const record = vm.history.at(-1);
  if (!record || record.etime !== 0) return;

  const stamped = { ...record };
  if (BOOT_STATES.has(lcmState)) {
    if (stamped.petime === 0) stamped.petime = now;
    if (stamped.rstime === 0) stamped.rstime = now;
  }
  if (STOP_STATES.has(lcmState) && stamped.rstime !== 0 && stamped.retime === 0) stamped.retime = now;
  if (EPILOG_STATES.has(lcmState)) {
    if (stamped.rstime !== 0 && stamped.retime === 0) stamped.retime = now;
    if (stamped.estime === 0) stamped.estime = now;
  }

  vm.history = [...vm.history.slice(0, -1), stamped];
}
