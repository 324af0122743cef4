import type { AddressRange } from '../../pools/records/vnet-record.js';
import { formatIpv4, parseIpv4 } from './ipv4.js';
import { addressFromPrefix, formatIpv6, LINK_LOCAL_PREFIX, parseIpv6 } from './ipv6.js';
import { LeaseError } from './lease-error.js';
import { formatMac, macAtOffset, macFromIpv4, macOffset, parseMac, type MacAddress } from './mac-address.js';

/** Range types with IPv4 addresses. */
const IPV4_TYPES = new Set(['IP4', 'IP4_6', 'IP4_6_STATIC']);
/** Range types whose IPv6 addresses come from a /64 prefix and the MAC (SLAAC). */
const PREFIX_IPV6_TYPES = new Set(['IP6', 'IP4_6']);
/** Range types whose IPv6 addresses count up from the IP6 attribute. */
const STATIC_IPV6_TYPES = new Set(['IP6_STATIC', 'IP4_6_STATIC']);

/** An address range's first addresses and size, read from its attributes once per operation. */
export interface RangeLayout {
  id: number;
  type: string;
  size: number;
  firstMac: MacAddress;
  firstIpv4?: number;
  /** The first address of IP6_STATIC and IP4_6_STATIC ranges. */
  firstIpv6?: bigint;
  /** Whether leases get an IP6_LINK address: true for IP6 and IP4_6 ranges. */
  linkLocal: boolean;
  ulaPrefix?: bigint;
  globalPrefix?: bigint;
}

/** The addresses of one lease, with the NIC attribute each one fills. */
export interface LeaseAddresses {
  mac: string;
  /** IP: the IPv4 address. */
  ip?: string;
  /** IP6: the address of a static IPv6 range. */
  ip6?: string;
  /** IP6_LINK: the link-local address made from the MAC. */
  ip6Link?: string;
  /** IP6_ULA: the unique local address made from ULA_PREFIX and the MAC. */
  ip6Ula?: string;
  /** IP6_GLOBAL: the global address made from GLOBAL_PREFIX and the MAC. */
  ip6Global?: string;
}

/** Returns the value of an address range attribute, or undefined when it is absent or empty. */
export function rangeAttribute(range: AddressRange, name: string): string | undefined {
  const value = range.attributes.find(([attribute]) => attribute === name)?.[1];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads an address range's layout. Throws LeaseError (invalid-range) when the stored
 * range lacks an attribute its TYPE needs or has an unparsable one.
 */
export function rangeLayout(range: AddressRange, vnetLabel = 'its virtual network'): RangeLayout {
  const type = (rangeAttribute(range, 'TYPE') ?? '').toUpperCase();
  const where = `address range ${range.id} of ${vnetLabel}`;

  const size = Number(rangeAttribute(range, 'SIZE'));
  if (!Number.isInteger(size) || size < 0) {
    throw new LeaseError('invalid-range', `${where} has an invalid SIZE "${rangeAttribute(range, 'SIZE') ?? ''}".`);
  }

  const firstIpv4 = IPV4_TYPES.has(type) ? requiredIpv4(range, where) : undefined;
  const layout: RangeLayout = {
    id: range.id,
    type,
    size,
    firstMac: firstMac(range, where, firstIpv4),
    linkLocal: PREFIX_IPV6_TYPES.has(type),
  };
  if (firstIpv4 !== undefined) layout.firstIpv4 = firstIpv4;

  if (PREFIX_IPV6_TYPES.has(type)) {
    const ula = optionalIpv6(range, 'ULA_PREFIX', where);
    const global = optionalIpv6(range, 'GLOBAL_PREFIX', where);
    if (ula !== undefined) layout.ulaPrefix = ula;
    if (global !== undefined) layout.globalPrefix = global;
  }

  if (STATIC_IPV6_TYPES.has(type)) {
    const first = optionalIpv6(range, 'IP6', where);
    if (first === undefined) throw new LeaseError('invalid-range', `${where} is of TYPE ${type} but has no IP6.`);
    layout.firstIpv6 = first;
  }
  return layout;
}

function requiredIpv4(range: AddressRange, where: string): number {
  const text = rangeAttribute(range, 'IP');
  const value = text === undefined ? undefined : parseIpv4(text);
  if (value === undefined) throw new LeaseError('invalid-range', `${where} has an invalid IP "${text ?? ''}".`);
  return value;
}

/** Reads the range's MAC. Ranges stored without one get the MAC derived from their IPv4 address. */
function firstMac(range: AddressRange, where: string, firstIpv4: number | undefined): MacAddress {
  const text = rangeAttribute(range, 'MAC');
  if (text === undefined && firstIpv4 !== undefined) return macFromIpv4(firstIpv4);

  const mac = text === undefined ? undefined : parseMac(text);
  if (mac === undefined) {
    throw new LeaseError('invalid-range', `${where} has no valid MAC ("${text ?? ''}").`);
  }
  return mac;
}

function optionalIpv6(range: AddressRange, name: string, where: string): bigint | undefined {
  const text = rangeAttribute(range, name);
  if (text === undefined) return undefined;

  const value = parseIpv6(text);
  if (value === undefined) throw new LeaseError('invalid-range', `${where} has an invalid ${name} "${text}".`);
  return value;
}

/** Returns the addresses at `offset` of a range, which must be below its size. */
export function addressesAt(layout: RangeLayout, offset: number): LeaseAddresses {
  const mac = macAtOffset(layout.firstMac, offset);
  const addresses: LeaseAddresses = { mac: formatMac(mac) };

  if (layout.firstIpv4 !== undefined) addresses.ip = formatIpv4(layout.firstIpv4 + offset);
  if (layout.firstIpv6 !== undefined) addresses.ip6 = formatIpv6(layout.firstIpv6 + BigInt(offset));

  if (layout.linkLocal) addresses.ip6Link = formatIpv6(addressFromPrefix(LINK_LOCAL_PREFIX, mac));
  if (layout.ulaPrefix !== undefined) addresses.ip6Ula = formatIpv6(addressFromPrefix(layout.ulaPrefix, mac));
  if (layout.globalPrefix !== undefined) addresses.ip6Global = formatIpv6(addressFromPrefix(layout.globalPrefix, mac));
  return addresses;
}

/** Returns the offset of an IPv4 address in the range, or undefined when the range does not contain it. */
export function offsetOfIpv4(layout: RangeLayout, ipv4: number): number | undefined {
  if (layout.firstIpv4 === undefined) return undefined;
  return withinRange(layout, ipv4 - layout.firstIpv4);
}

/** Returns the offset of a MAC address in the range, or undefined when the range does not contain it. */
export function offsetOfMac(layout: RangeLayout, mac: MacAddress): number | undefined {
  const offset = macOffset(layout.firstMac, mac);
  return offset === undefined ? undefined : withinRange(layout, offset);
}

/** Returns the offset of an IPv6 address in a static IPv6 range, or undefined when the range does not contain it. */
export function offsetOfIpv6(layout: RangeLayout, ipv6: bigint): number | undefined {
  if (layout.firstIpv6 === undefined) return undefined;

  const offset = ipv6 - layout.firstIpv6;
  if (offset < 0n || offset >= BigInt(layout.size)) return undefined;
  return Number(offset);
}

function withinRange(layout: RangeLayout, offset: number): number | undefined {
  return offset >= 0 && offset < layout.size ? offset : undefined;
}
