/**
 * Returns the BRIDGE_TYPE that OpenNebula 6.10's default `VN_MAD_CONF` (oned.conf) gives a
 * network driver: `openvswitch` for the Open vSwitch drivers, `vcenter_port_groups` for
 * vCenter, and `linux` for the others (bridge, 802.1Q, vxlan, fw, ebtables, elastic, dummy).
 */
export function bridgeTypeOf(vnMad: string): string {
  if (vnMad === 'ovswitch' || vnMad === 'ovswitch_vxlan') return 'openvswitch';
  if (vnMad === 'vcenter') return 'vcenter_port_groups';
  return 'linux';
}
