import { isIPv6 } from 'node:net';
import { parseIpv4 } from './ipv4.js';
import type { MacAddress } from './mac-address.js';

const GROUP_COUNT = 8;
const LOW_64_BITS = (1n << 64n) - 1n;

/** The link-local prefix fe80::/64. */
export const LINK_LOCAL_PREFIX = 0xfe80n << 112n;

/** Parses an IPv6 address into its 128-bit value, or returns undefined when the text is not one. */
export function parseIpv6(text: string): bigint | undefined {
  let address = text.trim();
  if (address.includes('%') || !isIPv6(address)) return undefined;

  // A trailing dotted quad (::ffff:10.0.0.1) stands for the last two groups.
  const lastColon = address.lastIndexOf(':');
  const ipv4 = parseIpv4(address.slice(lastColon + 1));
  if (ipv4 !== undefined) {
    address = `${address.slice(0, lastColon + 1)}${(ipv4 >>> 16).toString(16)}:${(ipv4 & 0xffff).toString(16)}`;
  }

  const [head, tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeroGroups = tail === undefined ? [] : Array<string>(GROUP_COUNT - headGroups.length - tailGroups.length).fill('0');

  let value = 0n;
  for (const group of [...headGroups, ...zeroGroups, ...tailGroups]) {
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

/**
 * Formats a 128-bit value in the RFC 5952 form that inet_ntop writes: lower-case groups
 * without leading zeros, and the first longest run of two or more zero groups as "::".
 */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let index = GROUP_COUNT - 1; index >= 0; index -= 1) {
    groups.push(Number((value >> BigInt(index * 16)) & 0xffffn));
  }

  const run = longestZeroRun(groups);
  const text = groups.map((group) => group.toString(16));
  if (run.length < 2) return text.join(':');

  const before = text.slice(0, run.start).join(':');
  const after = text.slice(run.start + run.length).join(':');
  return `${before}::${after}`;
}

function longestZeroRun(groups: number[]): { start: number; length: number } {
  let best = { start: -1, length: 0 };
  let start = -1;

  for (let index = 0; index <= groups.length; index += 1) {
    if (index < groups.length && groups[index] === 0) {
      if (start < 0) start = index;
      continue;
    }
    if (start >= 0 && index - start > best.length) best = { start, length: index - start };
    start = -1;
  }
  return best;
}

/**
 * Returns the modified EUI-64 interface identifier of a MAC address: ff:fe goes in the
 * middle and the universal/local bit of the first byte is flipped (RFC 4291, appendix A).
 */
export function interfaceIdFromMac(mac: MacAddress): bigint {
  const high = BigInt(mac.prefix ^ 0x0200) << 48n;
  const thirdByte = BigInt(mac.low >>> 24) << 40n;
  return high | thirdByte | (0xfffen << 24n) | BigInt(mac.low & 0xffffff);
}

/** Returns the address made of the first 64 bits of `prefix` and the interface identifier of `mac`. */
export function addressFromPrefix(prefix: bigint, mac: MacAddress): bigint {
  return (prefix & ~LOW_64_BITS) | interfaceIdFromMac(mac);
}
