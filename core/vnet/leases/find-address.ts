import type { AddressRange, VnetRecord } from '../../pools/records/vnet-record.js';
import { parseIpv4 } from './ipv4.js';
import { parseIpv6 } from './ipv6.js';
import { LeaseError, networkLabel } from './lease-error.js';
import { HELD_LEASE_VM_ID, leaseAt } from './lease-map.js';
import { parseMac } from './mac-address.js';
import { offsetOfIpv4, offsetOfIpv6, offsetOfMac, rangeLayout, type RangeLayout } from './range-addresses.js';

/** Names one address by IP, IP6 or MAC, optionally in one address range, as NICs and `one.vn.hold` do. */
export interface AddressSelector {
  ip?: string;
  ip6?: string;
  mac?: string;
  /** AR_ID: look only in this address range. */
  arId?: number;
}

/** A parsed address and how to find its offset in a range. */
export interface RequestedAddress {
  /** "IP 10.0.0.5", for messages. */
  label: string;
  offsetIn(layout: RangeLayout): number | undefined;
}

/** One address of one range. */
export interface AddressSlot {
  range: AddressRange;
  layout: RangeLayout;
  offset: number;
}

/**
 * Parses the IP, IP6 or MAC of a selector. Returns undefined when it names none and
 * `required` is false. Throws LeaseError (invalid-request) when it names more than one,
 * none although one is required, or an address that does not parse.
 */
export function parseRequestedAddress(selector: AddressSelector, required: true): RequestedAddress;
export function parseRequestedAddress(selector: AddressSelector, required: boolean): RequestedAddress | undefined;
export function parseRequestedAddress(selector: AddressSelector, required: boolean): RequestedAddress | undefined {
  const namedKeys = (['ip', 'ip6', 'mac'] as const).filter((key) => (selector[key] ?? '') !== '');
  if (namedKeys.length > 1) {
    throw new LeaseError('invalid-request', `give only one of IP, IP6 and MAC, not ${namedKeys.map((key) => key.toUpperCase()).join(' and ')}.`);
  }
  if (namedKeys.length === 0) {
    if (required) throw new LeaseError('invalid-request', 'the request is missing MAC, IP or IP6; give one of them.');
    return undefined;
  }

  const key = namedKeys[0];
  const text = (selector[key] ?? '').trim();
  if (key === 'ip') return ipv4Address(text);
  if (key === 'ip6') return ipv6Address(text);
  return macAddress(text);
}

function ipv4Address(text: string): RequestedAddress {
  const value = parseIpv4(text);
  if (value === undefined) throw new LeaseError('invalid-request', `IP "${text}" is not an IPv4 address.`);
  return { label: `IP ${text}`, offsetIn: (layout) => offsetOfIpv4(layout, value) };
}

function ipv6Address(text: string): RequestedAddress {
  const value = parseIpv6(text);
  if (value === undefined) throw new LeaseError('invalid-request', `IP6 "${text}" is not an IPv6 address.`);
  return { label: `IP6 ${text}`, offsetIn: (layout) => offsetOfIpv6(layout, value) };
}

function macAddress(text: string): RequestedAddress {
  const value = parseMac(text);
  if (value === undefined) throw new LeaseError('invalid-request', `MAC "${text}" is not a MAC address like 02:00:0a:00:00:01.`);
  return { label: `MAC ${text.toLowerCase()}`, offsetIn: (layout) => offsetOfMac(layout, value) };
}

/**
 * Returns the ranges to search in AR_ID order, the order OpenNebula's AddressRangePool
 * keeps them in: all of them, or only the one `arId` names. Throws LeaseError
 * (unknown-range) when `arId` names no range.
 */
export function selectRanges(vnet: VnetRecord, arId: number | undefined): AddressRange[] {
  const ranges = [...vnet.addressRanges].sort((first, second) => first.id - second.id);
  if (arId === undefined) return ranges;

  const range = ranges.find((candidate) => candidate.id === arId);
  if (range === undefined) {
    const known = ranges.length === 0 ? 'it has no address range' : `its ranges are ${ranges.map((candidate) => candidate.id).join(', ')}`;
    throw new LeaseError('unknown-range', `address range ${arId} does not exist in ${networkLabel(vnet)}; ${known}.`);
  }
  return [range];
}

/** Returns every slot of `ranges` that contains the address, free or not. */
export function findSlots(vnet: VnetRecord, ranges: AddressRange[], address: RequestedAddress): AddressSlot[] {
  const slots: AddressSlot[] = [];
  for (const range of ranges) {
    const layout = rangeLayout(range, networkLabel(vnet));
    const offset = address.offsetIn(layout);
    if (offset !== undefined) slots.push({ range, layout, offset });
  }
  return slots;
}

/** Returns what findSlots returns, but throws LeaseError (outside-ranges) when no range contains the address. */
export function slotsOf(vnet: VnetRecord, ranges: AddressRange[], address: RequestedAddress, arId?: number): AddressSlot[] {
  const slots = findSlots(vnet, ranges, address);
  if (slots.length === 0) {
    const where = arId === undefined ? 'any address range' : `address range ${arId}`;
    throw new LeaseError('outside-ranges', `${address.label} is not in ${where} of ${networkLabel(vnet)}.`);
  }
  return slots;
}

/** Builds the address-in-use error, naming the VM that has the slot's address or saying that it is on hold. */
export function inUseError(vnet: VnetRecord, address: RequestedAddress, slot: AddressSlot): LeaseError {
  const vmId = leaseAt(slot.range, slot.offset)?.vmId;
  const holder = vmId === HELD_LEASE_VM_ID ? 'is on hold; free it with one.vn.release first' : `is already leased to VM ${vmId}`;
  return new LeaseError('address-in-use', `${address.label} of ${networkLabel(vnet)} ${holder}.`);
}
