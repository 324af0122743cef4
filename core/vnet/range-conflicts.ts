import type { AddressRange, VnetRecord } from '../pools/records/vnet-record.js';
import { addressesAt, HELD_LEASE_VM_ID, leasedOffsets, rangeLayout, type RangeLayout } from './leases/index.js';
import { networkLabel } from './leases/lease-error.js';

/** An address both ranges contain, found in the new range at `offset`. */
interface SharedAddress {
  offset: number;
  kind: 'IP' | 'IP6' | 'MAC';
}

/** Returns the first offset of interval [start, start + size) that [otherStart, otherStart + otherSize) also covers. */
function firstCommonOffset(start: bigint, size: number, otherStart: bigint, otherSize: number): number | undefined {
  const low = start > otherStart ? start : otherStart;
  const endOfRange = start + BigInt(size);
  const endOfOther = otherStart + BigInt(otherSize);
  const high = endOfRange < endOfOther ? endOfRange : endOfOther;
  return low < high ? Number(low - start) : undefined;
}

/**
 * Returns an address that both ranges contain: an IPv4 address, a static IPv6 address
 * or a MAC address. MAC addresses are compared as 48-bit numbers, so a range whose
 * MAC addresses wrap at the end of the low four bytes is compared without the wrap.
 */
function sharedAddress(range: RangeLayout, other: RangeLayout): SharedAddress | undefined {
  if (range.firstIpv4 !== undefined && other.firstIpv4 !== undefined) {
    const offset = firstCommonOffset(BigInt(range.firstIpv4), range.size, BigInt(other.firstIpv4), other.size);
    if (offset !== undefined) return { offset, kind: 'IP' };
  }

  if (range.firstIpv6 !== undefined && other.firstIpv6 !== undefined) {
    const offset = firstCommonOffset(range.firstIpv6, range.size, other.firstIpv6, other.size);
    if (offset !== undefined) return { offset, kind: 'IP6' };
  }

  if (range.firstMac.prefix === other.firstMac.prefix) {
    const offset = firstCommonOffset(BigInt(range.firstMac.low), range.size, BigInt(other.firstMac.low), other.size);
    if (offset !== undefined) return { offset, kind: 'MAC' };
  }
  return undefined;
}

function addressText(layout: RangeLayout, shared: SharedAddress): string {
  const addresses = addressesAt(layout, shared.offset);
  if (shared.kind === 'IP') return `IP ${addresses.ip ?? ''}`;
  if (shared.kind === 'IP6') return `IP6 ${addresses.ip6 ?? ''}`;
  return `MAC ${addresses.mac}`;
}

/**
 * Returns why new address ranges cannot join the network, or undefined when they can.
 * A new range must share no IPv4, static IPv6 or MAC address with a range of the
 * network or with another new range, because both would hand out that address.
 * Throws LeaseError when a stored range cannot be read.
 */
export function rangeOverlapProblem(vnet: VnetRecord, newRanges: readonly AddressRange[]): string | undefined {
  const label = networkLabel(vnet);
  const existing = vnet.addressRanges.map((range) => ({ name: `address range ${range.id} of ${label}`, layout: rangeLayout(range, label) }));

  for (const [index, range] of newRanges.entries()) {
    const layout = rangeLayout(range, label);
    const earlierNew = newRanges.slice(0, index).map((other, otherIndex) => ({ name: `new address range ${otherIndex + 1}`, layout: rangeLayout(other, label) }));

    for (const other of [...existing, ...earlierNew]) {
      const shared = sharedAddress(layout, other.layout);
      if (shared === undefined) continue;
      return `New address range ${index + 1} overlaps ${other.name}: both contain ${addressText(layout, shared)}. Choose addresses that no other range of the network contains.`;
    }
  }
  return undefined;
}

/**
 * Returns why the range cannot shrink to `newSize` addresses, or undefined when it can:
 * an address at position `newSize` or later is leased to a VM or on hold.
 * Throws LeaseError when the stored range cannot be read.
 */
export function rangeShrinkProblem(vnet: VnetRecord, range: AddressRange, newSize: number): string | undefined {
  const highest = leasedOffsets(range).at(-1);
  if (highest === undefined || highest < newSize) return undefined;

  const label = networkLabel(vnet);
  const addresses = addressesAt(rangeLayout(range, label), highest);
  const address = addresses.ip !== undefined ? `IP ${addresses.ip}` : `MAC ${addresses.mac}`;
  const vmId = range.leases?.[highest]?.vmId;
  const holder = vmId === HELD_LEASE_VM_ID ? 'is on hold' : `is leased to VM ${vmId}`;
  return (
    `Address range ${range.id} of ${label} cannot shrink to SIZE ${newSize}: ${address} ${holder}. ` +
    `Keep SIZE at least ${highest + 1}, or free that address first.`
  );
}
