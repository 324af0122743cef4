import type { Template } from '../../template/index.js';
import type { ObjectHeader } from '../object-header.js';
import type { PoolDefinition } from '../object-pool.js';
import { objectCodec } from './object-codec.js';

/** An address range of a virtual network; its attributes are kept as given. */
export interface AddressRange {
  id: number;
  /** The AR vector's attributes (TYPE, IP, MAC, SIZE, ...), upper-case names. */
  attributes: Array<[string, string]>;
}

export interface VnetRecord extends ObjectHeader {
  clusterIds: number[];
  bridge: string;
  vnMad: string;
  state: number;
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
