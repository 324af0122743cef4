import type { VnetRecord } from '../../pools/records/vnet-record.js';
import { findSlots, inUseError, parseRequestedAddress, selectRanges, slotsOf, type AddressSelector } from './find-address.js';
import { withMessagePrefix } from './lease-error.js';
import { deleteLease, HELD_LEASE_VM_ID, leaseAt, setLease } from './lease-map.js';
import type { Lease } from './nic-attributes.js';
import { addressesAt } from './range-addresses.js';

/**
 * Puts an address on hold for `one.vn.hold`: it is leased to VM -1 so no NIC gets it.
 * Without AR_ID the address is held in every range that contains it free, as OpenNebula's
 * AddressRangePool::hold_by_ip does, and the held leases are returned. Throws LeaseError when the selector names
 * no single address, or when the address is in no range or already leased in all of them.
 */
export function holdLease(vnet: VnetRecord, selector: AddressSelector): Lease[] {
  try {
    const address = parseRequestedAddress(selector, true);
    const slots = slotsOf(vnet, selectRanges(vnet, selector.arId), address, selector.arId);

    const free = slots.filter((slot) => leaseAt(slot.range, slot.offset) === undefined);
    if (free.length === 0) throw inUseError(vnet, address, slots[0]);

    for (const slot of free) {
      setLease(slot.range, slot.offset, HELD_LEASE_VM_ID);
      vnet.usedLeases += 1;
    }
    return free.map((slot) => ({ arId: slot.range.id, offset: slot.offset, ...addressesAt(slot.layout, slot.offset) }));
  } catch (error) {
    throw withMessagePrefix(error, 'Cannot hold the lease: ');
  }
}

/**
 * Frees a held address for `one.vn.release` in every range searched, and returns how
 * many holds it freed. Addresses leased to VMs stay leased. Like OpenNebula, an address
 * that is not on hold is no error, so the result may be 0. Throws LeaseError when the
 * selector names no single address or an unknown AR_ID.
 */
export function releaseHold(vnet: VnetRecord, selector: AddressSelector): number {
  try {
    const address = parseRequestedAddress(selector, true);
    let released = 0;

    for (const slot of findSlots(vnet, selectRanges(vnet, selector.arId), address)) {
      if (leaseAt(slot.range, slot.offset)?.vmId !== HELD_LEASE_VM_ID) continue;
      deleteLease(slot.range, slot.offset);
      released += 1;
    }

    vnet.usedLeases = Math.max(0, vnet.usedLeases - released);
    return released;
  } catch (error) {
    throw withMessagePrefix(error, 'Cannot release the lease: ');
  }
}
