import { execFileSync } from 'node:child_process';
import path from 'node:path';
import t, { type Test } from 'tap';
import { contextValues } from '../../core/lifecycle/driver-steps.js';
import type { VmRecord } from '../../core/pools/records/vm-record.js';
import { Template } from '../../core/template/index.js';
import { Tokens } from '../../core/tokens.js';
import { startTestDaemon, temporaryHome } from '../helpers/daemon.js';
import { apiError, createNetwork, createOutsider, ErrorCode, find, findAll, parseXml, textAt, vmTemplate } from '../helpers/objects.js';

const ADMIN = { uid: 0, gid: 0, groupIds: [0], uname: 'oneadmin', gname: 'oneadmin' };

/** Starts a daemon with network "private": one IP4 range from 10.0.0.1 with `size` addresses. */
async function site(t: Test, size = 16) {
  const daemon = await startTestDaemon(t);
  const admin = daemon.admin;
  const text = `NAME = "private"\nVN_MAD = "bridge"\nGATEWAY = "10.0.0.254"\nAR = [ TYPE = "IP4", IP = "10.0.0.1", SIZE = "${size}" ]`;
  const vnetId = await admin.call<number>('one.vn.allocate', text, -1);
  return { daemon, admin, vnetId };
}

async function vmWithNic(admin: { call<T>(method: string, ...params: unknown[]): Promise<T> }, vnetId: number, nic = ''): Promise<number> {
  return admin.call<number>('one.vm.allocate', vmTemplate(`NIC = [ NETWORK_ID = "${vnetId}"${nic === '' ? '' : `, ${nic}`} ]`), false);
}

async function usedLeases(admin: { call<T>(method: string, ...params: unknown[]): Promise<T> }, vnetId: number) {
  const vnet = parseXml(await admin.call<string>('one.vn.info', vnetId));
  return { network: find(vnet, 'USED_LEASES').text, range: find(vnet, 'AR_POOL/AR/USED_LEASES').text };
}

t.test('VM allocation leases', async (t) => {
  t.test('NIC gets IP, MAC and AR_ID', async (t) => {
    const { admin, vnetId } = await site(t);

    const vmId = await vmWithNic(admin, vnetId);

    const vm = await admin.call<string>('one.vm.info', vmId);
    t.equal(textAt(vm, 'TEMPLATE/NIC/IP'), '10.0.0.1');
    t.equal(textAt(vm, 'TEMPLATE/NIC/MAC'), '02:00:0a:00:00:01', 'the MAC is 02:00 followed by the IP in hex');
    t.equal(textAt(vm, 'TEMPLATE/NIC/AR_ID'), '0');
    t.equal(textAt(vm, 'TEMPLATE/NIC/GATEWAY'), '10.0.0.254', 'network attributes are copied to the NIC');
    t.same(await usedLeases(admin, vnetId), { network: '1', range: '1' });
  });

  t.test('one.vn.info lists the lease', async (t) => {
    const { admin, vnetId } = await site(t);
    const vmId = await vmWithNic(admin, vnetId);

    const info = parseXml(await admin.call<string>('one.vn.info', vnetId));
    const pool = parseXml(await admin.call<string>('one.vnpool.info', -2, -1, -1));

    const lease = find(info, 'AR_POOL/AR/LEASES/LEASE');
    t.equal(find(lease, 'IP').text, '10.0.0.1');
    t.equal(find(lease, 'MAC').text, '02:00:0a:00:00:01');
    t.equal(find(lease, 'VM').text, String(vmId));
    t.same(findAll(pool, 'VNET/AR_POOL/AR/LEASES'), [], 'pool listings leave the leases out');
    t.equal(find(pool, 'VNET/AR_POOL/AR/USED_LEASES').text, '1');
  });

  t.test('requested IP and several NICs', async (t) => {
    const { admin, vnetId } = await site(t);

    const template = vmTemplate(`NIC = [ NETWORK_ID = "${vnetId}", IP = "10.0.0.5" ]\nNIC = [ NETWORK_ID = "${vnetId}" ]`);
    const vmId = await admin.call<number>('one.vm.allocate', template, false);

    const nics = findAll(parseXml(await admin.call<string>('one.vm.info', vmId)), 'TEMPLATE/NIC');
    t.same(nics.map((nic) => find(nic, 'IP').text), ['10.0.0.5', '10.0.0.1']);
    t.same(nics.map((nic) => find(nic, 'NIC_ID').text), ['0', '1']);
    t.same(await usedLeases(admin, vnetId), { network: '2', range: '2' });
  });

  t.test('refuses an address in use', async (t) => {
    const { admin, vnetId } = await site(t);
    const first = await vmWithNic(admin, vnetId, 'IP = "10.0.0.5"');

    const error = await apiError(vmWithNic(admin, vnetId, 'IP = "10.0.0.5"'));

    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, `IP 10.0.0.5 of virtual network ${vnetId} (private) is already leased to VM ${first}`);
  });

  t.test('full range refuses the VM', async (t) => {
    const { admin, vnetId } = await site(t, 1);
    await vmWithNic(admin, vnetId);

    const error = await apiError(vmWithNic(admin, vnetId));

    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, 'NIC 0: virtual network 0 (private) has no free address in its 1 address range');
    t.same(await usedLeases(admin, vnetId), { network: '1', range: '1' }, 'the failed VM leased nothing');
    t.same(findAll(parseXml(await admin.call<string>('one.vmpool.info', -2, -1, -1, -2)), 'VM').length, 1, 'the failed VM was not created');
  });

  t.test('failed second NIC keeps no lease', async (t) => {
    const { admin, vnetId } = await site(t, 1);

    const template = vmTemplate(`NIC = [ NETWORK_ID = "${vnetId}" ]\nNIC = [ NETWORK_ID = "${vnetId}" ]`);
    const error = await apiError(admin.call('one.vm.allocate', template, false));

    t.equal(error.code, ErrorCode.ALLOCATE);
    t.match(error.message, 'NIC 1:');
    t.same(await usedLeases(admin, vnetId), { network: '0', range: '0' }, 'the first NIC lease was rolled back');
  });

  t.test('rejects an invalid AR_ID', async (t) => {
    const { admin, vnetId } = await site(t);

    const notId = await apiError(vmWithNic(admin, vnetId, 'AR_ID = "x"'));
    const unknown = await apiError(vmWithNic(admin, vnetId, 'AR_ID = "7"'));

    t.equal(notId.code, ErrorCode.ALLOCATE);
    t.match(notId.message, 'AR_ID must be an address range id, got "x"');
    t.equal(unknown.code, ErrorCode.ALLOCATE);
    t.match(unknown.message, 'address range 7 does not exist');
  });
});

t.test('terminate releases the lease', async (t) => {
  const { admin, vnetId } = await site(t, 1);
  const vmId = await vmWithNic(admin, vnetId);

  await admin.call('one.vm.action', 'terminate', vmId);

  t.same(await usedLeases(admin, vnetId), { network: '0', range: '0' });
  t.equal(textAt(await admin.call<string>('one.vn.info', vnetId), 'AR_POOL/AR/LEASES/LEASE'), undefined);
  const next = await vmWithNic(admin, vnetId);
  t.equal(textAt(await admin.call<string>('one.vm.info', next), 'TEMPLATE/NIC/IP'), '10.0.0.1', 'the address is free again');
});

t.test('ranges and networks in use', async (t) => {
  t.test('rm_ar refuses a range with leases', async (t) => {
    const { admin, vnetId } = await site(t);
    const vmId = await vmWithNic(admin, vnetId);

    const error = await apiError(admin.call('one.vn.rm_ar', vnetId, 0));
    await admin.call('one.vm.action', 'terminate', vmId);
    await admin.call('one.vn.rm_ar', vnetId, 0);

    t.equal(error.code, ErrorCode.ACTION);
    t.match(error.message, 'Address Range has leases in use');
    t.equal(textAt(await admin.call<string>('one.vn.info', vnetId), 'AR_POOL/AR'), undefined, 'removed once the VM is gone');
  });

  t.test('delete refuses a network with leases', async (t) => {
    const { admin, vnetId } = await site(t);
    await vmWithNic(admin, vnetId);

    const error = await apiError(admin.call('one.vn.delete', vnetId));

    t.equal(error.code, ErrorCode.ACTION);
    t.match(error.message, 'has 1 leases in use');
  });

  t.test('update_ar refuses shrinking past a lease', async (t) => {
    const { admin, vnetId } = await site(t);
    const vmId = await vmWithNic(admin, vnetId, 'IP = "10.0.0.5"');

    const error = await apiError(admin.call('one.vn.update_ar', vnetId, 'AR = [ AR_ID = "0", SIZE = "4" ]'));
    await admin.call('one.vn.update_ar', vnetId, 'AR = [ AR_ID = "0", SIZE = "5" ]');

    t.equal(error.code, ErrorCode.ACTION);
    t.match(error.message, `cannot shrink to SIZE 4: IP 10.0.0.5 is leased to VM ${vmId}`);
    t.equal(textAt(await admin.call<string>('one.vn.info', vnetId), 'AR_POOL/AR/SIZE'), '5');
  });

  t.test('add_ar refuses an overlapping range', async (t) => {
    const { admin, vnetId } = await site(t);

    const byIp = await apiError(admin.call('one.vn.add_ar', vnetId, 'AR = [ TYPE = "IP4", IP = "10.0.0.10", SIZE = "16" ]'));
    const byMac = await apiError(admin.call('one.vn.add_ar', vnetId, 'AR = [ TYPE = "ETHER", MAC = "02:00:0a:00:00:08", SIZE = "2" ]'));
    const eachOther = await apiError(
      admin.call('one.vn.add_ar', vnetId, 'AR = [ TYPE = "IP4", IP = "10.1.0.1", SIZE = "4" ]\nAR = [ TYPE = "IP4", IP = "10.1.0.4", SIZE = "4" ]'),
    );
    await admin.call('one.vn.add_ar', vnetId, 'AR = [ TYPE = "IP4", IP = "10.0.0.17", SIZE = "16" ]');

    t.equal(byIp.code, ErrorCode.ACTION);
    t.match(byIp.message, 'overlaps address range 0 of virtual network 0 (private): both contain IP 10.0.0.10');
    t.equal(byMac.code, ErrorCode.ACTION);
    t.match(byMac.message, 'both contain MAC 02:00:0a:00:00:08');
    t.equal(eachOther.code, ErrorCode.ACTION);
    t.match(eachOther.message, 'New address range 2 overlaps new address range 1: both contain IP 10.1.0.4');
    t.equal(findAll(parseXml(await admin.call<string>('one.vn.info', vnetId)), 'AR_POOL/AR').length, 2, 'the adjacent range was added');
  });
});

t.test('one.vn.hold and one.vn.release', async (t) => {
  t.test('held address goes to no NIC', async (t) => {
    const { admin, vnetId } = await site(t);

    await admin.call('one.vn.hold', vnetId, 'LEASES = [ IP = "10.0.0.1" ]');
    const vmId = await vmWithNic(admin, vnetId);
    const requested = await apiError(vmWithNic(admin, vnetId, 'IP = "10.0.0.1"'));

    const lease = find(parseXml(await admin.call<string>('one.vn.info', vnetId)), 'AR_POOL/AR/LEASES/LEASE');
    t.equal(find(lease, 'VM').text, '-1');
    t.equal(textAt(await admin.call<string>('one.vm.info', vmId), 'TEMPLATE/NIC/IP'), '10.0.0.2');
    t.equal(requested.code, ErrorCode.ALLOCATE);
    t.match(requested.message, 'is on hold');
    t.same(await usedLeases(admin, vnetId), { network: '2', range: '2' });
  });

  t.test('release frees the held address', async (t) => {
    const { admin, vnetId } = await site(t);
    await admin.call('one.vn.hold', vnetId, 'LEASES = [ IP = "10.0.0.1", AR_ID = "0" ]');

    await admin.call('one.vn.release', vnetId, 'LEASES = [ IP = "10.0.0.1" ]');
    const vmId = await vmWithNic(admin, vnetId);

    t.equal(textAt(await admin.call<string>('one.vm.info', vmId), 'TEMPLATE/NIC/IP'), '10.0.0.1');
  });

  t.test('release keeps a VM lease', async (t) => {
    const { admin, vnetId } = await site(t);
    await vmWithNic(admin, vnetId);

    await admin.call('one.vn.release', vnetId, 'LEASES = [ IP = "10.0.0.1" ]');

    t.same(await usedLeases(admin, vnetId), { network: '1', range: '1' });
  });

  t.test('rejects bad requests', async (t) => {
    const { admin, vnetId } = await site(t);
    await admin.call('one.vn.hold', vnetId, 'LEASES = [ MAC = "02:00:0a:00:00:03" ]');

    const twice = await apiError(admin.call('one.vn.hold', vnetId, 'LEASES = [ IP = "10.0.0.3" ]'));
    const outside = await apiError(admin.call('one.vn.hold', vnetId, 'LEASES = [ IP = "192.168.0.1" ]'));
    const missing = await apiError(admin.call('one.vn.hold', vnetId, 'IP = "10.0.0.4"'));
    const badRange = await apiError(admin.call('one.vn.release', vnetId, 'LEASES = [ IP = "10.0.0.4", AR_ID = "x" ]'));
    const noNetwork = await apiError(admin.call('one.vn.hold', 9, 'LEASES = [ IP = "10.0.0.4" ]'));

    t.equal(twice.code, ErrorCode.ACTION);
    t.match(twice.message, 'Cannot hold the lease: IP 10.0.0.3 of virtual network 0 (private) is on hold');
    t.equal(outside.code, ErrorCode.ACTION);
    t.match(outside.message, 'is not in any address range');
    t.equal(missing.code, ErrorCode.XML_RPC_API);
    t.equal(badRange.code, ErrorCode.XML_RPC_API);
    t.equal(noNetwork.code, ErrorCode.NO_EXISTS);
  });

  t.test('needs NET MANAGE', async (t) => {
    const { daemon, admin, vnetId } = await site(t);
    const carol = await createOutsider(daemon, 'carol');
    await admin.call('one.vn.chmod', vnetId, -1, -1, -1, -1, -1, -1, 1, -1, -1);

    const error = await apiError(carol.call('one.vn.hold', vnetId, 'LEASES = [ IP = "10.0.0.1" ]'));

    t.equal(error.code, ErrorCode.AUTHORIZATION);
  });
});

t.test('contextValues has NIC variables', async (t) => {
  const template = Template.parse(
    'CONTEXT = [ HOSTNAME = "vm", ETH0_DNS = "10.0.0.53", ETH0_MTU = "9000" ]\n' +
      'NIC = [ NIC_ID = "0", IP = "10.0.0.7", MAC = "02:00:0a:00:00:07", GATEWAY = "10.0.0.254", DNS = "" ]\n' +
      'NIC = [ NIC_ID = "1", IP = "10.1.0.2", MAC = "02:00:0a:01:00:02" ]',
  );
  const vm = { template } as VmRecord;

  const values = contextValues({ vm }, 2);

  t.equal(values.HOSTNAME, 'vm');
  t.equal(values.ETH0_IP, '10.0.0.7');
  t.equal(values.ETH0_MAC, '02:00:0a:00:00:07');
  t.equal(values.ETH0_GATEWAY, '10.0.0.254');
  t.equal(values.ETH0_DNS, '10.0.0.53', 'an empty NIC value keeps the CONTEXT value');
  t.equal(values.ETH0_MTU, '9000');
  t.equal(values.ETH0_MASK, '', 'a variable without value is written empty');
  t.equal(values.ETH1_IP, '10.1.0.2');
  t.equal(values.DISK_ID, '2');
});

t.test('context CD has ETH0_IP', async (t) => {
  // The dummy driver reads its control folder when it loads, so the variables are set before the daemon starts.
  const home = temporaryHome(t);
  const saved = { control: process.env.STRATUS_DUMMY_CONTROL, roots: process.env.STRATUS_DATASTORE_ROOTS };
  process.env.STRATUS_DUMMY_CONTROL = temporaryHome(t, 'stratus-dummy-control-');
  process.env.STRATUS_DATASTORE_ROOTS = path.join(home, 'datastores');
  t.teardown(() => {
    process.env.STRATUS_DUMMY_CONTROL = saved.control;
    process.env.STRATUS_DATASTORE_ROOTS = saved.roots;
  });
  const daemon = await startTestDaemon(t, { home });
  const admin = daemon.admin;
  const lifecycle = daemon.daemon.container.resolve(Tokens.Lifecycle);
  const vnetId = await createNetwork(admin, 'private', 'GATEWAY = "10.0.0.254"');
  const hostId = await admin.call<number>('one.host.allocate', 'localhost', 'dummy', 'dummy', -1);
  const vmId = await admin.call<number>('one.vm.allocate', vmTemplate(`NIC = [ NETWORK_ID = "${vnetId}" ]\nCONTEXT = [ HOSTNAME = "ctx" ]`), false);

  await lifecycle.deploy(ADMIN, vmId, hostId);
  await lifecycle.idle();

  const systemPath = textAt(await admin.call<string>('one.datastore.info', 0), 'BASE_PATH') ?? '';
  const iso = path.join(systemPath, String(vmId), 'disk.0');
  const script = execFileSync('isoinfo', ['-i', iso, '-R', '-x', '/context.sh'], { encoding: 'utf8' });
  t.match(script, "ETH0_IP='10.0.0.1'");
  t.match(script, "ETH0_MAC='02:00:0a:00:00:01'");
  t.match(script, "ETH0_GATEWAY='10.0.0.254'");
  t.match(script, "HOSTNAME='ctx'");
});
