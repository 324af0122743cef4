import type { VnetRecord } from '../../pools/records/vnet-record.js';
import { deleteLease, leaseAt, leasedOffsets } from './lease-map.js';
import { parseMac } from './mac-address.js';
import { offsetOfMac, rangeLayout } from './range-addresses.js';

/** A NIC's lease as its VM document records it. */
export interface NicLease {
  arId: number;
  mac: string;
}

/**
 * Frees the address a VM's NIC leased, found by the NIC's AR_ID and MAC as OpenNebula
 * frees a NIC's lease. Returns false, changing nothing, when that address is not leased
 * to `vmId`, so a repeated release is harmless.
 */
export function releaseLease(vnet: VnetRecord, vmId: number, nic: NicLease): boolean {
  const range = vnet.addressRanges.find((candidate) => candidate.id === nic.arId);
  const mac = parseMac(nic.mac);
  if (range === undefined || mac === undefined) return false;

  const offset = offsetOfMac(rangeLayout(range), mac);
  if (offset === undefined || leaseAt(range, offset)?.vmId !== vmId) return false;

  deleteLease(range, offset);
  vnet.usedLeases = Math.max(0, vnet.usedLeases - 1);
  return true;
}

/**
 * Frees every address leased to `vmId` in all ranges of the network and returns how
 * many it freed. It reads every lease of the network, so prefer releaseLease per NIC
 * when the VM's NICs are at hand.
 */
export function releaseLeases(vnet: VnetRecord, vmId: number): number {
  let released = 0;

  for (const range of vnet.addressRanges) {
    for (const offset of leasedOffsets(range)) {
      if (leaseAt(range, offset)?.vmId !== vmId) continue;
      deleteLease(range, offset);
      released += 1;
    }
  }

  vnet.usedLeases = Math.max(0, vnet.usedLeases - released);
  return released;
}
