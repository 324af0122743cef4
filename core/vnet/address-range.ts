import { randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { Errors } from '../errors/catalogue.js';
import type { VectorAttribute } from '../template/index.js';

const RANGE_TYPES = new Set(['IP4', 'IP6', 'IP4_6', 'ETHER', 'IP6_STATIC', 'IP4_6_STATIC']);
const IPV4_TYPES = new Set(['IP4', 'IP4_6', 'IP4_6_STATIC']);
const MAC_ADDRESS = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const MAX_RANGE_SIZE = 1 << 24;

/** The first two bytes of generated MAC addresses: OpenNebula's default `MAC_PREFIX`. */
const MAC_PREFIX = [0x02, 0x00];

/**
 * Returns what is wrong with an AR vector, or undefined when it is valid. TYPE must be
 * one of OpenNebula's range types and SIZE a count from 1 to 2^24. Ranges with IPv4
 * need IP, and the range must end inside the IPv4 space. A given MAC must be valid.
 */
export function addressRangeProblem(vector: VectorAttribute): string | undefined {
  const type = (vector.get('TYPE') ?? '').toUpperCase();
  if (!RANGE_TYPES.has(type)) {
    return `Address range TYPE "${vector.get('TYPE') ?? ''}" is not valid; use ${[...RANGE_TYPES].join(', ')}.`;
  }

  const size = vector.get('SIZE') ?? '';
  if (!/^\d+$/.test(size) || Number(size) < 1 || Number(size) > MAX_RANGE_SIZE) {
    return `Address range SIZE must be a whole number from 1 to ${MAX_RANGE_SIZE}, got "${size}".`;
  }

  const ip = vector.get('IP');
  if (IPV4_TYPES.has(type)) {
    if (ip === undefined || !isIPv4(ip)) {
      return `Address range of TYPE ${type} needs IP, the first IPv4 address, got "${ip ?? ''}".`;
    }
    if (ipv4ToNumber(ip) + Number(size) - 1 > 0xffffffff) {
      return `Address range from ${ip} with SIZE ${size} goes past 255.255.255.255.`;
    }
  }

  const mac = vector.get('MAC');
  if (mac !== undefined && !MAC_ADDRESS.test(mac)) {
    return `Address range MAC "${mac}" is not a MAC address like 02:00:0a:00:00:01.`;
  }
  return undefined;
}

/**
 * Checks an AR vector and returns its attributes without AR_ID, TYPE upper-cased.
 * Throws XML_RPC_API when it is invalid.
 */
export function validateAddressRange(vector: VectorAttribute, vnetId = -1): Array<[string, string]> {
  const problem = addressRangeProblem(vector);
  if (problem !== undefined) throw Errors.badValue(problem, vnetId);

  vector.set('TYPE', (vector.get('TYPE') ?? '').toUpperCase());
  return vector.entries().filter(([name]) => name !== 'AR_ID');
}

/**
 * Gives a new range without MAC its first MAC address, as OpenNebula does: the
 * prefix 02:00 followed by the first IPv4 address for ranges with one, or by four
 * random bytes otherwise.
 */
export function assignFirstMac(attributes: Array<[string, string]>): Array<[string, string]> {
  if (attributes.some(([name]) => name === 'MAC')) return attributes;

  const ip = attributes.find(([name]) => name === 'IP')?.[1];
  const type = attributes.find(([name]) => name === 'TYPE')?.[1] ?? '';
  const low = ip !== undefined && IPV4_TYPES.has(type) ? ipv4ToNumber(ip) : randomBytes(4).readUInt32BE(0);
  return [...attributes, ['MAC', formatMac(low)]];
}

/** Returns the last MAC address of a range of `size` addresses starting at `mac`. */
export function lastMac(mac: string, size: number): string {
  const bytes = mac.split(':').map((part) => Number.parseInt(part, 16));
  const low = (((bytes[2] << 24) >>> 0) + (bytes[3] << 16) + (bytes[4] << 8) + bytes[5] + size - 1) % 0x100000000;
  return formatMac(low, bytes.slice(0, 2));
}

/** Returns the last IPv4 address of a range of `size` addresses starting at `ip`. */
export function lastIpv4(ip: string, size: number): string {
  const last = ipv4ToNumber(ip) + size - 1;
  return [24, 16, 8, 0].map((shift) => (last >>> shift) & 0xff).join('.');
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function formatMac(low: number, prefix: number[] = MAC_PREFIX): string {
  const bytes = [...prefix, (low >>> 24) & 0xff, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff];
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}
