import type { VnetRecord } from '../../pools/records/vnet-record.js';
import { rangeAttribute, type LeaseAddresses } from './range-addresses.js';

/** Read access to a NIC's attributes, which a template VectorAttribute provides. */
export interface NicValues {
  get(name: string): string | undefined;
}

/** A lease: its range, its offset in that range and its addresses. */
export interface Lease extends LeaseAddresses {
  arId: number;
  offset: number;
}

/** Range attributes that replace the network's own on the NIC (OpenNebula's AddressRange::set_vnet). */
const RANGE_OVERRIDES = ['VN_MAD', 'BRIDGE', 'PHYDEV', 'VLAN_ID'];

/**
 * INHERIT_VNET_ATTR of the oned.conf in OpenNebula's repository (share/etc/oned.conf):
 * attributes copied from the address range or the network template to each NIC.
 * NOTE: copied from a recent snapshot of that file, so the list shipped with 6.10 may differ slightly.
 */
export const ONED_INHERITED_NETWORK_ATTRIBUTES: readonly string[] = [
  'VLAN_TAGGED_ID', 'FILTER', 'FILTER_IP_SPOOFING', 'FILTER_MAC_SPOOFING', 'MTU', 'METRIC', 'IP6_METRIC',
  'METHOD', 'IP6_METHOD', 'INBOUND_AVG_BW', 'INBOUND_PEAK_BW', 'INBOUND_PEAK_KB', 'OUTBOUND_AVG_BW',
  'OUTBOUND_PEAK_BW', 'OUTBOUND_PEAK_KB', 'CONF', 'BRIDGE_CONF', 'OVS_BRIDGE_CONF', 'IP_LINK_CONF',
  'EXTERNAL_IP', 'AWS_ALLOCATION_ID', 'VULTR_IP_ID', 'GATEWAY', 'VXLAN_MODE', 'VXLAN_TEP', 'VXLAN_MC',
  'CVLANS', 'QINQ_TYPE', 'TRUST', 'SPOOFCHK', 'VCENTER_NET_REF', 'VCENTER_SWITCH_NAME',
  'VCENTER_SWITCH_NPORTS', 'VCENTER_PORTGROUP_TYPE', 'VCENTER_CCR_REF', 'VCENTER_INSTANCE_ID',
];

/** The addressing attributes contextualisation reads: ETH<i>_NETWORK, _MASK, _GATEWAY, _DNS and _SEARCH_DOMAIN. */
export const ADDRESSING_ATTRIBUTES: readonly string[] = ['NETWORK_ADDRESS', 'NETWORK_MASK', 'GATEWAY', 'DNS', 'SEARCH_DOMAIN'];

/**
 * The attributes Stratus copies to NICs by default: oned.conf's list plus the addressing
 * attributes, so a VM document shows the network settings its NICs were given.
 * NOTE: OpenNebula's default copies GATEWAY but not NETWORK_ADDRESS, NETWORK_MASK, DNS or
 * SEARCH_DOMAIN. Pass ONED_INHERITED_NETWORK_ATTRIBUTES to nicAttributes for its exact NICs.
 */
export const DEFAULT_INHERITED_NETWORK_ATTRIBUTES: readonly string[] = [
  ...new Set([...ONED_INHERITED_NETWORK_ATTRIBUTES, ...ADDRESSING_ATTRIBUTES]),
];

/**
 * Returns a network attribute as OpenNebula's VirtualNetwork::get_template_attribute
 * reads it: from address range `arId` when set there, otherwise from the network template.
 */
export function networkAttribute(vnet: VnetRecord, name: string, arId?: number): string | undefined {
  const range = vnet.addressRanges.find((candidate) => candidate.id === arId);
  const fromRange = range === undefined ? undefined : rangeAttribute(range, name);
  if (fromRange !== undefined) return fromRange;

  const fromTemplate = vnet.template.get(name);
  return fromTemplate === '' ? undefined : fromTemplate;
}

/**
 * Builds the attributes a lease sets on a VM's NIC: the addresses (IP, IP6, IP6_LINK,
 * IP6_ULA, IP6_GLOBAL, MAC), AR_ID, the range's VN_MAD, BRIDGE, PHYDEV and VLAN_ID, and
 * the `inherited` attributes found on the range or the network. An inherited attribute
 * that `nic` already sets keeps the NIC's value. A network template vector attribute
 * (such as CONF = [ ... ]) is copied as its sub-attributes, as OpenNebula copies it.
 */
export function nicAttributes(
  vnet: VnetRecord,
  lease: Lease,
  nic?: NicValues,
  inherited: readonly string[] = DEFAULT_INHERITED_NETWORK_ATTRIBUTES,
): Array<[string, string]> {
  const attributes = new Map<string, string>(addressAttributes(lease));
  attributes.set('AR_ID', String(lease.arId));

  const range = vnet.addressRanges.find((candidate) => candidate.id === lease.arId);
  for (const name of RANGE_OVERRIDES) {
    const value = range === undefined ? undefined : rangeAttribute(range, name);
    if (value !== undefined) attributes.set(name, value);
  }

  const alreadySet = (name: string) => (nic?.get(name) ?? '') !== '' || attributes.has(name);
  for (const name of inherited) {
    if (alreadySet(name)) continue;

    const value = networkAttribute(vnet, name, lease.arId);
    if (value !== undefined) {
      attributes.set(name, value);
      continue;
    }

    for (const [subName, subValue] of vnet.template.getVector(name)?.entries() ?? []) {
      if (subValue !== '' && !alreadySet(subName)) attributes.set(subName, subValue);
    }
  }
  return [...attributes];
}

function addressAttributes(lease: Lease): Array<[string, string]> {
  const candidates: Array<[string, string | undefined]> = [
    ['IP', lease.ip],
    ['IP6', lease.ip6],
    ['IP6_LINK', lease.ip6Link],
    ['IP6_ULA', lease.ip6Ula],
    ['IP6_GLOBAL', lease.ip6Global],
    ['MAC', lease.mac],
  ];
  return candidates.filter((entry): entry is [string, string] => entry[1] !== undefined);
}
