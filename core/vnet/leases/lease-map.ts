import type { AddressRange, RangeLease } from '../../pools/records/vnet-record.js';

/** The `vmId` OpenNebula gives addresses put on hold with `one.vn.hold`. */
export const HELD_LEASE_VM_ID = -1;

/** Returns the lease at `offset`, or undefined when the address is free. */
export function leaseAt(range: AddressRange, offset: number): RangeLease | undefined {
  return range.leases?.[offset];
}

/** Records a lease at a free `offset`. */
export function setLease(range: AddressRange, offset: number, vmId: number): void {
  range.leases ??= {};
  range.leases[offset] = { vmId };
}

/** Frees the address at `offset` and lets the next search start there if it is lower. */
export function deleteLease(range: AddressRange, offset: number): void {
  if (range.leases === undefined) return;

  delete range.leases[offset];
  if (offset < searchStartOf(range)) range.searchStart = offset;
}

/**
 * Returns the lowest free offset below `size`, or undefined when every address is leased.
 * The search starts at `searchStart` and moves it up past leased addresses, so handing
 * out a range in order costs constant time per lease rather than a scan from offset 0.
 */
export function findFreeOffset(range: AddressRange, size: number): number | undefined {
  let offset = searchStartOf(range);
  const leases = range.leases ?? {};

  while (offset < size && leases[offset] !== undefined) offset += 1;

  range.searchStart = offset;
  return offset < size ? offset : undefined;
}

/** Returns the offsets of the range's leases in ascending order. */
export function leasedOffsets(range: AddressRange): number[] {
  // Integer-like property keys enumerate in ascending numeric order (ECMAScript OrdinaryOwnPropertyKeys).
  return Object.keys(range.leases ?? {}).map(Number);
}

/** Returns how many addresses of the range are leased or on hold: the AR's USED_LEASES. */
export function rangeUsedLeases(range: AddressRange): number {
  return range.leases === undefined ? 0 : Object.keys(range.leases).length;
}

/** Reads `searchStart`, treating a missing or damaged value as 0 so the search stays correct. */
function searchStartOf(range: AddressRange): number {
  const start = range.searchStart;
  return start !== undefined && Number.isInteger(start) && start > 0 ? start : 0;
}
