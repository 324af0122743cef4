import type { VnetRecord } from '../../pools/records/vnet-record.js';
import { networkAttribute, type NicValues } from './nic-attributes.js';

interface ContextVariable {
  /** The name after ETH<i>_. */
  suffix: string;
  /** The NIC attribute that gives the value. */
  nicName: string;
  /** A NIC attribute to read when `nicName` is empty. */
  alternative?: string;
  /** Whether an empty value is looked up in the address range and then the network template. */
  fromNetwork: boolean;
}

/**
 * The per-NIC variables of OpenNebula's network contextualisation, in the order of
 * NETWORK_CONTEXT and NETWORK6_CONTEXT in src/vm/VirtualMachineContext.cc.
 */
const NIC_CONTEXT: readonly ContextVariable[] = [
  { suffix: 'IP', nicName: 'IP', fromNetwork: false },
  { suffix: 'MAC', nicName: 'MAC', fromNetwork: false },
  { suffix: 'MASK', nicName: 'NETWORK_MASK', fromNetwork: true },
  { suffix: 'NETWORK', nicName: 'NETWORK_ADDRESS', fromNetwork: true },
  { suffix: 'GATEWAY', nicName: 'GATEWAY', fromNetwork: true },
  { suffix: 'DNS', nicName: 'DNS', fromNetwork: true },
  { suffix: 'SEARCH_DOMAIN', nicName: 'SEARCH_DOMAIN', fromNetwork: true },
  { suffix: 'MTU', nicName: 'GUEST_MTU', fromNetwork: true },
  { suffix: 'METRIC', nicName: 'METRIC', fromNetwork: true },
  { suffix: 'METHOD', nicName: 'METHOD', fromNetwork: true },
  { suffix: 'VLAN_ID', nicName: 'VLAN_ID', fromNetwork: true },
  { suffix: 'VROUTER_IP', nicName: 'VROUTER_IP', fromNetwork: false },
  { suffix: 'VROUTER_MANAGEMENT', nicName: 'VROUTER_MANAGEMENT', fromNetwork: false },
  { suffix: 'EXTERNAL', nicName: 'EXTERNAL', fromNetwork: false },
  { suffix: 'IP6', nicName: 'IP6_GLOBAL', alternative: 'IP6', fromNetwork: false },
  { suffix: 'IP6_ULA', nicName: 'IP6_ULA', fromNetwork: false },
  { suffix: 'IP6_GATEWAY', nicName: 'GATEWAY6', fromNetwork: true },
  { suffix: 'IP6_METRIC', nicName: 'IP6_METRIC', fromNetwork: true },
  { suffix: 'IP6_METHOD', nicName: 'IP6_METHOD', fromNetwork: true },
  { suffix: 'IP6_PREFIX_LENGTH', nicName: 'PREFIX_LENGTH', fromNetwork: true },
  { suffix: 'VROUTER_IP6', nicName: 'VROUTER_IP6_GLOBAL', alternative: 'VROUTER_IP6', fromNetwork: false },
];

/**
 * Returns the CONTEXT variables OpenNebula writes for NIC `nicIndex` (its NIC_ID):
 * ETH<i>_IP, ETH<i>_MAC, ETH<i>_MASK, ETH<i>_NETWORK, ETH<i>_GATEWAY, ETH<i>_DNS and the
 * rest of the list above. Each value comes from the NIC, and for network settings, when
 * the NIC has none, from its address range (AR_ID) and then the template of `vnet`.
 * Variables without a value are returned empty, as OpenNebula writes them. They replace
 * same-named variables of the CONTEXT vector, which OpenNebula fills only when it has
 * NETWORK = "YES".
 */
export function contextVariables(nicIndex: number, nic: NicValues, vnet?: VnetRecord): Array<[string, string]> {
  const arText = nic.get('AR_ID');
  const arId = arText === undefined || arText === '' ? undefined : Number(arText);

  return NIC_CONTEXT.map((variable): [string, string] => {
    let value = nic.get(variable.nicName) ?? '';
    if (value === '' && variable.alternative !== undefined) value = nic.get(variable.alternative) ?? '';
    if (value === '' && variable.fromNetwork && vnet !== undefined) value = networkAttribute(vnet, variable.nicName, arId) ?? '';

    return [`ETH${nicIndex}_${variable.suffix}`, value];
  });
}
