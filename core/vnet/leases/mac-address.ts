/**
 * A MAC address split as OpenNebula splits it: the first two bytes are the prefix and
 * the last four the low part, so consecutive addresses of a range differ only in `low`.
 */
export interface MacAddress {
  /** The first two bytes, 0 to 0xffff. */
  prefix: number;
  /** The last four bytes, 0 to 0xffffffff. */
  low: number;
}

/** OpenNebula's default `MAC_PREFIX` (oned.conf), 02:00: a locally administered unicast prefix. */
export const DEFAULT_MAC_PREFIX = 0x0200;

const MAC_TEXT = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Parses "02:00:0a:00:00:01" (either case), or returns undefined when the text is not a MAC address. */
export function parseMac(text: string): MacAddress | undefined {
  const trimmed = text.trim();
  if (!MAC_TEXT.test(trimmed)) return undefined;

  const bytes = trimmed.split(':').map((part) => Number.parseInt(part, 16));
  return {
    prefix: bytes[0] * 0x100 + bytes[1],
    low: ((bytes[2] << 24) >>> 0) + (bytes[3] << 16) + (bytes[4] << 8) + bytes[5],
  };
}

/** Formats a MAC address in lower case with colons, as OpenNebula writes it. */
export function formatMac(mac: MacAddress): string {
  const bytes = [mac.prefix >>> 8, mac.prefix & 0xff, mac.low >>> 24, (mac.low >>> 16) & 0xff, (mac.low >>> 8) & 0xff, mac.low & 0xff];
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

/**
 * Returns the MAC address `offset` places after `first`. Only the low four bytes count
 * up, wrapping at 2^32 and keeping the prefix, as OpenNebula's AddressRange does.
 */
export function macAtOffset(first: MacAddress, offset: number): MacAddress {
  return { prefix: first.prefix, low: (first.low + offset) % 0x100000000 };
}

/** Returns how many places `mac` is after `first`, or undefined when the prefixes differ. */
export function macOffset(first: MacAddress, mac: MacAddress): number | undefined {
  if (mac.prefix !== first.prefix) return undefined;
  return (mac.low - first.low + 0x100000000) % 0x100000000;
}

/** Returns the MAC address OpenNebula derives from an IPv4 address: the prefix, then the four address bytes. */
export function macFromIpv4(ipv4: number, prefix = DEFAULT_MAC_PREFIX): MacAddress {
  return { prefix, low: ipv4 >>> 0 };
}

