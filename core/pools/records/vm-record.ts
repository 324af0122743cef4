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
}

export const VM_POOL: PoolDefinition<VmRecord> = {
  table: 'vm_pool',
  sequence: 'vm',
  objectName: 'virtual machine',
  resourceType: 'VM',
  codec: objectCodec<VmRecord>({
    templateFields: ['template', 'userTemplate'],
    columns: (record) => ({ state: record.state, lcm_state: record.lcmState }),
  }),
};

export { LcmState, VmState };
