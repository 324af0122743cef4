import type { DatastoreRecord } from '../pools/records/datastore-record.js';
import type { HostRecord } from '../pools/records/host-record.js';
import type { ImageRecord } from '../pools/records/image-record.js';
import type { TemplateRecord } from '../pools/records/template-record.js';
import type { AddressRange, VnetRecord } from '../pools/records/vnet-record.js';
import { bridgeTypeOf } from '../vnet/bridge-type.js';
import { lastIpv4, lastMac } from '../vnet/address-range.js';
import { leasesXml, networkUsedLeases, rangeUsedLeases } from '../vnet/leases/index.js';
import { networkLabel } from '../vnet/leases/lease-error.js';
import { element, idList, lockElement, ownerElements } from './xml.js';

/** `<HOST>`: hosts carry no owner elements in OpenNebula's schema. */
export function hostDocument(host: HostRecord): string {
  const share = host.share;
  const monitoring = host.monitoring
    ? '<MONITORING>' +
      element('TIMESTAMP', host.monitoring.timestamp) +
      element('ID', host.id) +
      '<CAPACITY>' +
      element('FREE_CPU', host.monitoring.freeCpu) +
      element('FREE_MEMORY', host.monitoring.freeMemory) +
      element('USED_CPU', host.monitoring.usedCpu) +
      element('USED_MEMORY', host.monitoring.usedMemory) +
      '</CAPACITY><SYSTEM/></MONITORING>'
    : '<MONITORING/>';

  return (
    '<HOST>' +
    element('ID', host.id) +
    element('NAME', host.name) +
    element('STATE', host.state) +
    element('PREV_STATE', host.prevState) +
    element('IM_MAD', host.imMad) +
    element('VM_MAD', host.vmMad) +
    element('CLUSTER_ID', host.clusterId) +
    element('CLUSTER', host.cluster) +
    '<HOST_SHARE>' +
    element('MEM_USAGE', share.memUsage) +
    element('CPU_USAGE', share.cpuUsage) +
    element('TOTAL_MEM', share.totalMem) +
    element('TOTAL_CPU', share.totalCpu) +
    element('MAX_MEM', share.maxMem) +
    element('MAX_CPU', share.maxCpu) +
    element('RUNNING_VMS', share.runningVms) +
    element('VMS_THREAD', 1) +
    '<DATASTORES/><PCI_DEVICES/><NUMA_NODES/></HOST_SHARE>' +
    idList('VMS', host.vms) +
    host.template.toXml('TEMPLATE') +
    monitoring +
    '</HOST>'
  );
}

export function datastoreDocument(ds: DatastoreRecord): string {
  return (
    '<DATASTORE>' +
    ownerElements(ds) +
    ds.permissions.toXml() +
    element('DS_MAD', ds.dsMad) +
    element('TM_MAD', ds.tmMad) +
    element('BASE_PATH', ds.basePath) +
    element('TYPE', ds.type) +
    element('DISK_TYPE', ds.diskType) +
    element('STATE', ds.state) +
    idList('CLUSTERS', ds.clusterIds) +
    element('TOTAL_MB', ds.totalMb) +
    element('FREE_MB', ds.freeMb) +
    element('USED_MB', ds.usedMb) +
    idList('IMAGES', ds.images) +
    ds.template.toXml('TEMPLATE') +
    '</DATASTORE>'
  );
}

export function imageDocument(image: ImageRecord): string {
  return (
    '<IMAGE>' +
    ownerElements(image) +
    lockElement(image.lock) +
    image.permissions.toXml() +
    element('TYPE', image.type) +
    element('DISK_TYPE', image.diskType) +
    element('PERSISTENT', image.persistent) +
    element('REGTIME', image.regtime) +
    element('SOURCE', image.source) +
    element('PATH', image.path) +
    element('FORMAT', image.format) +
    element('FS', image.fs) +
    element('SIZE', image.size) +
    element('STATE', image.state) +
    element('PREV_STATE', image.prevState) +
    element('RUNNING_VMS', image.runningVms) +
    element('CLONING_OPS', image.cloningOps) +
    element('CLONING_ID', image.cloningId) +
    element('TARGET_SNAPSHOT', -1) +
    element('DATASTORE_ID', image.datastoreId) +
    element('DATASTORE', image.datastore) +
    idList('VMS', image.vms) +
    idList('CLONES', image.clones) +
    idList('APP_CLONES', []) +
    image.template.toXml('TEMPLATE') +
    '<SNAPSHOTS><ALLOW_ORPHANS>NO</ALLOW_ORPHANS><CURRENT_BASE>-1</CURRENT_BASE><NEXT_SNAPSHOT>0</NEXT_SNAPSHOT></SNAPSHOTS>' +
    '<BACKUP_INCREMENTS/>' +
    '</IMAGE>'
  );
}

export function vmTemplateDocument(record: TemplateRecord): string {
  return (
    '<VMTEMPLATE>' +
    ownerElements(record) +
    lockElement(record.lock) +
    record.permissions.toXml() +
    element('REGTIME', record.regtime) +
    record.template.toXml('TEMPLATE') +
    '</VMTEMPLATE>'
  );
}

/** Orders attributes by name in code-unit order, as OpenNebula's std::map of attributes does. */
function byName([first]: [string, string], [second]: [string, string]): number {
  if (first === second) return 0;
  return first < second ? -1 : 1;
}

/**
 * Renders `<AR>` as OpenNebula 6.10 writes it: the range's attributes sorted by name, then the
 * computed MAC_END and, for ranges with IPv4, IP_END, then USED_LEASES, and with `leases`
 * the `<LEASES>` of the extended form.
 */
function addressRangeElement(range: AddressRange, vnet: VnetRecord, leases: boolean): string {
  const attributes = new Map<string, string>(range.attributes);
  attributes.set('AR_ID', String(range.id));
  const stored = [...attributes.entries()].sort(byName);

  const size = Number(attributes.get('SIZE') ?? '0');
  const mac = attributes.get('MAC');
  const ip = attributes.get('IP');
  const hasIpv4 = ['IP4', 'IP4_6', 'IP4_6_STATIC'].includes(attributes.get('TYPE') ?? '');

  return (
    '<AR>' +
    stored.map(([name, value]) => element(name, value)).join('') +
    (mac !== undefined ? element('MAC_END', lastMac(mac, size)) : '') +
    (hasIpv4 && ip !== undefined ? element('IP_END', lastIpv4(ip, size)) : '') +
    // NOTE: for IPv6 ranges OpenNebula also writes the computed IP6_ULA, IP6_GLOBAL and
    // IP6 addresses and their _END here. Stratus does not compute them yet.
    element('USED_LEASES', rangeUsedLeases(range)) +
    (leases ? leasesXml(range, networkLabel(vnet)) : '') +
    '</AR>'
  );
}

/**
 * Renders `<VNET>` with the elements of OpenNebula 6.10's vnet.xsd, in its order. The
 * extended form of `one.vn.info` lists each range's leases; pool listings do not.
 */
export function vnetDocument(vnet: VnetRecord, options: { extended?: boolean } = {}): string {
  const ranges = vnet.addressRanges.map((range) => addressRangeElement(range, vnet, options.extended === true)).join('');

  return (
    '<VNET>' +
    ownerElements(vnet) +
    lockElement(vnet.lock) +
    vnet.permissions.toXml() +
    idList('CLUSTERS', vnet.clusterIds) +
    element('BRIDGE', vnet.bridge) +
    element('BRIDGE_TYPE', bridgeTypeOf(vnet.vnMad)) +
    element('STATE', vnet.state) +
    element('PREV_STATE', vnet.prevState ?? 0) +
    element('PARENT_NETWORK_ID', vnet.parentNetworkId >= 0 ? String(vnet.parentNetworkId) : '') +
    element('VN_MAD', vnet.vnMad) +
    element('PHYDEV', vnet.template.get('PHYDEV') ?? '') +
    element('VLAN_ID', vnet.vlanId) +
    element('OUTER_VLAN_ID', vnet.template.get('OUTER_VLAN_ID') ?? '') +
    element('VLAN_ID_AUTOMATIC', 0) +
    element('OUTER_VLAN_ID_AUTOMATIC', 0) +
    element('USED_LEASES', networkUsedLeases(vnet)) +
    idList('VROUTERS', []) +
    idList('UPDATED_VMS', []) +
    idList('OUTDATED_VMS', []) +
    idList('UPDATING_VMS', []) +
    idList('ERROR_VMS', []) +
    vnet.template.toXml('TEMPLATE') +
    (ranges ? `<AR_POOL>${ranges}</AR_POOL>` : '<AR_POOL/>') +
    '</VNET>'
  );
}
