import type { HistoryRecord, VmRecord } from '../pools/records/vm-record.js';
import { Template, VectorAttribute } from '../template/index.js';
import { element, lockElement, ownerElements } from './xml.js';

function monitoringElement(monitoring: Record<string, string>): string {
  const entries = Object.entries(monitoring);
  if (entries.length === 0) return '<MONITORING/>';
  return `<MONITORING>${entries.map(([name, value]) => element(name, value)).join('')}</MONITORING>`;
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

const SHORT_TEMPLATE_SINGLE = ['CPU', 'MEMORY', 'VCPU'];
const SHORT_DISK = ['DISK_ID', 'IMAGE_ID', 'IMAGE', 'SIZE', 'TARGET', 'TYPE', 'DATASTORE_ID'];
const SHORT_NIC = ['NIC_ID', 'NETWORK_ID', 'NETWORK', 'IP', 'IP6', 'MAC'];
const SHORT_USER_TEMPLATE = ['LABELS', 'ERROR', 'SCHED_MESSAGE', 'SCHED_RANK', 'SCHED_REQUIREMENTS', 'USER_PRIORITY'];

function pickVector(vector: VectorAttribute, names: string[]): VectorAttribute {
  return new VectorAttribute(vector.entries().filter(([name]) => names.includes(name)));
}

function shortTemplate(template: Template): Template {
  const short = new Template();
  for (const name of SHORT_TEMPLATE_SINGLE) {
    const value = template.get(name);
    if (value !== undefined) short.add(name, value);
  }
  for (const disk of template.getVectors('DISK')) short.add('DISK', pickVector(disk, SHORT_DISK));
  for (const nic of template.getVectors('NIC')) short.add('NIC', pickVector(nic, SHORT_NIC));
  const graphics = template.getVector('GRAPHICS');
  if (graphics) short.add('GRAPHICS', graphics);
  return short;
}

function shortUserTemplate(template: Template): Template {
  const short = new Template();
  for (const name of SHORT_USER_TEMPLATE) {
    const value = template.get(name);
    if (value !== undefined) short.add(name, value);
  }
  return short;
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
    lockElement(vm.lock) +
    shortTemplate(vm.template).toXml('TEMPLATE') +
    monitoringElement(vm.monitoring) +
    shortUserTemplate(vm.userTemplate).toXml('USER_TEMPLATE') +
    (last ? `<HISTORY_RECORDS>${shortHistoryElement(vm.id, last)}</HISTORY_RECORDS>` : '<HISTORY_RECORDS/>') +
    '</VM>'
  );
}
