import type { Template } from '../../template/index.js';
import type { ObjectHeader } from '../object-header.js';
import type { PoolDefinition } from '../object-pool.js';
import { objectCodec } from './object-codec.js';

/** Host states with OpenNebula's numbers; 1, 5, 6 and 7 are obsolete there. */
export enum HostState {
  INIT = 0,
  MONITORED = 2,
  ERROR = 3,
  DISABLED = 4,
  OFFLINE = 8,
}

/** Capacity of a host: CPU in percent of one core (800 is 8 cores), memory in KiB. */
export interface HostShare {
  memUsage: number;
  cpuUsage: number;
  totalMem: number;
  totalCpu: number;
  maxMem: number;
  maxCpu: number;
  runningVms: number;
}

export interface HostRecord extends ObjectHeader {
  state: HostState;
  prevState: HostState;
  imMad: string;
  vmMad: string;
  clusterId: number;
  cluster: string;
  share: HostShare;
  vms: number[];
  template: Template;
  /** Last monitoring values, as OpenNebula's CAPACITY section names them. */
  monitoring: { timestamp: number; freeCpu: number; freeMemory: number; usedCpu: number; usedMemory: number } | null;
}

export const HOST_POOL: PoolDefinition<HostRecord> = {
  table: 'host_pool',
  sequence: 'host',
  objectName: 'host',
  resourceType: 'HOST',
  codec: objectCodec<HostRecord>({ templateFields: ['template'] }),
};
