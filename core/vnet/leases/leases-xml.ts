import { element } from '../../documents/xml.js';
import type { AddressRange, VnetRecord } from '../../pools/records/vnet-record.js';
import { HELD_LEASE_VM_ID, leaseAt, leasedOffsets, rangeUsedLeases } from './lease-map.js';
import { addressesAt, rangeLayout } from './range-addresses.js';

/**
 * Renders the `<LEASES>` element of an address range in the extended `<VNET>` document:
 * one `<LEASE>` per leased address in offset order, its elements sorted by name as
 * OpenNebula's AddressRange::to_xml writes them, or `<LEASES/>` when none is leased.
 * A held address shows `<VM>-1</VM>`.
 */
export function leasesXml(range: AddressRange, vnetLabel?: string): string {
  const offsets = leasedOffsets(range);
  if (offsets.length === 0) return '<LEASES/>';

  const layout = rangeLayout(range, vnetLabel);
  const leases = offsets.map((offset) => {
    const addresses = addressesAt(layout, offset);
    const vmId = leaseAt(range, offset)?.vmId ?? HELD_LEASE_VM_ID;
    const entries: Array<[string, string | undefined]> = [
      ['IP', addresses.ip],
      ['IP6', addresses.ip6],
      ['IP6_GLOBAL', addresses.ip6Global],
      ['IP6_LINK', addresses.ip6Link],
      ['IP6_ULA', addresses.ip6Ula],
      ['MAC', addresses.mac],
      ['VM', String(vmId)],
    ];
    const elements = entries.map(([name, value]) => (value === undefined ? '' : element(name, value)));
    return `<LEASE>${elements.join('')}</LEASE>`;
  });
  return `<LEASES>${leases.join('')}</LEASES>`;
}

/** Returns the network's USED_LEASES counted from its ranges, to check or rebuild `vnet.usedLeases`. */
export function networkUsedLeases(vnet: VnetRecord): number {
  return vnet.addressRanges.reduce((total, range) => total + rangeUsedLeases(range), 0);
}
