import type { Template } from '../../template/index.js';
import type { ObjectHeader } from '../object-header.js';
import type { PoolDefinition } from '../object-pool.js';
import { objectCodec } from './object-codec.js';

/** A leased address of an address range. */
export interface RangeLease {
  /** The VM that holds the address, or -1 for an address put on hold with `one.vn.hold`. */
  vmId: number;
}

/** An address range of a virtual network; its attributes are kept as given. */
export interface AddressRange {
  id: number;
  /** The AR vector's attributes (TYPE, IP, MAC, SIZE, ...), upper-case names. */
  attributes: Array<[string, string]>;
  /**
   * Leased addresses, keyed by their offset from the range's first address. Absent in
   * records stored before leases existed, and read as no leases. Change it only through
   * core/vnet/leases, which keeps `searchStart` and the network's `usedLeases` in step.
   */
  leases?: Record<number, RangeLease>;
  /** Offset where the search for a free address starts: every lower offset is leased. Absent reads as 0. */
  searchStart?: number;
}

export interface VnetRecord extends ObjectHeader {
  clusterIds: number[];
  bridge: string;
  vnMad: string;
  /** OpenNebula's VNET states: 0 INIT, 1 READY, 2 LOCK_CREATE, 3 LOCK_DELETE, 4 DONE, 5 ERROR, 6 UPDATE_FAILURE. */
  state: number;
  /** Absent in records stored before it was added; read as 0 (INIT). */
  prevState?: number;
  parentNetworkId: number;
  vlanId: string;
  usedLeases: number;
  addressRanges: AddressRange[];
  nextAddressRangeId: number;
  template: Template;
}

export const VNET_POOL: PoolDefinition<VnetRecord> = {
  table: 'network_pool',
  sequence: 'network',
  objectName: 'virtual network',
  resourceType: 'NET',
  codec: objectCodec<VnetRecord>({ templateFields: ['template'] }),
};
