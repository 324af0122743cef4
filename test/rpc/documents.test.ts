import t from 'tap';
import { startTestDaemon } from '../helpers/daemon.js';
import { allowImageFolder, registerReadyImage } from '../helpers/images.js';
import {
  childNames,
  createNetwork,
  find,
  findAll,
  lockImage,
  parseXml,
  registerImage,
  vmTemplate,
} from '../helpers/objects.js';

// Element names and their order, as OpenNebula 6.10's schemas (share/doc/xsd) and
// its to_xml functions write them. Optional elements appear where a test sets them up.

const OWNER = ['ID', 'UID', 'GID', 'UNAME', 'GNAME', 'NAME'];
const PERMISSIONS = ['OWNER_U', 'OWNER_M', 'OWNER_A', 'GROUP_U', 'GROUP_M', 'GROUP_A', 'OTHER_U', 'OTHER_M', 'OTHER_A'];

const HOST = ['ID', 'NAME', 'STATE', 'PREV_STATE', 'IM_MAD', 'VM_MAD', 'CLUSTER_ID', 'CLUSTER', 'HOST_SHARE', 'VMS', 'TEMPLATE', 'MONITORING'];
const HOST_SHARE = [
  'MEM_USAGE', 'CPU_USAGE', 'TOTAL_MEM', 'TOTAL_CPU', 'MAX_MEM', 'MAX_CPU', 'RUNNING_VMS', 'VMS_THREAD',
  'DATASTORES', 'PCI_DEVICES', 'NUMA_NODES',
];

const DATASTORE = [
  ...OWNER, 'PERMISSIONS', 'DS_MAD', 'TM_MAD', 'BASE_PATH', 'TYPE', 'DISK_TYPE', 'STATE', 'CLUSTERS',
  'TOTAL_MB', 'FREE_MB', 'USED_MB', 'IMAGES', 'TEMPLATE',
];

const IMAGE_AFTER_LOCK = [
  'PERMISSIONS', 'TYPE', 'DISK_TYPE', 'PERSISTENT', 'REGTIME', 'SOURCE', 'PATH', 'FORMAT', 'FS', 'SIZE', 'STATE',
  'PREV_STATE', 'RUNNING_VMS', 'CLONING_OPS', 'CLONING_ID', 'TARGET_SNAPSHOT', 'DATASTORE_ID', 'DATASTORE', 'VMS',
  'CLONES', 'APP_CLONES', 'TEMPLATE', 'SNAPSHOTS', 'BACKUP_INCREMENTS',
];
const LOCK = ['LOCKED', 'OWNER', 'TIME', 'REQ_ID'];

const VMTEMPLATE = [...OWNER, 'PERMISSIONS', 'REGTIME', 'TEMPLATE'];

const VNET = [
  ...OWNER, 'PERMISSIONS', 'CLUSTERS', 'BRIDGE', 'BRIDGE_TYPE', 'STATE', 'PREV_STATE', 'PARENT_NETWORK_ID', 'VN_MAD',
  'PHYDEV', 'VLAN_ID', 'OUTER_VLAN_ID', 'VLAN_ID_AUTOMATIC', 'OUTER_VLAN_ID_AUTOMATIC', 'USED_LEASES', 'VROUTERS',
  'UPDATED_VMS', 'OUTDATED_VMS', 'UPDATING_VMS', 'ERROR_VMS', 'TEMPLATE', 'AR_POOL',
];

const VM_FULL = [
  ...OWNER, 'PERMISSIONS', 'LAST_POLL', 'STATE', 'LCM_STATE', 'PREV_STATE', 'PREV_LCM_STATE', 'RESCHED', 'STIME',
  'ETIME', 'DEPLOY_ID', 'MONITORING', 'SCHED_ACTIONS', 'TEMPLATE', 'USER_TEMPLATE', 'HISTORY_RECORDS', 'BACKUPS',
];
const VM_SHORT = [
  ...OWNER, 'LAST_POLL', 'STATE', 'LCM_STATE', 'RESCHED', 'STIME', 'ETIME', 'DEPLOY_ID', 'TEMPLATE', 'MONITORING',
  'USER_TEMPLATE', 'HISTORY_RECORDS',
];
const SHORT_DISK = [
  'DISK_ID', 'DATASTORE', 'DATASTORE_ID', 'IMAGE', 'IMAGE_ID', 'SIZE', 'TYPE', 'CLONE', 'CLONE_TARGET', 'LN_TARGET',
  'DISK_SNAPSHOT_TOTAL_SIZE',
];
const SHORT_NIC = ['MAC', 'NETWORK', 'NETWORK_ID', 'NIC_ID', 'SECURITY_GROUPS'];

t.test('HOST and HOST_POOL', async (t) => {
  const { admin } = await startTestDaemon(t);
  await admin.call('one.host.allocate', 'node1', 'qemu', 'qemu', -1);

  const host = parseXml(await admin.call<string>('one.host.info', 0));
  const pool = parseXml(await admin.call<string>('one.hostpool.info'));

  t.equal(host.name, 'HOST');
  t.same(childNames(host), HOST);
  t.same(childNames(find(host, 'HOST_SHARE')), HOST_SHARE);
  t.equal(pool.name, 'HOST_POOL');
  t.same(childNames(pool), ['HOST']);
  t.same(childNames(find(pool, 'HOST')), HOST);
});

t.test('DATASTORE', async (t) => {
  const { admin } = await startTestDaemon(t);
  await registerImage(admin, 'base');

  const ds = parseXml(await admin.call<string>('one.datastore.info', 1));

  t.same(childNames(ds), DATASTORE);
  t.same(childNames(find(ds, 'PERMISSIONS')), PERMISSIONS);
  t.same(childNames(find(ds, 'CLUSTERS')), ['ID']);
  t.same(childNames(find(ds, 'IMAGES')), ['ID']);
});

t.test('IMAGE with and without LOCK', async (t) => {
  const daemon = await startTestDaemon(t);
  const id = await registerImage(daemon.admin, 'base');
  const unlocked = parseXml(await daemon.admin.call<string>('one.image.info', id));

  await lockImage(daemon, id, 2);
  const locked = parseXml(await daemon.admin.call<string>('one.image.info', id));

  t.same(childNames(unlocked), [...OWNER, ...IMAGE_AFTER_LOCK]);
  t.same(childNames(locked), [...OWNER, 'LOCK', ...IMAGE_AFTER_LOCK]);
  t.same(childNames(find(locked, 'LOCK')), LOCK);
  t.same(childNames(find(unlocked, 'SNAPSHOTS')), ['ALLOW_ORPHANS', 'CURRENT_BASE', 'NEXT_SNAPSHOT']);
});

t.test('IMAGE_POOL', async (t) => {
  const { admin } = await startTestDaemon(t);
  await registerImage(admin, 'base');

  const pool = parseXml(await admin.call<string>('one.imagepool.info', -2, -1, -1));

  t.equal(pool.name, 'IMAGE_POOL');
  t.same(childNames(find(pool, 'IMAGE')), [...OWNER, ...IMAGE_AFTER_LOCK]);
});

t.test('VMTEMPLATE', async (t) => {
  const { admin } = await startTestDaemon(t);
  await admin.call('one.template.allocate', 'NAME = "web"\nCPU = "1"\nMEMORY = "128"');

  const template = parseXml(await admin.call<string>('one.template.info', 0));
  const pool = parseXml(await admin.call<string>('one.templatepool.info', -2, -1, -1));

  t.same(childNames(template), VMTEMPLATE);
  t.same(childNames(find(template, 'TEMPLATE')), ['CPU', 'MEMORY']);
  t.equal(pool.name, 'VMTEMPLATE_POOL');
  t.same(childNames(find(pool, 'VMTEMPLATE')), VMTEMPLATE);
});

t.test('VNET with AR_POOL', async (t) => {
  const { admin } = await startTestDaemon(t);
  const id = await createNetwork(admin, 'private');

  const vnet = parseXml(await admin.call<string>('one.vn.info', id));

  t.same(childNames(vnet), VNET);
  t.same(childNames(find(vnet, 'AR_POOL')), ['AR']);
  t.same(childNames(find(vnet, 'AR_POOL/AR')), ['AR_ID', 'IP', 'MAC', 'SIZE', 'TYPE', 'MAC_END', 'IP_END', 'USED_LEASES', 'LEASES']);
});

t.test('AR attributes in name order', async (t) => {
  const { admin } = await startTestDaemon(t);
  const text =
    'NAME = "dual"\nVN_MAD = "bridge"\n' +
    'AR = [ TYPE = "IP4_6", IP = "10.0.0.1", SIZE = "8", ULA_PREFIX = "fd00::", GLOBAL_PREFIX = "2001:db8::" ]';

  const id = await admin.call<number>('one.vn.allocate', text, -1);

  const range = find(parseXml(await admin.call<string>('one.vn.info', id)), 'AR_POOL/AR');
  t.same(childNames(range).slice(0, 7), ['AR_ID', 'GLOBAL_PREFIX', 'IP', 'MAC', 'SIZE', 'TYPE', 'ULA_PREFIX']);
  t.same(childNames(range).slice(-2), ['USED_LEASES', 'LEASES']);
});

t.test('VNET without ranges', async (t) => {
  const { admin } = await startTestDaemon(t);

  const id = await admin.call<number>('one.vn.allocate', 'NAME = "empty"\nVN_MAD = "dummy"', -1);

  const vnet = parseXml(await admin.call<string>('one.vn.info', id));
  t.same(childNames(vnet), VNET);
  t.same(childNames(find(vnet, 'AR_POOL')), []);
});

t.test('VM full form', async (t) => {
  const { admin } = await startTestDaemon(t);
  await registerReadyImage(admin, allowImageFolder(t), 'base');
  await createNetwork(admin, 'private');
  await admin.call('one.vm.allocate', vmTemplate('DISK = [ IMAGE_ID = "0" ]\nNIC = [ NETWORK_ID = "0" ]\nLABELS = "a"'));

  const vm = parseXml(await admin.call<string>('one.vm.info', 0));
  const pool = parseXml(await admin.call<string>('one.vmpool.infoextended', -2, -1, -1, -1));

  t.same(childNames(vm), VM_FULL);
  t.same(childNames(find(vm, 'PERMISSIONS')), PERMISSIONS);
  t.same(childNames(find(vm, 'BACKUPS')), ['BACKUP_CONFIG', 'BACKUP_IDS']);
  t.same(childNames(find(vm, 'HISTORY_RECORDS')), []);
  t.equal(pool.name, 'VM_POOL');
  t.same(childNames(find(pool, 'VM')), VM_FULL);
});

t.test('VM_POOL short form', async (t) => {
  const { admin } = await startTestDaemon(t);
  await registerReadyImage(admin, allowImageFolder(t), 'base');
  await createNetwork(admin, 'private');
  await admin.call('one.vm.allocate', vmTemplate('DISK = [ IMAGE_ID = "0" ]\nNIC = [ NETWORK_ID = "0" ]\nLABELS = "a"\nDESCRIPTION = "b"'));

  const pool = parseXml(await admin.call<string>('one.vmpool.info', -2, -1, -1, -1));

  const vm = find(pool, 'VM');
  t.equal(pool.name, 'VM_POOL');
  t.same(childNames(vm), VM_SHORT);
  t.same(childNames(find(vm, 'TEMPLATE')), ['CPU', 'MEMORY', 'VCPU', 'DISK', 'NIC']);
  t.same(childNames(find(vm, 'TEMPLATE/DISK')), SHORT_DISK);
  t.same(childNames(find(vm, 'TEMPLATE/NIC')), ['IP', ...SHORT_NIC]);
  t.same(childNames(find(vm, 'USER_TEMPLATE')), ['LABELS']);
  t.same(childNames(find(vm, 'MONITORING')), []);
});

t.test('documents have no XML declaration', async (t) => {
  const { admin } = await startTestDaemon(t);
  await admin.call('one.vm.allocate', vmTemplate());

  const documents = [
    await admin.call<string>('one.vm.info', 0),
    await admin.call<string>('one.vmpool.info', -2, -1, -1, -1),
    await admin.call<string>('one.datastorepool.info'),
  ];

  for (const document of documents) t.equal(document.startsWith('<?xml'), false);
  t.equal(findAll(parseXml(documents[2]), 'DATASTORE').length, 3);
});
