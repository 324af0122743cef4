import { isIPv4 } from 'node:net';
import { Errors } from '../errors/catalogue.js';
import type { VectorAttribute } from '../template/index.js';

const RANGE_TYPES = new Set(['IP4', 'IP6', 'IP4_6', 'ETHER', 'IP6_STATIC', 'IP4_6_STATIC']);
const MAC_ADDRESS = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const MAX_RANGE_SIZE = 1 << 24;

/**
 * Checks an AR vector and returns its attributes without AR_ID: TYPE one of
 * OpenNebula's range types, SIZE a positive count, IP a valid IPv4 address for IP4
 * ranges, MAC a valid MAC address when given.
 */
export function validateAddressRange(vector: VectorAttribute, vnetId = -1): Array<[string, string]> {
  const type = (vector.get('TYPE') ?? '').toUpperCase();
  if (!RANGE_TYPES.has(type)) {
    throw Errors.badValue(
      `Address range TYPE "${vector.get('TYPE') ?? ''}" is not valid; use ${[...RANGE_TYPES].join(', ')}.`,
      vnetId,
    );
  }

  const size = vector.get('SIZE') ?? '';
  if (!/^\d+$/.test(size) || Number(size) < 1 || Number(size) > MAX_RANGE_SIZE) {
    throw Errors.badValue(`Address range SIZE must be a whole number from 1 to ${MAX_RANGE_SIZE}, got "${size}".`, vnetId);
  }

  const ip = vector.get('IP');
  if ((type === 'IP4' || type === 'IP4_6') && (ip === undefined || !isIPv4(ip))) {
    throw Errors.badValue(`Address range of TYPE ${type} needs IP, the first IPv4 address, got "${ip ?? ''}".`, vnetId);
  }

  const mac = vector.get('MAC');
  if (mac !== undefined && !MAC_ADDRESS.test(mac)) {
    throw Errors.badValue(`Address range MAC "${mac}" is not a MAC address like 02:00:0a:00:00:01.`, vnetId);
  }

  vector.set('TYPE', type);
  return vector.entries().filter(([name]) => name !== 'AR_ID');
}
