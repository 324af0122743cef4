export { allocateLease, type LeaseAllocation, type LeaseRequest } from './allocate-lease.js';
export { contextVariables } from './context-variables.js';
export type { AddressSelector } from './find-address.js';
export { holdLease, releaseHold } from './hold-lease.js';
export { LeaseError, type LeaseErrorReason } from './lease-error.js';
export { HELD_LEASE_VM_ID, leasedOffsets, rangeUsedLeases } from './lease-map.js';
export { leasesXml, networkUsedLeases } from './leases-xml.js';
export {
  ADDRESSING_ATTRIBUTES,
  DEFAULT_INHERITED_NETWORK_ATTRIBUTES,
  networkAttribute,
  nicAttributes,
  ONED_INHERITED_NETWORK_ATTRIBUTES,
  type Lease,
  type NicValues,
} from './nic-attributes.js';
export { addressesAt, rangeLayout, type LeaseAddresses, type RangeLayout } from './range-addresses.js';
export { releaseLease, releaseLeases, type NicLease } from './release-lease.js';
