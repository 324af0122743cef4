import type { Template } from '../../template/index.js';
import { LcmState, VmState } from '../../vm/states.js';
import type { ObjectHeader } from '../object-header.js';
import type { PoolDefinition } from '../object-pool.js';
import { objectCodec } from './object-codec.js';

/** One placement of a VM on a host, as OpenNebula's HISTORY element records it. */
export interface HistoryRecord {
  seq: number;
  hostname: string;
  hid: number;
  cid: number;
  stime: number;
  etime: number;
  vmMad: string;
  tmMad: string;
  dsId: number;
  pstime: number;
  petime: number;
  rstime: number;
  retime: number;
  estime: number;
  eetime: number;
  action: number;
  uid: number;
  gid: number;
  reqId: number;
}

export interface VmRecord extends ObjectHeader {
  lastPoll: number;
  state: VmState;
  lcmState: LcmState;
  prevState: VmState;
  prevLcmState: LcmState;
  resched: number;
  stime: number;
  etime: number;
  deployId: string;
  /** Last monitoring values by OpenNebula's names (CPU, MEMORY, STATE, ...). */
  monitoring: Record<string, string>;
  /** The system template: attributes the core owns (CPU, MEMORY, DISK, NIC, ...). */
  template: Template;
  /** Free-form attributes that the owner edits with `one.vm.update`. */
  userTemplate: Template;
  history: HistoryRecord[];
  /**
   * The flow in progress, stored with each step so that a restarted daemon knows what
   * was interrupted; absent (or null) when the VM is idle.
   */
  operation?: VmOperation | null;
  /**
   * Why a PENDING VM's disks are still in its folder: it was stopped (resume restores
   * the checkpoint) or undeployed (resume boots again); absent for a new VM.
   */
  parked?: 'stopped' | 'undeployed' | null;
  /**
   * The flow whose step failed last, with that step's index, so that `one.vm.recover`
   * can run it again or skip the step. A flow that succeeds clears it.
   */
  failedOperation?: FailedOperation | null;
}

/** A life-cycle flow in progress on a VM. */
export interface VmOperation {
  /** Flow name: "deploy", "terminate", "poweroff", ... */
  name: string;
  /** Index of the step that was running. */
  step: number;
  startedAt: number;
  /** Where the VM was when the action was accepted, which decides the flow's steps (see planAction). */
  from?: { state: VmState; lcmState: LcmState };
}

/** A flow whose step failed, as `one.vm.recover` needs it to run the flow again. */
export interface FailedOperation extends VmOperation {
  /** Whether the steps before the failed one were undone: the flow runner undoes them, `recover --failure` does not. */
  earlierStepsUndone?: boolean;
}

export const VM_POOL: PoolDefinition<VmRecord> = {
  table: 'vm_pool',
  sequence: 'vm',
  objectName: 'virtual machine',
  resourceType: 'VM',
  codec: objectCodec<VmRecord>({
    templateFields: ['template', 'userTemplate'],
    columns: (record) => ({ state: record.state, lcm_state: record.lcmState, resched: record.resched }),
  }),
};

export { LcmState, VmState };
