import type { HistoryRecord, VmRecord } from '../pools/records/vm-record.js';
import { Template, VectorAttribute } from '../template/index.js';
import { element, lockElement, ownerElements } from './xml.js';

function monitoringElement(monitoring: Record<string, string>): string {
  const entries = Object.entries(monitoring);
  if (entries.length === 0) return '<MONITORING/>';
  return `<MONITORING>${entries.map(([name, value]) => element(name, value)).join('')}</MONITORING>`;
}

/** Renders a short VM's MONITORING, which has only CPU, MEMORY and STATE. */
function shortMonitoringElement(monitoring: Record<string, string>): string {
  if (Object.keys(monitoring).length === 0) return '<MONITORING/>';
  const names = ['CPU', 'MEMORY', 'STATE'].filter((name) => monitoring[name] !== undefined);
  return `<MONITORING>${names.map((name) => element(name, monitoring[name])).join('')}</MONITORING>`;
}

function historyElement(vmId: number, history: HistoryRecord): string {
  return (
    '<HISTORY>' +
    element('OID', vmId) +
    element('SEQ', history.seq) +
    element('HOSTNAME', history.hostname) +
    element('HID', history.hid) +
    element('CID', history.cid) +
    element('STIME', history.stime) +
    element('ETIME', history.etime) +
    element('VM_MAD', history.vmMad) +
    element('TM_MAD', history.tmMad) +
    element('DS_ID', history.dsId) +
    element('PSTIME', history.pstime) +
    element('PETIME', history.petime) +
    element('RSTIME', history.rstime) +
    element('RETIME', history.retime) +
    element('ESTIME', history.estime) +
    element('EETIME', history.eetime) +
    element('ACTION', history.action) +
    element('UID', history.uid) +
    element('GID', history.gid) +
    element('REQUEST_ID', history.reqId) +
    '</HISTORY>'
  );
}

function shortHistoryElement(vmId: number, history: HistoryRecord): string {
  return (
    '<HISTORY>' +
    element('OID', vmId) +
    element('SEQ', history.seq) +
    element('HOSTNAME', history.hostname) +
    element('HID', history.hid) +
    element('CID', history.cid) +
    element('DS_ID', history.dsId) +
    element('VM_MAD', history.vmMad) +
    element('TM_MAD', history.tmMad) +
    element('ACTION', history.action) +
    '</HISTORY>'
  );
}

function stateElements(vm: VmRecord): string {
  return element('LAST_POLL', vm.lastPoll) + element('STATE', vm.state) + element('LCM_STATE', vm.lcmState);
}

/** `<VM>` as `one.vm.info` returns it: the last one or two history records. */
export function vmDocument(vm: VmRecord): string {
  const history = vm.history.slice(-2).map((record) => historyElement(vm.id, record)).join('');

  return (
    '<VM>' +
    ownerElements(vm) +
    vm.permissions.toXml() +
    stateElements(vm) +
    element('PREV_STATE', vm.prevState) +
    element('PREV_LCM_STATE', vm.prevLcmState) +
    element('RESCHED', vm.resched) +
    element('STIME', vm.stime) +
    element('ETIME', vm.etime) +
    element('DEPLOY_ID', vm.deployId) +
    lockElement(vm.lock) +
    monitoringElement(vm.monitoring) +
    '<SCHED_ACTIONS/>' +
    vm.template.toXml('TEMPLATE') +
    vm.userTemplate.toXml('USER_TEMPLATE') +
    (history ? `<HISTORY_RECORDS>${history}</HISTORY_RECORDS>` : '<HISTORY_RECORDS/>') +
    '<BACKUPS><BACKUP_CONFIG/><BACKUP_IDS/></BACKUPS>' +
    '</VM>'
  );
}

/** DISK sub-attributes of a short VM, always written in this order (empty when unset), as OpenNebula 6.10 does. */
const SHORT_DISK = [
  'DISK_ID', 'DATASTORE', 'DATASTORE_ID', 'IMAGE', 'IMAGE_ID', 'SIZE', 'TYPE', 'CLONE', 'CLONE_TARGET', 'LN_TARGET',
  'DISK_SNAPSHOT_TOTAL_SIZE',
];
/** NIC sub-attributes of a short VM written only when set, then those always written. */
const SHORT_NIC_OPTIONAL = ['IP', 'EXTERNAL_IP', 'IP6', 'IP6_ULA', 'IP6_LINK', 'IP6_GLOBAL', 'NETWORK_MODE', 'SCHED_REQUIREMENTS', 'SCHED_RANK'];
const SHORT_NIC_ALWAYS = ['MAC', 'NETWORK', 'NETWORK_ID', 'NIC_ID', 'SECURITY_GROUPS'];
/** USER_TEMPLATE attributes of a short VM: what Sunstone and the scheduler read. */
const SHORT_USER_SINGLE = [
  'LABELS', 'ERROR', 'SCHED_MESSAGE', 'SCHED_RANK', 'SCHED_DS_RANK', 'SCHED_REQUIREMENTS', 'SCHED_DS_REQUIREMENTS',
  'USER_PRIORITY',
];
const SHORT_USER_VECTORS = ['PUBLIC_CLOUD', 'SCHED_ACTION'];

function shortDisk(disk: VectorAttribute): string {
  return `<DISK>${SHORT_DISK.map((name) => element(name, disk.get(name) ?? '')).join('')}</DISK>`;
}

function shortNic(nic: VectorAttribute): string {
  const optional = SHORT_NIC_OPTIONAL.filter((name) => (nic.get(name) ?? '') !== '')
    .map((name) => element(name, nic.get(name) ?? ''));
  const always = SHORT_NIC_ALWAYS.map((name) => element(name, nic.get(name) ?? ''));
  return `<NIC>${optional.join('')}${always.join('')}</NIC>`;
}

/** Renders the short TEMPLATE: CPU, MEMORY and VCPU (empty when unset), short DISKs and NICs, and GRAPHICS. */
function shortTemplate(template: Template): string {
  const graphics = template.getVector('GRAPHICS');
  return (
    '<TEMPLATE>' +
    element('CPU', template.get('CPU') ?? '') +
    element('MEMORY', template.get('MEMORY') ?? '') +
    element('VCPU', template.get('VCPU') ?? '') +
    template.getVectors('DISK').map(shortDisk).join('') +
    template.getVectors('NIC').map(shortNic).join('') +
    (graphics ? `<GRAPHICS>${graphics.entries().map(([name, value]) => element(name, value)).join('')}</GRAPHICS>` : '') +
    '</TEMPLATE>'
  );
}

/** Renders the short USER_TEMPLATE. As in OpenNebula, it is `<USER_TEMPLATE/>` only when the user template is empty. */
function shortUserTemplate(template: Template): string {
  if (template.isEmpty) return '<USER_TEMPLATE/>';

  const short = new Template();
  for (const name of SHORT_USER_SINGLE) {
    const value = template.get(name);
    if (value !== undefined) short.add(name, value);
  }
  for (const name of SHORT_USER_VECTORS) {
    for (const vector of template.getVectors(name)) short.add(name, vector);
  }
  return short.isEmpty ? '<USER_TEMPLATE></USER_TEMPLATE>' : short.toXml('USER_TEMPLATE');
}

/** Renders a short VM's LOCK, which carries only the level. */
function shortLockElement(vm: VmRecord): string {
  return vm.lock ? `<LOCK>${element('LOCKED', vm.lock.level)}</LOCK>` : '';
}

/** The short `<VM>` of `one.vmpool.info`: enough for `onevm list`, a fraction of the size. */
export function shortVmDocument(vm: VmRecord): string {
  const last = vm.history.at(-1);

  return (
    '<VM>' +
    ownerElements(vm) +
    stateElements(vm) +
    element('RESCHED', vm.resched) +
    element('STIME', vm.stime) +
    element('ETIME', vm.etime) +
    element('DEPLOY_ID', vm.deployId) +
    shortLockElement(vm) +
    shortTemplate(vm.template) +
    shortMonitoringElement(vm.monitoring) +
    shortUserTemplate(vm.userTemplate) +
    (last ? `<HISTORY_RECORDS>${shortHistoryElement(vm.id, last)}</HISTORY_RECORDS>` : '<HISTORY_RECORDS/>') +
    '</VM>'
  );
}
