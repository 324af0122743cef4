import type { AddressRange, VnetRecord } from '../../pools/records/vnet-record.js';
import { inUseError, parseRequestedAddress, selectRanges, slotsOf, type AddressSlot, type RequestedAddress } from './find-address.js';
import { LeaseError, networkLabel, withMessagePrefix } from './lease-error.js';
import { findFreeOffset, leaseAt, setLease } from './lease-map.js';
import { nicAttributes, type Lease, type NicValues } from './nic-attributes.js';
import { addressesAt, rangeLayout } from './range-addresses.js';

/** A NIC's request for a lease. Without IP, IP6 or MAC it gets the first free address. */
export interface LeaseRequest {
  vmId: number;
  /** NIC_ID, named in error messages. */
  nicId: number;
  ip?: string;
  /** A specific address of an IP6_STATIC or IP4_6_STATIC range. */
  ip6?: string;
  mac?: string;
  /** AR_ID: take the address from this range only. */
  arId?: number;
  /** The NIC's current attributes. Inherited network attributes that it already sets keep its values. */
  nic?: NicValues;
  /** Network attributes to copy to the NIC, as nicAttributes describes. */
  inherited?: readonly string[];
}

/** A granted lease and the attributes to set on the NIC in the VM document. */
export interface LeaseAllocation {
  lease: Lease;
  nicAttributes: Array<[string, string]>;
}

/**
 * Leases an address of `vnet` to a VM's NIC: the requested IP, IP6 or MAC, or else the
 * lowest free address of the first range (in AR_ID order) that has one. Records the
 * lease in the range and counts it in `vnet.usedLeases`. The caller saves the record.
 * Throws LeaseError, with "NIC <id>: " before the message, when no address can be leased.
 */
export function allocateLease(vnet: VnetRecord, request: LeaseRequest): LeaseAllocation {
  try {
    const address = parseRequestedAddress(request, false);
    const ranges = selectRanges(vnet, request.arId);
    const slot = address === undefined ? firstFreeSlot(vnet, ranges, request.arId) : requestedSlot(vnet, ranges, address, request.arId);

    setLease(slot.range, slot.offset, request.vmId);
    vnet.usedLeases += 1;

    const lease: Lease = { arId: slot.range.id, offset: slot.offset, ...addressesAt(slot.layout, slot.offset) };
    return { lease, nicAttributes: nicAttributes(vnet, lease, request.nic, request.inherited) };
  } catch (error) {
    throw withMessagePrefix(error, `NIC ${request.nicId}: `);
  }
}

/** Returns the first free slot of the ranges, or throws LeaseError (no-free-address). */
function firstFreeSlot(vnet: VnetRecord, ranges: AddressRange[], arId: number | undefined): AddressSlot {
  for (const range of ranges) {
    const layout = rangeLayout(range, networkLabel(vnet));
    const offset = findFreeOffset(range, layout.size);
    if (offset !== undefined) return { range, layout, offset };
  }
  throw new LeaseError('no-free-address', noFreeAddressMessage(vnet, ranges.length, arId));
}

function noFreeAddressMessage(vnet: VnetRecord, rangeCount: number, arId: number | undefined): string {
  const label = networkLabel(vnet);
  if (arId !== undefined) {
    return `address range ${arId} of ${label} has no free address; lease from another range or add one with one.vn.add_ar.`;
  }
  if (rangeCount === 0) return `${label} has no address range; add one with one.vn.add_ar.`;

  const ranges = rangeCount === 1 ? '1 address range' : `${rangeCount} address ranges`;
  return `${label} has no free address in its ${ranges}; add one with one.vn.add_ar.`;
}

/**
 * Returns the first free slot holding the requested address. Like OpenNebula, an address
 * that is taken in one range may still be leased from a later range that overlaps it.
 */
function requestedSlot(vnet: VnetRecord, ranges: AddressRange[], address: RequestedAddress, arId: number | undefined): AddressSlot {
  const slots = slotsOf(vnet, ranges, address, arId);
  const free = slots.find((slot) => leaseAt(slot.range, slot.offset) === undefined);
  if (free === undefined) throw inUseError(vnet, address, slots[0]);
  return free;
}
