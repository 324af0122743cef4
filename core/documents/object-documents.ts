import type { DatastoreRecord } from '../pools/records/datastore-record.js';
import type { HostRecord } from '../pools/records/host-record.js';
import type { ImageRecord } from '../pools/records/image-record.js';
import type { TemplateRecord } from '../pools/records/template-record.js';
import type { VnetRecord } from '../pools/records/vnet-record.js';
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

function addressRanges(vnet: VnetRecord): string {
  const ranges = vnet.addressRanges.map((range) => {
    const attributes = new Map(range.attributes);
    const optional = ['IP', 'MAC', 'GLOBAL_PREFIX', 'ULA_PREFIX']
      .filter((name) => attributes.has(name) && name !== 'MAC')
      .map((name) => element(name, attributes.get(name) ?? ''))
      .join('');
    const extra = range.attributes
      .filter(([name]) => !['AR_ID', 'IP', 'MAC', 'SIZE', 'TYPE', 'GLOBAL_PREFIX', 'ULA_PREFIX'].includes(name))
      .map(([name, value]) => element(name, value))
      .join('');

    return (
      '<AR>' +
      element('AR_ID', range.id) +
      optional +
      element('MAC', attributes.get('MAC') ?? '') +
      element('SIZE', attributes.get('SIZE') ?? '0') +
      element('TYPE', attributes.get('TYPE') ?? '') +
      extra +
      element('USED_LEASES', 0) +
      '</AR>'
    );
  });
  return ranges.length > 0 ? `<AR_POOL>${ranges.join('')}</AR_POOL>` : '<AR_POOL/>';
}

export function vnetDocument(vnet: VnetRecord): string {
  return (
    '<VNET>' +
    ownerElements(vnet) +
    lockElement(vnet.lock) +
    vnet.permissions.toXml() +
    idList('CLUSTERS', vnet.clusterIds) +
    element('BRIDGE', vnet.bridge) +
    element('PARENT_NETWORK_ID', vnet.parentNetworkId >= 0 ? String(vnet.parentNetworkId) : '') +
    element('VN_MAD', vnet.vnMad) +
    element('PHYDEV', vnet.template.get('PHYDEV') ?? '') +
    element('VLAN_ID', vnet.vlanId) +
    element('VLAN_ID_AUTOMATIC', 0) +
    element('USED_LEASES', vnet.usedLeases) +
    '<VROUTERS/>' +
    vnet.template.toXml('TEMPLATE') +
    addressRanges(vnet) +
    '</VNET>'
  );
}
